"""Every model of the placements app, whichever sub-package defines it (one app label, one
migrations folder)."""

from placements.attendance.models import AttendanceCode, AttendanceMark, FollowUp, RegisterLink, Session
from placements.compliance.models import Flag
from placements.core.models import Placement, Pupil, TimetableSlot, validate_upn
from placements.plans.models import (
    LearningPlan,
    Milestone,
    MilestoneProgress,
    MilestoneStatus,
    Outcome,
    Qualification,
    Review,
)
from placements.visits.models import Visit

__all__ = [
    "AttendanceCode",
    "AttendanceMark",
    "Flag",
    "FollowUp",
    "LearningPlan",
    "Milestone",
    "MilestoneProgress",
    "MilestoneStatus",
    "Outcome",
    "Placement",
    "Pupil",
    "Qualification",
    "RegisterLink",
    "Review",
    "Session",
    "TimetableSlot",
    "Visit",
    "validate_upn",
]
