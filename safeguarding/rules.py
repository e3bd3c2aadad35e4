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


def concern_draft_from_follow_up(
    *,
    provider: str,
    absence_date: date,
    session: str,
    code: str,
    code_meaning: str,
    contacted: str,
    contacted_at: datetime,
    outcome: str,
    note: str,
) -> str:
    """The facts of an escalated absence, as the start of a concern the raiser completes in their
    own words (KCSIE: record what was seen or heard in the words used). `contacted_at` is local."""
    lines = [
        f"Absence: {session.lower()} session on {absence_date.day} {absence_date:%B %Y} at {provider} "
        f"(code {code}: {code_meaning}).",
        f"Follow-up: contacted {contacted} at {contacted_at:%H:%M} on {contacted_at.day} "
        f"{contacted_at:%B %Y}. Outcome: {outcome}.",
    ]
    if note:
        lines.append(f"Follow-up note: {note}")
    return "\n".join(lines)


def keep_until(date_of_birth: date) -> date:
    """KCSIE: keep a child's safeguarding records until their date of birth + 25 years (a 29
    February birthday falls on 1 March)."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + 25)
    except ValueError:
        return date(date_of_birth.year + 25, 3, 1)


def transfer_due_by(left_on: date, school_days_after: list[date], *, allowed: int) -> date:
    """KCSIE: the safeguarding file goes to the new school within `allowed` (5) school days of the
    move: the `allowed`-th school day after the pupil left (`school_days_after`: the school days
    after `left_on`, in order; the last one given when the calendar runs short)."""
    later = sorted(d for d in school_days_after if d > left_on)
    if not later:
        return left_on
    return later[min(allowed, len(later)) - 1] if allowed > 0 else left_on
