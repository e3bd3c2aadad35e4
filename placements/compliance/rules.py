"""Pure rules the compliance checks apply that belong to no other part."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


def parental_notice_due(
    *, start: date, today: date, school_days_to_start: int, notice_school_days: int
) -> bool:
    """DfE "Arranging alternative provision": written notice of an off-site direction at least
    `notice_school_days` school days before the start. Due once the start is that near (school days
    after today up to and including the start), and after it has started."""
    return start <= today or school_days_to_start <= notice_school_days


def la_notification_severity(*, start: date, today: date) -> str:
    """Telling the LA about a placement at an unregistered provider: amber before it starts, red
    from its first day."""
    return "red" if start <= today else "amber"


FULL_TIME = "full_time"
PART_TIME = "part_time"


@dataclass(frozen=True)
class TimeLimitBreach:
    kind: str  # FULL_TIME or PART_TIME
    words: str
    since: date


def time_limit_breach(
    *,
    start: date,
    end: date | None,
    today: date,
    weekly_hours: float,
    days: int,
    sessions: int,
    full_time_hours: float,
    full_time_weeks: int | None,
    part_time_days: int | None,
    part_time_sessions: int | None,
) -> TimeLimitBreach | None:
    """DfE's planned time limits on unregistered AP (domain.md "Providers"; each None: no limit).
    Full-time (more than `full_time_hours` a week) for more than `full_time_weeks` weeks — by its
    planned end, or by today when it has none; or a part-time pattern of more than
    `part_time_days` days or `part_time_sessions` sessions a week."""
    if weekly_hours > full_time_hours:
        if full_time_weeks is None:
            return None
        first_day_over = start + timedelta(weeks=full_time_weeks)
        last = end if end is not None else today
        if last < first_day_over:
            return None
        planned = "is planned to run" if end is not None and end > today else "has run"
        return TimeLimitBreach(
            FULL_TIME,
            f"Full-time ({weekly_hours:g} hours a week) and {planned} beyond {full_time_weeks} weeks, "
            f"the limit for an unregistered provider (from {first_day_over.day} {first_day_over:%B %Y}).",
            first_day_over,
        )
    over = []
    if part_time_days is not None and days > part_time_days:
        over.append(f"{days} days a week (limit {part_time_days})")
    if part_time_sessions is not None and sessions > part_time_sessions:
        over.append(f"{sessions} sessions a week (limit {part_time_sessions})")
    if not over:
        return None
    return TimeLimitBreach(
        PART_TIME, "Part-time at an unregistered provider for " + " and ".join(over) + ".", max(start, today)
    )
