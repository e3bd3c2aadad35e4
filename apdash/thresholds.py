"""The one reader of the thresholds and cut-off times the rules take. Each is a setting with
today's value as its default (domain.md: where a number may change, it is a setting), read here
and passed into the pure rules, so a rule change is a settings change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from django.conf import settings


@dataclass(frozen=True)
class HoursLimits:
    full_time_hours: float  # more than this a week is "full-time" (DfE working view: 18)
    max_days: int  # this many days a week or more at an unregistered provider is a breach (G §3f: 3)
    warning_hours: float  # amber from this many hours


@dataclass(frozen=True)
class RegistrationTest:
    """Education Act 1996 s.463: full-time pupils that make a setting a school."""

    pupil_count: int
    needs: tuple[str, ...]  # one full-time pupil with any of these is enough


@dataclass(frozen=True)
class TimeLimits:
    """DfE's planned limits on unregistered AP; None: no limit (the default until they are law)."""

    full_time_weeks: int | None
    part_time_days: int | None
    part_time_sessions: int | None

    @property
    def any(self) -> bool:
        return any(
            v is not None for v in (self.full_time_weeks, self.part_time_days, self.part_time_sessions)
        )


@dataclass(frozen=True)
class ImportLimits:
    max_rows: int  # data rows in one uploaded file
    max_bytes: int  # size of one uploaded file


def import_limits() -> ImportLimits:
    return ImportLimits(max_rows=settings.APDASH_IMPORT_MAX_ROWS, max_bytes=settings.APDASH_IMPORT_MAX_BYTES)


def clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def hours_limits() -> HoursLimits:
    return HoursLimits(
        full_time_hours=settings.APDASH_FULL_TIME_HOURS,
        max_days=settings.APDASH_UNREGISTERED_MAX_DAYS,
        warning_hours=settings.APDASH_HOURS_WARNING,
    )


def registration_test() -> RegistrationTest:
    return RegistrationTest(
        pupil_count=settings.APDASH_REGISTRATION_PUPIL_COUNT, needs=tuple(settings.APDASH_REGISTRATION_NEEDS)
    )


def attendance_cutoffs() -> dict[str, time]:
    """When each session's register must be in, as the keyword arguments the attendance rules take."""
    return {
        "cutoff_am": clock(settings.APDASH_ATTENDANCE_CUTOFF_AM),
        "cutoff_pm": clock(settings.APDASH_ATTENDANCE_CUTOFF_PM),
    }


def timetable_bounds() -> tuple[time, time]:
    """The earliest start and latest end of a timetabled session."""
    return clock(settings.APDASH_TIMETABLE_EARLIEST), clock(settings.APDASH_TIMETABLE_LATEST)


def max_slots_per_placement() -> int:
    return settings.APDASH_MAX_SLOTS_PER_PLACEMENT


def attendance_lookback_school_days() -> int:
    return settings.APDASH_ATTENDANCE_LOOKBACK_SCHOOL_DAYS


def visit_warning_school_days() -> int:
    return settings.APDASH_VISIT_WARNING_SCHOOL_DAYS


def audit_max_age_days() -> int:
    return settings.APDASH_PROVIDER_AUDIT_MAX_AGE_DAYS


def n_code_school_days() -> int:
    return settings.APDASH_N_CODE_DAYS


def safeguarding_transfer_school_days() -> int:
    return settings.APDASH_SAFEGUARDING_TRANSFER_SCHOOL_DAYS


def persistent_absence_below() -> float:
    return settings.APDASH_PERSISTENT_ABSENCE_BELOW


def induction_school_days() -> int:
    return settings.APDASH_INDUCTION_SCHOOL_DAYS


def concern_ack_hours() -> dict[str, int]:
    return settings.APDASH_CONCERN_ACK_HOURS


def register_link_grace_days() -> int:
    return settings.APDASH_REGISTER_LINK_GRACE_DAYS


def parental_notice_school_days() -> int:
    return settings.APDASH_PARENTAL_NOTICE_SCHOOL_DAYS


def time_limits() -> TimeLimits:
    return TimeLimits(
        full_time_weeks=settings.APDASH_MAX_FULL_TIME_WEEKS_UNREGISTERED,
        part_time_days=settings.APDASH_MAX_PART_TIME_DAYS,
        part_time_sessions=settings.APDASH_MAX_PART_TIME_SESSIONS,
    )
