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


def waiting_order(status: str, urgency: str, raised_at: datetime) -> tuple:
    """The DSL's order of work (G §1d): unacknowledged before acknowledged, urgent before
    routine, then the longest waiting first."""
    return (status != "new", urgency != "urgent", raised_at)


# What each recorded action on a concern means, as the end of a sentence about who did it (KCSIE:
# access limited to those with safeguarding responsibility, so the DSL reads who has looked).
ACCESS_WORDS = {
    "concern.raised": "raised the concern",
    "concern.viewed": "viewed the concern",
    "concern.list_viewed": "saw the concern listed (no details)",
    "concern.access_log_viewed": "viewed who has read the concern",
    "concern.chronology_viewed": "viewed the pupil's chronology",
    "concern.note": "added a note",
    "concern.action": "recorded an action taken",
    "concern.referral": "recorded a referral",
    "concern.decision": "recorded a decision",
    "concern.correction": "recorded a correction",
    "concern.acknowledgement": "acknowledged the concern",
    "concern.closure": "closed the concern",
}


def access_sentence(*, who: str, action: str, at: datetime) -> str:
    """One line of a concern's access log: "Sam Patel viewed the concern, 3 Dec 2026 10:04"."""
    words = ACCESS_WORDS.get(action, action.split(".")[-1].replace("_", " "))
    return f"{who} {words}, {at.day} {at:%b %Y %H:%M}"


def chronology_sentence(*, who: str, kind: str, heading: str, at: datetime) -> str:
    """A chronology line as a sentence (KCSIE: a chronology per child): "Priya Shah recorded a
    decision not to refer, 3 Dec 2026 10:04"; `kind` "raised" for the concern itself."""
    what = {
        "raised": f"raised a concern ({heading.lower()})",
        "note": "added a note",
        "action": "recorded an action taken",
        "referral": f"recorded a {heading[0].lower() + heading[1:]}",
        "decision": f"recorded a {heading[0].lower() + heading[1:]}",
        "correction": "recorded a correction",
        "acknowledgement": "acknowledged the concern",
        "closure": "closed the concern",
    }.get(kind, heading.lower())
    return f"{who} {what}, {at.day} {at:%b %Y %H:%M}"
