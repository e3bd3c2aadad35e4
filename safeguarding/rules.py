"""Pure safeguarding rules: plain values in, plain values out (no ORM, no clock)."""

from __future__ import annotations

from datetime import date, datetime, timedelta


def acknowledgement_due(raised_at: datetime, urgency: str, *, hours: dict[str, int]) -> datetime:
    # G §1d: every concern reaches the DSL swiftly; APDASH_CONCERN_ACK_HOURS says how swiftly.
    return raised_at + timedelta(hours=hours["urgent"] if urgency == "urgent" else hours["other"])


def acknowledgement_overdue(
    raised_at: datetime, urgency: str, *, now: datetime, hours: dict[str, int]
) -> bool:
    """Still unacknowledged once the allowed time has fully passed."""
    return now > acknowledgement_due(raised_at, urgency, hours=hours)


def risk_assessment_current(*, approved: bool, review_date: date, today: date) -> bool:
    # G §4d: an approved risk assessment for the journey and the setting, not past its review date.
    return approved and review_date >= today


def induction_overdue(school_days_since_start: int, *, allowed: int) -> bool:
    """`school_days_since_start` counts the start day and today; G §3e: induct at the start."""
    return school_days_since_start > allowed
