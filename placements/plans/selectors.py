"""Read queries for learning plans, milestones and reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch

from apdash.selectors import visible_schools
from placements.attendance import rules as attendance_rules
from placements.attendance.models import AttendanceMark
from placements.core.models import Placement
from placements.core.selectors import visible_pupils
from placements.plans import rules
from placements.plans.models import LearningPlan, Milestone, MilestoneProgress, Outcome, Review
from placements.visits.models import Visit


def plan_pupils(user):
    """Pupils on the roll of the user's schools: whose plans the user may read."""
    return visible_pupils(user).filter(school__in=visible_schools(user))


@dataclass
class PlanSummary:
    pupil: object
    plan: LearningPlan | None
    milestones: list
    reviews: list
    progress: rules.PlanProgress
    last_review: Review | None
    qualifications: list
    missing_core: tuple[str, ...]
    outcomes: list

    @property
    def missing_core_words(self) -> str:
        return " and ".join("English" if s == "english" else "maths" for s in self.missing_core)


def plan_summary(pupil, *, today: date) -> PlanSummary:
    """The plan, milestones, reviews (with the progress they agreed), qualifications and outcomes
    of a pupil the caller has already checked the user may see. Five queries."""
    plan = LearningPlan.objects.filter(pupil=pupil).first()
    milestones, reviews = [], []
    if plan is not None:
        milestones = list(plan.milestones.all())
        progress_rows = MilestoneProgress.objects.select_related("milestone").order_by(
            "milestone__target_date", "milestone_id"
        )
        reviews = list(plan.reviews.prefetch_related(Prefetch("progress", queryset=progress_rows)))
    qualifications = list(pupil.qualifications.select_related("provider"))
    outcomes = list(Outcome.objects.filter(pupil=pupil).select_related("placement__provider"))
    return PlanSummary(
        pupil=pupil,
        plan=plan,
        milestones=milestones,
        reviews=reviews,
        progress=rules.milestone_rollup([(m.status, m.target_date) for m in milestones], today=today),
        last_review=reviews[0] if reviews else None,
        qualifications=qualifications,
        missing_core=rules.missing_core_subjects(pupil.year_group, [q.area for q in qualifications]),
        outcomes=outcomes,
    )


def review_prefill(plan: LearningPlan, *, today: date) -> dict:
    """The attendance and behaviour summaries a new review starts from: the registers and the
    visits' behaviour notes since the last review (or this academic year's first placement)."""
    last = plan.reviews.order_by("-date").values_list("date", flat=True).first()
    marks = AttendanceMark.objects.filter(placement__pupil_id=plan.pupil_id, date__lte=today)
    visits = Visit.objects.filter(placement__pupil_id=plan.pupil_id, date__lte=today).exclude(behaviour="")
    if last:
        marks = marks.filter(date__gt=last)
        visits = visits.filter(date__gt=last)
    notes = [
        f"{v.date.day} {v.date:%B} at {v.placement.provider.name}: {v.behaviour}"
        for v in visits.select_related("placement__provider").order_by("date")
    ]
    since = last or marks.order_by("date").values_list("date", flat=True).first()
    return {
        "attendance_summary": attendance_rules.attendance_summary(
            marks.values_list("code", flat=True), since=since, until=today
        ),
        "behaviour_summary": "\n".join(notes) or "No behaviour notes from visits since the last review.",
    }


def pupil_placements(pupil):
    return Placement.objects.filter(pupil=pupil).select_related("provider").order_by("-start_date")


def milestones_of(plan):
    return Milestone.objects.filter(plan=plan).order_by("target_date", "pk")
