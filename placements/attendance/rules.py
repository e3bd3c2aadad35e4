"""Pure rules about attendance: the DfE codes and their groups, percentages, register cut-offs,
what a provider's report is coded as, and which registers a placement owes. No ORM, no clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from placements.core.rules import SESSIONS, Slot, is_active_on, timetabled_sessions

PRESENT = "present"


APPROVED_EDUCATION = "approved_education"


AUTHORISED = "authorised_absence"


UNAUTHORISED = "unauthorised_absence"


NOT_COUNTED = "not_counted"


# Unable to attend through an unavoidable cause (Q, Y1–Y7): not counted as possible sessions.
UNABLE_TO_ATTEND = "unable_to_attend"

# The groups whose sessions are not possible sessions (domain.md "Attendance").
NOT_POSSIBLE = frozenset({NOT_COUNTED, UNABLE_TO_ATTEND})

GROUP_WORDS = {
    PRESENT: "Present",
    APPROVED_EDUCATION: "Attending approved education (counts as present)",
    AUTHORISED: "Authorised absence",
    UNAUTHORISED: "Unauthorised absence",
    UNABLE_TO_ATTEND: "Unable to attend (not a possible session)",
    NOT_COUNTED: "Attendance not required (not a possible session)",
}


# The codes of the School Attendance (Pupil Registration) (England) Regulations 2024 and their
# groups (domain.md "Attendance"; DfE "Working together to improve school attendance", 2024).
ATTENDANCE_CODES: dict[str, tuple[str, str]] = {
    "/": ("Present (morning)", PRESENT),
    "\\": ("Present (afternoon)", PRESENT),
    "L": ("Late, before the register closed", PRESENT),
    "B": (
        "Attending other approved supervised education off site (alternative provision)",
        APPROVED_EDUCATION,
    ),
    "K": ("Attending education provision arranged by the local authority", APPROVED_EDUCATION),
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
    "Q": ("Unable to attend: lack of access arrangements", UNABLE_TO_ATTEND),
    "Y1": ("Unable to attend: transport not available", UNABLE_TO_ATTEND),
    "Y2": ("Unable to attend: widespread travel disruption", UNABLE_TO_ATTEND),
    "Y3": ("Unable to attend: part of the school premises closed", UNABLE_TO_ATTEND),
    "Y4": ("Unable to attend: whole school site unexpectedly closed", UNABLE_TO_ATTEND),
    "Y5": ("Unable to attend: criminal justice detention", UNABLE_TO_ATTEND),
    "Y6": ("Unable to attend: public health guidance or law", UNABLE_TO_ATTEND),
    "Y7": ("Unable to attend: any other unavoidable cause", UNABLE_TO_ATTEND),
    "D": ("Dual registered, at the other school", NOT_COUNTED),
    "X": ("Not required to be in school (non-compulsory age)", NOT_COUNTED),
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


def is_possible_session(code: str) -> bool:
    return attendance_group(code) not in NOT_POSSIBLE


def code_meaning(code: str) -> str:
    """What a code means, in words, with its group: for the register grid's key and cells."""
    meaning, group = ATTENDANCE_CODES[code]
    return f"{meaning} ({GROUP_WORDS[group].lower()})"


def is_absence(code: str) -> bool:
    return attendance_group(code) in (AUTHORISED, UNAUTHORISED)


# The two questions above as sets: a school's figures ask them of every mark of its year.
_POSSIBLE = frozenset(code for code in ATTENDANCE_CODES if is_possible_session(code))
_ATTENDING = frozenset(code for code in _POSSIBLE if counts_as_attending(code))


def attendance_percentage(codes: Iterable[str], *, places: int | None = 1) -> float | None:
    """Present-or-approved sessions ÷ possible sessions; "not counted" codes are not possible
    sessions (domain.md "Attendance"). None when there were no possible sessions. Rounded to
    `places` decimal places; None: exact."""
    possible = attended = 0
    for code in codes:
        if code in _POSSIBLE:
            possible += 1
            attended += code in _ATTENDING
    if possible == 0:
        return None
    exact = 100 * attended / possible
    return exact if places is None else round(exact, places)


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


def session_ended(session: str, day: date, now: datetime, *, am_end: time, pm_end: time) -> bool:
    """Whether a session on `day` is over by `now` (local time), by the school's own session times:
    only an ended session can be marked as attended."""
    if day != now.date():
        return day < now.date()
    return now.time() >= (am_end if session == "AM" else pm_end)


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
    """The DfE code for what a provider reported (domain.md "Attendance"): attending (late or not)
    supervised AP is `B` when the school or the partnership arranged it, `K` only where the local
    authority arranged it. A pupil absent from AP gets the absence code."""
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


def future_mark_problem(day: date, *, today: date) -> str | None:
    """The school records what happened: a session not yet held has no mark (Pupil Registration
    Regulations 2024: the register records attendance at each session)."""
    if day > today:
        return f"Attendance cannot be recorded for a future date ({day:%-d %B %Y})."
    return None


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
    """DfE: a pupil missing 10 % or more of possible sessions is persistently absent, so attendance
    of `threshold` (90) % or less counts — 90.0 % included (domain.md "Attendance"). Pass the exact
    percentage (`places=None`), not a rounded one."""
    return percentage is not None and percentage <= threshold


def n_code_overdue(mark_day: date, *, school_days: Iterable[date], today: date, limit: int) -> bool:
    """An `N` is a placeholder: the right code should replace it within `limit` (5) school days
    (domain.md "Attendance"). Overdue once more than `limit` school days have passed since the
    session's day (today counted)."""
    return sum(1 for day in school_days if mark_day < day <= today) > limit


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
    sessions = timetabled_sessions(slots)
    gaps = []
    for day in sorted(set(days)):
        if not is_active_on(start, end, day):
            continue
        for session in (s for s in SESSIONS if (day.weekday(), s) in sessions):
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
    counted = sum(1 for c in codes if is_possible_session(c))
    absences = sum(1 for c in codes if is_absence(c))
    unauthorised = sum(1 for c in codes if attendance_group(c) == UNAUTHORISED)
    return (
        f"{percentage:g}% of {counted} possible sessions {period}; {absences} "
        f"absence{'s' if absences != 1 else ''}, {unauthorised} unauthorised."
    )


def without_register_phrase(count: int) -> str:
    """How an attendance figure owns up to the registers it lacks (G §1c): a percentage over the
    marks received alone would read as a clean 100 %. Empty when nothing is missing."""
    if count <= 0:
        return ""
    return f"{count} session{'s' if count != 1 else ''} without a register"
