"""Pure rules about pupils, placements, timetables and attendance. Plain values in, plain values
out: no ORM, no clock (pass `today`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.gb import upn as stdnum_upn

# --- UPN ---------------------------------------------------------------------------------------


def upn_problem(value: str) -> str | None:
    """Why a UPN is not valid, in words a coordinator can act on; None when it is valid.
    The check letter and LA-code rules come from DfE (domain.md "UPN") via python-stdnum."""
    value = (value or "").strip().upper()
    if len(value) != 13:
        return f"A UPN has 13 characters; “{value}” has {len(value)}."
    try:
        stdnum_upn.validate(value)
    except StdnumValidationError as exc:
        name = type(exc).__name__
        if name == "InvalidChecksum":
            return f"“{value}” is not a valid UPN: the check letter does not match the rest of the number."
        if name == "InvalidComponent":
            return f"“{value}” is not a valid UPN: characters 2–4 are not a local authority code."
        return f"“{value}” is not a valid UPN: it must be a letter, 11 digits and a final digit or letter."
    return None


def upn_for(*, la_code: str, establishment: str, year: int, serial: int) -> str:
    """A valid UPN from its parts (used by the demo and data generators)."""
    body = f"{la_code}{establishment}{year % 100:02d}{serial:03d}"
    return stdnum_upn.calc_check_digit(body) + body


# --- Attendance codes (School Attendance (Pupil Registration) (England) Regulations 2024) -------

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

UNEXPLAINED_ABSENCE_CODES = frozenset({"N", "O"})


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


# --- Timetables ---------------------------------------------------------------------------------

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
NOON = time(12, 0)


@dataclass(frozen=True)
class Slot:
    weekday: int
    start: time
    end: time

    @property
    def hours(self) -> float:
        return slot_hours(self.start, self.end)


def slot_hours(start: time, end: time) -> float:
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return minutes / 60


def slot_sessions(start: time, end: time) -> tuple[str, ...]:
    """AM if the slot starts before noon, PM if it ends after noon."""
    sessions = []
    if start < NOON:
        sessions.append("AM")
    if end > NOON:
        sessions.append("PM")
    return tuple(sessions)


def weekly_hours(slots: Iterable[Slot]) -> float:
    return round(sum(s.hours for s in slots), 2)


def days_per_week(slots: Iterable[Slot]) -> int:
    return len({s.weekday for s in slots})


def timetable_problems(slots: list[Slot], *, earliest: time, latest: time) -> list[tuple[int, str]]:
    """Problems with a weekly timetable as (slot index, message): each slot must end after it
    starts, sit inside the school's day, and not overlap another slot on the same day."""
    problems = []
    for i, slot in enumerate(slots):
        day = WEEKDAY_NAMES[slot.weekday] if 0 <= slot.weekday <= 4 else None
        if day is None:
            problems.append((i, "Choose a weekday from Monday to Friday."))
            continue
        if slot.end <= slot.start:
            problems.append((i, f"{day}: the end time must be after the start time."))
            continue
        if slot.start < earliest or slot.end > latest:
            problems.append((i, f"{day}: times must be between {earliest:%H:%M} and {latest:%H:%M}."))
    for i, a in enumerate(slots):
        for j in range(i + 1, len(slots)):
            b = slots[j]
            if (
                a.weekday == b.weekday
                and a.start < b.end
                and b.start < a.end
                and a.end > a.start
                and b.end > b.start
            ):
                problems.append(
                    (
                        j,
                        f"{WEEKDAY_NAMES[b.weekday]}: {b.start:%H:%M}–{b.end:%H:%M} overlaps "
                        f"{a.start:%H:%M}–{a.end:%H:%M}.",
                    )
                )
    return problems


def is_active_on(start: date, end: date | None, day: date) -> bool:
    return start <= day and (end is None or end >= day)


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


# --- Unregistered-provider limits (G §3f, para 399; domain.md "Providers: registered or not") ---


@dataclass(frozen=True)
class HoursLimits:
    full_time_hours: float  # more than this a week is "full-time" (DfE working view: 18)
    max_days: int  # this many days a week or more at an unregistered provider is a breach (G §3f: 3)
    warning_hours: float  # amber from this many hours


@dataclass(frozen=True)
class HoursAssessment:
    weekly_hours: float
    days: int
    limits_breached: tuple[str, ...]  # "hours", "days", "main_responsibility"
    near_limit: bool

    @property
    def is_breach(self) -> bool:
        return bool(self.limits_breached)


def pupil_hours_assessment(
    slots: Iterable[Slot], *, provider_registered: bool, main_responsibility: bool, limits: HoursLimits
) -> HoursAssessment:
    """A pupil's weekly pattern at one provider against the unregistered-provider limits.
    A registered provider has no such limits."""
    slots = list(slots)
    hours = weekly_hours(slots)
    days = days_per_week(slots)
    breached = []
    if not provider_registered:
        if hours > limits.full_time_hours:
            breached.append("hours")
        if days >= limits.max_days:
            breached.append("days")
        if main_responsibility:
            breached.append("main_responsibility")
    near = not provider_registered and not breached and hours >= limits.warning_hours
    return HoursAssessment(weekly_hours=hours, days=days, limits_breached=tuple(breached), near_limit=near)


def hours_reference_day(start: date | None, end: date | None, *, today: date) -> date:
    """The day whose placements make up a pupil's week at a provider when judging one placement:
    today, moved inside the placement's dates (a future placement is judged on its first day)."""
    day = today
    if start is not None and day < start:
        day = start
    if end is not None and day > end:
        day = end
    return day


def describe_hours_breach(assessment: HoursAssessment, limits: HoursLimits) -> str:
    """The breach in words a coordinator can act on."""
    parts = []
    if "hours" in assessment.limits_breached:
        parts.append(f"{assessment.weekly_hours:g} hours a week (more than {limits.full_time_hours:g})")
    if "days" in assessment.limits_breached:
        parts.append(f"{assessment.days} days a week ({limits.max_days} or more)")
    if "main_responsibility" in assessment.limits_breached:
        parts.append("the provider has main responsibility for the pupil's programme")
    return "At an unregistered provider: " + "; ".join(parts) + "."


@dataclass(frozen=True)
class ProviderPupil:
    weekly_hours: float
    year_group: int
    looked_after: bool
    sen_status: str


def provider_registration_breach(
    pupils: Iterable[ProviderPupil], *, full_time_hours: float, pupil_count: int, needs: Iterable[str]
) -> tuple[bool, int, int]:
    """Whether an unregistered provider's pupils, across all schools, mean it must register
    (Education Act 1996 s.463): `pupil_count` or more full-time pupils of compulsory school age,
    or any one of them looked after or with an EHC plan (`needs`). Returns (breach, full-time
    pupils, of whom with the listed needs)."""
    needs = set(needs)
    full_time = [p for p in pupils if p.year_group <= 11 and p.weekly_hours > full_time_hours]
    with_needs = [
        p for p in full_time if ("looked_after" in needs and p.looked_after) or (p.sen_status in needs)
    ]
    return (len(full_time) >= pupil_count or bool(with_needs), len(full_time), len(with_needs))


# --- Recording attendance (domain.md "Attendance"; School Attendance Regulations 2024) ----------

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


def register_link_usable(link_date: date, today: date, *, grace_days: int) -> bool:
    """A day's register link opens from that morning until `grace_days` days after, so a late
    register can still come in the next morning; never before the day."""
    return link_date <= today and (today - link_date).days <= grace_days


def needs_follow_up(code: str | None) -> bool:
    """Any absence, and any missing mark, should be chased the same day (G §1c, §4h)."""
    return code is None or is_absence(code)


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


# --- Visits (G §1e: each pupil seen at each setting at least once each half term) --------------

SEEN = "seen"
DUE = "due"
MISSED = "missed"


def visit_coverage(
    *,
    seen: bool,
    term_start: date,
    term_end: date,
    placement_start: date,
    placement_end: date | None,
    today: date,
) -> str | None:
    """Green seen / amber due / red missed for one pupil at one setting in one half term; None when
    the placement did not run in that half term or the half term has not started."""
    if placement_start > term_end or (placement_end is not None and placement_end < term_start):
        return None
    if seen:
        return SEEN
    if term_start > today:
        return None
    return MISSED if term_end < today else DUE


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


# --- Compliance checks: half-termly visits, daily registers, provider audits --------------------


@dataclass(frozen=True)
class Term:
    id: int
    start: date
    end: date


@dataclass(frozen=True)
class VisitGap:
    half_term_id: int
    overdue: bool  # False: due in the current half term
    school_days_left: int


def visit_gaps(
    *,
    start: date,
    end: date | None,
    weekdays: Iterable[int],
    school_days: Iterable[date],
    half_terms: Iterable[Term],
    visit_dates: Iterable[date],
    today: date,
    warning_school_days: int,
) -> list[VisitGap]:
    """Half terms in which one placement still needs its visit with the pupil seen (G §1e, §4i).
    A half term needs one when the placement was active on a school day its timetable schedules
    there; a visit dated inside it counts, even if recorded late. An ended half term without one is
    overdue; the current one is due once `warning_school_days` or fewer school days remain."""
    weekdays = set(weekdays)
    school_days = list(school_days)
    scheduled = [d for d in school_days if d.weekday() in weekdays and is_active_on(start, end, d)]
    visit_dates = list(visit_dates)
    gaps = []
    for term in half_terms:
        if term.start > today or not any(term.start <= d <= term.end for d in scheduled):
            continue
        if any(term.start <= v <= term.end for v in visit_dates):
            continue
        if term.end < today:
            gaps.append(VisitGap(term.id, overdue=True, school_days_left=0))
            continue
        left = sum(1 for d in school_days if today <= d <= term.end)
        if left <= warning_school_days:
            gaps.append(VisitGap(term.id, overdue=False, school_days_left=left))
    return gaps


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
    an `N` or `O` mark needs a follow-up. `marks` maps (day, session) to (code, followed up)."""
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
            elif mark[0] in UNEXPLAINED_ABSENCE_CODES and not mark[1]:
                gaps.append(AttendanceGap(day, session, UNEXPLAINED_ABSENCE, code=mark[0]))
    return gaps


def audit_problems(
    *, audited_on: date | None, insurance_expires_on: date | None, today: date, max_age_days: int
) -> list[tuple[str, str]]:
    """Why a provider's annual directory audit is not current (G §3a–c), as (code, words):
    no audit, the latest older than `max_age_days`, or its insurance lapsed or not recorded."""
    if audited_on is None:
        return [("audit_missing", "No annual audit is recorded.")]
    problems = []
    if (today - audited_on).days > max_age_days:
        when = f"{audited_on.day} {audited_on:%B %Y}"
        problems.append(("audit_expired", f"The latest audit, on {when}, is over a year old."))
    if insurance_expires_on is None:
        problems.append(("insurance_unknown", "The latest audit records no insurance expiry date."))
    elif insurance_expires_on < today:
        problems.append(
            (
                "insurance_expired",
                f"Insurance expired on {insurance_expires_on.day} {insurance_expires_on:%B %Y}.",
            )
        )
    return problems


# --- Plan–do–review (G §1b, §4f–g; DfE "Arranging alternative provision", Feb 2025) -------------


def review_overdue_half_terms(
    *,
    start: date,
    end: date | None,
    weekdays: Iterable[int],
    school_days: Iterable[date],
    half_terms: Iterable[Term],
    review_dates: Iterable[date],
    today: date,
) -> list[int]:
    """Ended half terms in which a placement ran but the pupil's plan had no review (DfE: reviews
    at least half-termly). The visit rule's test: a half term counts when the placement was active
    on a school day its timetable schedules there, and a review dated inside it covers it."""
    gaps = visit_gaps(
        start=start,
        end=end,
        weekdays=weekdays,
        school_days=school_days,
        half_terms=half_terms,
        visit_dates=review_dates,
        today=today,
        warning_school_days=0,
    )
    return [gap.half_term_id for gap in gaps if gap.overdue]


NOT_STARTED = "not_started"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
MET = "met"
MISSED_MILESTONE = "missed"
PLAN_NO_MILESTONES = "no_milestones"
PLAN_COMPLETE = "complete"

PLAN_PROGRESS_WORDS = {
    PLAN_NO_MILESTONES: "No milestones yet",
    NOT_STARTED: "Not started",
    ON_TRACK: "On track",
    AT_RISK: "At risk",
    PLAN_COMPLETE: "Complete",
}


@dataclass(frozen=True)
class PlanProgress:
    total: int
    not_started: int
    on_track: int
    at_risk: int
    met: int
    missed: int
    past_target: int  # not met or missed, and the target date has gone
    overall: str

    @property
    def words(self) -> str:
        return PLAN_PROGRESS_WORDS[self.overall]


def milestone_rollup(milestones: Iterable[tuple[str, date]], *, today: date) -> PlanProgress:
    """A plan's progress from its milestones' (status, target date) (G §4f: clear milestones
    towards an agreed goal). Complete once every milestone is met or missed; at risk while any
    open milestone is at risk or past its target date, or any was missed; on track once any
    has started; otherwise not started."""
    counts = {NOT_STARTED: 0, ON_TRACK: 0, AT_RISK: 0, MET: 0, MISSED_MILESTONE: 0}
    past_target = 0
    for status, target in milestones:
        counts[status] += 1
        if status in (NOT_STARTED, ON_TRACK, AT_RISK) and target < today:
            past_target += 1
    total = sum(counts.values())
    open_ = counts[NOT_STARTED] + counts[ON_TRACK] + counts[AT_RISK]
    if total == 0:
        overall = PLAN_NO_MILESTONES
    elif open_ == 0:
        overall = PLAN_COMPLETE
    elif counts[AT_RISK] or counts[MISSED_MILESTONE] or past_target:
        overall = AT_RISK
    elif counts[ON_TRACK] or counts[MET]:
        overall = ON_TRACK
    else:
        overall = NOT_STARTED
    return PlanProgress(
        total=total,
        not_started=counts[NOT_STARTED],
        on_track=counts[ON_TRACK],
        at_risk=counts[AT_RISK],
        met=counts[MET],
        missed=counts[MISSED_MILESTONE],
        past_target=past_target,
        overall=overall,
    )


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


# L0–L2: English and maths for every AP pupil; key stage 4 is years 10 and 11.
KEY_STAGE_4 = frozenset({10, 11})
CORE_SUBJECTS = ("english", "maths")


def missing_core_subjects(year_group: int, areas: Iterable[str]) -> tuple[str, ...]:
    """English and maths a key stage 4 pupil is not working towards."""
    if year_group not in KEY_STAGE_4:
        return ()
    areas = set(areas)
    return tuple(subject for subject in CORE_SUBJECTS if subject not in areas)
