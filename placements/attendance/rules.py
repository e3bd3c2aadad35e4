"""Pure rules about attendance: the DfE codes and their groups, percentages, register cut-offs,
what a provider's report is coded as, and which registers a placement owes. No ORM, no clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from placements.core.rules import Slot, is_active_on, slot_sessions

PRESENT = "present"


APPROVED_EDUCATION = "approved_education"


AUTHORISED = "authorised_absence"


UNAUTHORISED = "unauthorised_absence"


NOT_COUNTED = "not_counted"


ATTENDANCE_CODES: dict[str, tuple[str, str]] = {
    "/": ("Present (morning)", PRESENT),
    "\\": ("Present (afternoon)", PRESENT),
    "L": ("Late, before the register closed", PRESENT),
    "B": (
        "Attending other approved supervised education off site (alternative provision)",
        APPROVED_EDUCATION,
    ),
    "K": ("Attending provision arranged by the local authority", APPROVED_EDUCATION),
    "V": ("Attending an educational visit or trip", APPROVED_EDUCATION),
    "P": ("Participating in a supervised sporting activity", APPROVED_EDUCATION),
    "W": ("Attending work experience", APPROVED_EDUCATION),
    "C1": ("Leave for a regulated performance or employment abroad", AUTHORISED),
    "C2": ("Leave for part-time timetable", AUTHORISED),
    "C": ("Leave for exceptional circumstances", AUTHORISED),
    "M": ("Medical or dental appointment", AUTHORISED),
    "J1": ("Interview", AUTHORISED),
    "S": ("Study leave", AUTHORISED),
    "T": ("Parent travelling for occupational purposes", AUTHORISED),
    "R": ("Religious observance", AUTHORISED),
    "I": ("Illness", AUTHORISED),
    "E": ("Suspended or permanently excluded, no alternative provision", AUTHORISED),
    "G": ("Holiday not granted by the school", UNAUTHORISED),
    "N": ("Reason for absence not yet established", UNAUTHORISED),
    "O": ("Absent in other or unknown circumstances", UNAUTHORISED),
    "U": ("Arrived in school after registration closed", UNAUTHORISED),
    "D": ("Dual registered, at the other school", NOT_COUNTED),
    "X": ("Not required to be in school (non-compulsory age)", NOT_COUNTED),
    "Y1": ("Unable to attend: transport not available", NOT_COUNTED),
    "Y2": ("Unable to attend: widespread travel disruption", NOT_COUNTED),
    "Y3": ("Unable to attend: part of the school premises closed", NOT_COUNTED),
    "Y4": ("Unable to attend: whole school site unexpectedly closed", NOT_COUNTED),
    "Y5": ("Unable to attend: criminal justice detention", NOT_COUNTED),
    "Y6": ("Unable to attend: public health guidance or law", NOT_COUNTED),
    "Y7": ("Unable to attend: any other unavoidable cause", NOT_COUNTED),
    "Z": ("Prospective pupil not on admission register", NOT_COUNTED),
    "#": ("Planned whole or partial school closure", NOT_COUNTED),
}


# Unauthorised absences with no reason the school accepts yet: each needs a follow-up (G §1c).
UNEXPLAINED_ABSENCE_CODES = frozenset({"N", "O", "U"})

# A follow-up that did not reach anyone explains nothing: the absence is still to be chased.
STILL_TO_CONTACT = "not_contacted"


def attendance_group(code: str) -> str:
    return ATTENDANCE_CODES[code][1]


def counts_as_attending(code: str) -> bool:
    return attendance_group(code) in (PRESENT, APPROVED_EDUCATION)


def is_absence(code: str) -> bool:
    return attendance_group(code) in (AUTHORISED, UNAUTHORISED)


def attendance_percentage(codes: Iterable[str]) -> float | None:
    """Present-or-approved sessions ÷ possible sessions; "not counted" codes are not possible
    sessions (domain.md "Attendance"). None when there were no possible sessions."""
    possible = attended = 0
    for code in codes:
        group = attendance_group(code)
        if group == NOT_COUNTED:
            continue
        possible += 1
        if group in (PRESENT, APPROVED_EDUCATION):
            attended += 1
    if possible == 0:
        return None
    return round(100 * attended / possible, 1)


def session_cutoff_passed(
    session: str, day: date, now: datetime, *, cutoff_am: time, cutoff_pm: time
) -> bool:
    """Whether the register for a session on `day` should be in by `now` (local time)."""
    if day < now.date():
        return True
    if day > now.date():
        return False
    cutoff = cutoff_am if session == "AM" else cutoff_pm
    return now.time() >= cutoff


ATTENDED = "attended"


LATE = "late"


ABSENT = "absent"


REGISTER_STATUSES = (ATTENDED, LATE, ABSENT)


# The provider says why; the school records the code (the provider must tell the school of absence).
ABSENCE_REASON_CODES = {
    "ill": "I",
    "medical": "M",
    "no_contact": "N",
    "refused": "O",
    "other": "O",
}


def attendance_code_for(status: str, *, absence_reason: str = "", la_arranged: bool = False) -> str:
    """The DfE code for what a provider reported. Attending (late or not) supervised AP is `B`, or
    `K` where the local authority arranged it — here, a partnership-commissioned placement, since
    the partnership commissions on the LA's behalf. A pupil absent from AP gets the absence code."""
    if status in (ATTENDED, LATE):
        return "K" if la_arranged else "B"
    if status == ABSENT:
        if absence_reason not in ABSENCE_REASON_CODES:
            raise ValueError(f"Unknown absence reason {absence_reason!r}")
        return ABSENCE_REASON_CODES[absence_reason]
    raise ValueError(f"Unknown register status {status!r}")


def register_status_for(code: str, minutes_late: int = 0) -> str:
    """The provider-facing status a code stands for (to pre-fill a register already sent)."""
    if counts_as_attending(code):
        return LATE if minutes_late else ATTENDED
    return ABSENT


def weekend_mark_problem(day: date, *, session_weekdays: Iterable[int]) -> str | None:
    """A mark on a Saturday or Sunday is refused unless the school records a session that day
    (a timetabled slot on that weekday): a weekend date is nearly always a mistyped one."""
    if day.weekday() < 5 or day.weekday() in set(session_weekdays):
        return None
    return f"{day:%A %-d %B %Y} is a {day:%A}: the school records no session that day"


def register_link_date_problem(link_date: date, today: date, *, grace_days: int) -> str | None:
    """Why a register link cannot be made for this date, or None. A link is a key to the register:
    one for a day further ahead than the grace period would lie live and unused (issue 13 §14)."""
    if (link_date - today).days > grace_days:
        return f"A register link can be made at most {grace_days} day{'s' if grace_days != 1 else ''} ahead"
    return None


def register_link_usable(link_date: date, today: date, *, grace_days: int) -> bool:
    """A day's register link opens from that morning until `grace_days` days after, so a late
    register can still come in the next morning; never before the day."""
    return link_date <= today and (today - link_date).days <= grace_days


def needs_follow_up(code: str | None) -> bool:
    """Any absence, and any missing mark, should be chased the same day (G §1c, §4h)."""
    return code is None or is_absence(code)


def is_followed_up(outcomes: Iterable[str]) -> bool:
    """Whether an absence has been followed up: by a follow-up that reached someone. "Not yet
    contacted" records an attempt, not a follow-up (G §1c: issues dealt with swiftly)."""
    return any(outcome != STILL_TO_CONTACT for outcome in outcomes)


def is_unexplained(code: str, *, followed_up: bool) -> bool:
    """An absence the school still has to chase: no reason yet, and not followed up."""
    return code in UNEXPLAINED_ABSENCE_CODES and not followed_up


def follow_up_seconds(first_recorded_at: datetime, contacted_at: datetime) -> float:
    """Time from when the absence was first recorded to the contact, never negative: a call made
    before the register arrived counts as at once."""
    return max(0.0, (contacted_at - first_recorded_at).total_seconds())


def describe_elapsed(seconds: float) -> str:
    """Time from the mark to its follow-up, in words: "45 minutes", "2 hours 5 minutes", "3 days"."""
    minutes = max(0, int(seconds // 60))
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        text = f"{hours} hour{'s' if hours != 1 else ''}"
        return text + (f" {minutes} minute{'s' if minutes != 1 else ''}" if minutes else "")
    days = hours // 24
    return f"{days} day{'s' if days != 1 else ''}"


def is_persistent_absence(percentage: float | None, *, threshold: float) -> bool:
    """DfE: a pupil missing 10 % or more of possible sessions is persistently absent."""
    return percentage is not None and percentage < threshold


def trend_polyline(values: list[float | None], *, width: int, height: int, top: float = 100.0) -> str:
    """SVG polyline points for a small trend of percentages (gaps where there is no value)."""
    points = []
    if not values:
        return ""
    step = width / max(1, len(values) - 1)
    for i, value in enumerate(values):
        if value is None:
            continue
        y = height - (value / top) * height
        points.append(f"{round(i * step, 1)},{round(y, 1)}")
    return " ".join(points)


MISSING_MARK = "attendance_missing"


UNEXPLAINED_ABSENCE = "absence_unexplained"


@dataclass(frozen=True)
class AttendanceGap:
    day: date
    session: str
    kind: str  # MISSING_MARK or UNEXPLAINED_ABSENCE
    code: str = ""


def attendance_gaps(
    *,
    slots: Iterable[Slot],
    start: date,
    end: date | None,
    days: Iterable[date],
    marks: dict[tuple[date, str], tuple[str, bool]],
    now: datetime,
    cutoff_am: time,
    cutoff_pm: time,
) -> list[AttendanceGap]:
    """Registers one placement owes on the given school days (G §1c, §4h): each session its
    timetable schedules while it is active, once that session's cut-off has passed, needs a mark;
    an unexplained absence needs a follow-up. `marks` maps (day, session) to (code, followed up)."""
    sessions: dict[int, set[str]] = {}
    for slot in slots:
        sessions.setdefault(slot.weekday, set()).update(slot_sessions(slot.start, slot.end))
    gaps = []
    for day in sorted(set(days)):
        if not is_active_on(start, end, day):
            continue
        for session in sorted(sessions.get(day.weekday(), ())):
            if not session_cutoff_passed(session, day, now, cutoff_am=cutoff_am, cutoff_pm=cutoff_pm):
                continue
            mark = marks.get((day, session))
            if mark is None:
                gaps.append(AttendanceGap(day, session, MISSING_MARK))
            elif is_unexplained(mark[0], followed_up=mark[1]):
                gaps.append(AttendanceGap(day, session, UNEXPLAINED_ABSENCE, code=mark[0]))
    return gaps


def attendance_summary(codes: Iterable[str], *, since: date | None, until: date) -> str:
    """The attendance line a review starts from, in words."""
    codes = list(codes)
    period = f"since {since.day} {since:%B %Y}" if since else f"up to {until.day} {until:%B %Y}"
    percentage = attendance_percentage(codes)
    if percentage is None:
        return f"No attendance recorded {period}."
    counted = sum(1 for c in codes if attendance_group(c) != NOT_COUNTED)
    absences = sum(1 for c in codes if is_absence(c))
    unauthorised = sum(1 for c in codes if attendance_group(c) == UNAUTHORISED)
    return (
        f"{percentage:g}% of {counted} possible sessions {period}; {absences} "
        f"absence{'s' if absences != 1 else ''}, {unauthorised} unauthorised."
    )
