"""Pure rules about pupils, placements and timetables: UPNs, weekly slots, when a placement is
active, and the unregistered-provider limits. Plain values in, plain values out: no ORM, no clock."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path

from apdash.thresholds import HoursLimits


def _load_la_codes() -> frozenset[str]:
    with (Path(__file__).parent / "data" / "la_codes.csv").open(newline="", encoding="utf-8") as f:
        return frozenset(row["code"] for row in csv.DictReader(f))


# DfE's three-digit LA codes, kept as data (placements/core/data/la_codes.csv, from GIAS): today's
# list, with the codes of authorities since replaced (a UPN keeps the code that issued it).
LA_CODES = _load_la_codes()

# The check-letter alphabet (DfE "Unique pupil numbers"): A–Z without I, O and S.
UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def normalise_upn(value: str) -> str:
    """A UPN as typed or pasted: spaces anywhere in it are ignored, letters upper-cased."""
    return "".join((value or "").split()).upper()


def upn_check_letter(body: str) -> str:
    """The check letter for characters 2–13 (domain.md "UPN"): weight each by its position 2…13
    (digits by value, a final letter by its index in the check alphabet), sum, mod 23."""
    total = 0
    for position, char in enumerate(body, start=2):
        total += position * (int(char) if char.isdigit() else UPN_CHECK_LETTERS.index(char))
    return UPN_CHECK_LETTERS[total % 23]


def upn_problem(value: str, *, la_codes: frozenset[str] = LA_CODES) -> str | None:
    """Why a UPN is not valid, in words a coordinator can act on; None when it is valid
    (domain.md "UPN": check letter, LA code from today's list, establishment, year, serial; a
    temporary UPN ends in a letter). Spaces inside a pasted UPN are ignored."""
    value = normalise_upn(value)
    if len(value) != 13:
        return f"A UPN has 13 characters; “{value}” has {len(value)}."
    first, middle, last = value[0], value[1:12], value[12]
    if (
        first not in UPN_CHECK_LETTERS
        or not middle.isdigit()
        or not (last.isdigit() or last in UPN_CHECK_LETTERS)
    ):
        return f"“{value}” is not a valid UPN: it must be a letter, 11 digits and a final digit or letter."
    if value[1:4] not in la_codes:
        return f"“{value}” is not a valid UPN: characters 2–4 are not a local authority code."
    if upn_check_letter(value[1:]) != first:
        return f"“{value}” is not a valid UPN: the check letter does not match the rest of the number."
    return None


def upn_for(*, la_code: str, establishment: str, year: int, serial: int) -> str:
    """A valid UPN from its parts (used by the demo and data generators)."""
    body = f"{la_code}{establishment}{year % 100:02d}{serial:03d}"
    return upn_check_letter(body) + body


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


def pupil_name(first_name: str, last_name: str) -> str:
    """How a pupil is named in messages and lists (`Pupil.full_name`), from plain values too."""
    return f"{first_name} {last_name}"


def slot_hours(start: time, end: time) -> float:
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return minutes / 60


# A school day's two registration sessions, in the day's order.
SESSIONS = ("AM", "PM")


def slot_sessions(start: time, end: time, *, am_end: time = NOON, pm_start: time = NOON) -> tuple[str, ...]:
    """AM if the slot starts before the morning session ends, PM if it ends after the afternoon
    session starts (a school's own session times; noon when none are given)."""
    sessions = []
    if start < am_end:
        sessions.append("AM")
    if end > pm_start:
        sessions.append("PM")
    return tuple(sessions)


def _minute(clock: time) -> int:
    return clock.hour * 60 + clock.minute


def weekly_hours(slots: Iterable[Slot]) -> float:
    """Hours a week: on each weekday the union of the slots' times, so slots that overlap (of two
    placements at one provider, say) never count twice (G §3f: the limit is on the pupil's week)."""
    by_day: dict[int, list[tuple[int, int]]] = {}
    for slot in slots:
        by_day.setdefault(slot.weekday, []).append((_minute(slot.start), _minute(slot.end)))
    minutes = 0
    for intervals in by_day.values():
        intervals.sort()
        start, end = intervals[0]
        for next_start, next_end in intervals[1:]:
            if next_start > end:
                minutes += end - start
                start, end = next_start, next_end
            else:
                end = max(end, next_end)
        minutes += end - start
    return round(minutes / 60, 2)


def timetabled_sessions(
    slots: Iterable[Slot], *, am_end: time = NOON, pm_start: time = NOON
) -> frozenset[tuple[int, str]]:
    """The (weekday, session) pairs a timetable covers, by the school's own session times (noon
    when none are given): a slot starting before the morning session ends covers the morning, one
    ending after the afternoon session starts covers the afternoon. The sessions a register owes."""
    return frozenset(
        (s.weekday, session)
        for s in slots
        for session in slot_sessions(s.start, s.end, am_end=am_end, pm_start=pm_start)
    )


def weekly_sessions(slots: Iterable[Slot], *, am_end: time = NOON, pm_start: time = NOON) -> int:
    """Morning and afternoon sessions a week the timetable covers (`timetabled_sessions`)."""
    return len(timetabled_sessions(slots, am_end=am_end, pm_start=pm_start))


def days_per_week(slots: Iterable[Slot]) -> int:
    return len({s.weekday for s in slots})


def slot_count_problem(count: int, *, max_slots: int | None) -> str | None:
    """A week has ten sessions (AM and PM, Monday to Friday): more slots than the cap is refused."""
    if max_slots is not None and count > max_slots:
        return f"A placement has at most {max_slots} timetable slots a week, not {count}."
    return None


def timetable_problems(
    slots: list[Slot], *, earliest: time, latest: time, max_slots: int | None = None
) -> list[tuple[int, str]]:
    """Problems with a weekly timetable as (slot index, message): at most `max_slots` slots (a
    week has ten sessions); each slot must end after it starts, sit inside the school's day, and
    not overlap another slot on the same day (each overlapping slot reported once). O(n log n)."""
    too_many = slot_count_problem(len(slots), max_slots=max_slots)
    if too_many:
        return [(max_slots, too_many)]
    problems = []
    valid = []
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
        valid.append(i)
    # Sweep each day in start order against the slot reaching latest so far.
    widest = None
    for j in sorted(valid, key=lambda k: (slots[k].weekday, slots[k].start, slots[k].end, k)):
        b = slots[j]
        if widest is not None and slots[widest].weekday != b.weekday:
            widest = None
        if widest is not None and b.start < slots[widest].end:
            a = slots[widest]
            problems.append(
                (
                    j,
                    f"{WEEKDAY_NAMES[b.weekday]}: {b.start:%H:%M}–{b.end:%H:%M} overlaps "
                    f"{a.start:%H:%M}–{a.end:%H:%M}.",
                )
            )
        if widest is None or b.end > slots[widest].end:
            widest = j
    return problems


def is_active_on(start: date, end: date | None, day: date) -> bool:
    """A placement runs from its start date to its end date, both included; no end date: ongoing."""
    return is_active_between(start, end, day, day)


def is_active_between(start: date, end: date | None, first: date, last: date | None) -> bool:
    """Active on at least one day of [first, last] (`last` None: from `first` on)."""
    return (last is None or start <= last) and (end is None or end >= first)


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


def describe_near_limit(assessment: HoursAssessment, limits: HoursLimits) -> str:
    return (
        f"{assessment.weekly_hours:g} hours a week at an unregistered provider: close to the "
        f"{limits.full_time_hours:g}-hour limit."
    )


# --- A pupil's week at one provider over time (G §3f; para 399) --------------------------------


@dataclass(frozen=True)
class Arrangement:
    """One placement, as the hours rules see it."""

    id: int
    start: date
    end: date | None
    slots: tuple[Slot, ...] = ()
    main_responsibility: bool = False


@dataclass(frozen=True)
class Period:
    """A stretch of days in which the same arrangements are active (`end` None: open-ended)."""

    start: date
    end: date | None
    arrangements: tuple[Arrangement, ...]


def periods(arrangements: Iterable[Arrangement], *, first: date) -> list[Period]:
    """From `first` on, each stretch in which the set of active arrangements stays the same, in
    date order; stretches with none active are left out. The limits apply on every day, so a
    placement that starts next term is judged with whatever runs beside it then."""
    arrangements = list(arrangements)
    one_day = timedelta(days=1)
    edges = {first}
    for a in arrangements:
        if a.start > first:
            edges.add(a.start)
        if a.end is not None and a.end >= first:
            edges.add(a.end + one_day)
    edges = sorted(edges)
    result = []
    for i, start in enumerate(edges):
        end = edges[i + 1] - one_day if i + 1 < len(edges) else None
        active = tuple(a for a in arrangements if is_active_on(a.start, a.end, start))
        if active:
            result.append(Period(start, end, active))
    return result


@dataclass(frozen=True)
class PeriodAssessment:
    period: Period
    assessment: HoursAssessment


def hours_over_time(
    arrangements: Iterable[Arrangement], *, limits_apply: bool, limits: HoursLimits, first: date
) -> list[PeriodAssessment]:
    """The pupil's week at one provider in each period from `first` on, against the limits
    (which apply only where the provider is unregistered)."""
    return [
        PeriodAssessment(
            period,
            pupil_hours_assessment(
                [slot for a in period.arrangements for slot in a.slots],
                provider_registered=not limits_apply,
                main_responsibility=any(a.main_responsibility for a in period.arrangements),
                limits=limits,
            ),
        )
        for period in periods(arrangements, first=first)
    ]


def _runs_on_or_after(item: PeriodAssessment, day: date) -> bool:
    return item.period.end is None or item.period.end >= day


def first_breach(assessed: Iterable[PeriodAssessment], *, on: date) -> PeriodAssessment | None:
    """The breach in force on `on`, or else the next one to come."""
    return next((i for i in assessed if i.assessment.is_breach and _runs_on_or_after(i, on)), None)


def first_near_limit(assessed: Iterable[PeriodAssessment], *, on: date) -> PeriodAssessment | None:
    return next((i for i in assessed if i.assessment.near_limit and _runs_on_or_after(i, on)), None)


def breach_began(assessed: list[PeriodAssessment], item: PeriodAssessment) -> date:
    """The first day of the unbroken run of breaching periods that `item` belongs to."""
    index = assessed.index(item)
    while index > 0:
        before = assessed[index - 1]
        joined = (
            before.period.end is not None
            and before.period.end + timedelta(days=1) == assessed[index].period.start
        )
        if not (joined and before.assessment.is_breach):
            break
        index -= 1
    return assessed[index].period.start


@dataclass(frozen=True)
class HoursVerdict:
    """A pupil's week at one provider, period by period, against the unregistered-provider limits,
    read as on `today`: the week in force now, the breach in force (or the next to come)."""

    assessed: tuple[PeriodAssessment, ...]
    limits: HoursLimits
    limits_apply: bool
    today: date
    counts_other_placements: bool = False

    @property
    def now(self) -> HoursAssessment:
        for item in self.assessed:
            if item.period.start <= self.today and (item.period.end is None or item.period.end >= self.today):
                return item.assessment
        return pupil_hours_assessment(
            [], provider_registered=not self.limits_apply, main_responsibility=False, limits=self.limits
        )

    @property
    def breach(self) -> PeriodAssessment | None:
        return first_breach(self.assessed, on=self.today)

    @property
    def near_limit(self) -> PeriodAssessment | None:
        return None if self.breach else first_near_limit(self.assessed, on=self.today)

    @property
    def breach_began(self) -> date | None:
        """The first day of the breach in force (or to come): the flag's date."""
        return breach_began(list(self.assessed), self.breach) if self.breach else None

    def message(self) -> str | None:
        """The breach (or, without one, the approach to the hours line) in words; from when, if
        that is after today."""
        found = self.breach or self.near_limit
        if found is None:
            return None
        words = (
            describe_hours_breach(found.assessment, self.limits)
            if found is self.breach
            else describe_near_limit(found.assessment, self.limits)
        )
        if found.period.start > self.today:
            start = found.period.start
            words = f"From {start.day} {start:%B %Y}: {words[0].lower()}{words[1:]}"
        return words


def judge_hours(
    arrangements: Iterable[Arrangement],
    *,
    limits_apply: bool,
    limits: HoursLimits,
    today: date,
    first: date | None = None,
    counts_other_placements: bool = False,
) -> HoursVerdict:
    """The one answer to "how many hours a week is this pupil at this provider, and is it within
    the limits", for one pupil's arrangements at one provider, read as on `today`: every period
    from `first` (the earliest start, by default, so an ongoing breach dates from its start)."""
    arrangements = list(arrangements)
    if first is None:
        first = min((a.start for a in arrangements), default=today)
    return HoursVerdict(
        assessed=tuple(hours_over_time(arrangements, limits_apply=limits_apply, limits=limits, first=first)),
        limits=limits,
        limits_apply=limits_apply,
        today=today,
        counts_other_placements=counts_other_placements,
    )


@dataclass(frozen=True)
class Clash:
    slot: Slot
    other: Arrangement
    other_slot: Slot


def describe_clash(clash: Clash, *, setting: str) -> str:
    slot, other = clash.slot, clash.other_slot
    return (
        f"{WEEKDAY_NAMES[slot.weekday]} {slot.start:%H:%M}–{slot.end:%H:%M} clashes with "
        f"{other.start:%H:%M}–{other.end:%H:%M} at {setting} (the placement from "
        f"{clash.other.start.day} {clash.other.start:%B %Y}): a pupil cannot be in two places at once."
    )


def timetable_clashes(candidate: Arrangement, others: Iterable[Arrangement]) -> list[Clash]:
    """Slots of `candidate` that overlap a slot of another of the pupil's placements on a day
    both are active: a pupil cannot be in two places at once (each clash once)."""
    clashes = []
    for other in others:
        first = max(candidate.start, other.start)
        ends = [end for end in (candidate.end, other.end) if end is not None]
        last = min(ends) if ends else None
        if last is not None and last < first:
            continue
        # The weekdays that fall inside the days both run (all five once they share a week).
        span = 7 if last is None else min(7, (last - first).days + 1)
        weekdays = {(first + timedelta(days=i)).weekday() for i in range(span)}
        for slot in candidate.slots:
            for other_slot in other.slots:
                if (
                    slot.weekday == other_slot.weekday
                    and slot.weekday in weekdays
                    and slot.start < other_slot.end
                    and other_slot.start < slot.end
                ):
                    clashes.append(Clash(slot, other, other_slot))
    return clashes


def compulsory_school_age_ends(date_of_birth: date) -> date:
    """The last Friday in June of the school year (September to August) in which the pupil turns
    16 (domain.md "Providers: registered or not"; Education Act 1996 s.8)."""
    sixteenth = _add_years(date_of_birth, 16)
    year = sixteenth.year + 1 if sixteenth.month >= 9 else sixteenth.year
    last = date(year, 6, 30)
    return last - timedelta(days=(last.weekday() - 4) % 7)


def is_compulsory_school_age(date_of_birth: date, day: date) -> bool:
    return day <= compulsory_school_age_ends(date_of_birth)


# Sane ranges for dates typed in (issue 13 §14): AP serves pupils of secondary age and a little
# either side; a placement is recorded from a few years back to a couple of years ahead.
PUPIL_AGE_MIN, PUPIL_AGE_MAX = 9, 20
PLACEMENT_YEARS_BACK, PLACEMENT_YEARS_AHEAD = 5, 2


def date_of_birth_problem(date_of_birth: date, today: date) -> str | None:
    """Why a date of birth cannot be right for a pupil (aged 9 to 20 today), or None."""
    latest = _add_years(today, -PUPIL_AGE_MIN)
    earliest = _add_years(today, -(PUPIL_AGE_MAX + 1)) + timedelta(days=1)
    if earliest <= date_of_birth <= latest:
        return None
    return (
        f"Date of birth must be between {earliest:%-d %B %Y} and {latest:%-d %B %Y} "
        f"(a pupil aged {PUPIL_AGE_MIN} to {PUPIL_AGE_MAX})"
    )


def placement_date_problem(day: date, today: date, *, label: str) -> str | None:
    """Why a placement's start or end date cannot be right (5 years back to 2 ahead), or None."""
    earliest, latest = _add_years(today, -PLACEMENT_YEARS_BACK), _add_years(today, PLACEMENT_YEARS_AHEAD)
    if earliest <= day <= latest:
        return None
    return f"{label} must be between {earliest:%-d %B %Y} and {latest:%-d %B %Y}"


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February: the birthday falls on 1 March in a common year
        return date(day.year + years, 3, 1)


@dataclass(frozen=True)
class ProviderPupil:
    weekly_hours: float
    compulsory_school_age: bool
    looked_after: bool
    sen_status: str


NEED_WORDS = {"looked_after": "looked after", "ehcp": "with an EHC plan", "sen_support": "with SEN"}


def describe_needs(needs: Iterable[str]) -> str:
    """The needs that make one full-time pupil enough, in words: "looked after or with an EHC
    plan" today; wider when the setting follows the 2026 Act (s.43: special educational needs)."""
    words = [NEED_WORDS[need] for need in NEED_WORDS if need in set(needs)]
    return " or ".join([", ".join(words[:-1]), words[-1]] if len(words) > 2 else words)


def provider_registration_breach(
    pupils: Iterable[ProviderPupil], *, full_time_hours: float, pupil_count: int, needs: Iterable[str]
) -> tuple[bool, int, int]:
    """Whether an unregistered provider's pupils, across all schools, mean it must register
    (Education Act 1996 s.463): `pupil_count` or more full-time pupils of compulsory school age,
    or any one of them with one of the `needs` (looked after, an EHC plan…). Returns (breach,
    full-time pupils, of whom with the listed needs)."""
    counted = [registration_count(p, full_time_hours=full_time_hours, needs=needs) for p in pupils]
    full_time = sum(1 for is_full_time, _ in counted if is_full_time)
    with_needs = sum(1 for _, has_needs in counted if has_needs)
    return (full_time >= pupil_count or bool(with_needs), full_time, with_needs)


def registration_count(
    pupil: ProviderPupil, *, full_time_hours: float, needs: Iterable[str]
) -> tuple[bool, bool]:
    """How one pupil counts towards the registration test (s.463): (full-time and of compulsory
    school age, and also with one of the `needs`). The provider page marks pupils with it."""
    needs = set(needs)
    full_time = pupil.compulsory_school_age and pupil.weekly_hours > full_time_hours
    with_needs = full_time and (("looked_after" in needs and pupil.looked_after) or pupil.sen_status in needs)
    return full_time, with_needs


def registration_standing(*, full_time: int, with_needs: int, pupil_count: int, needs: Iterable[str]) -> str:
    """The registration test as it stands, in words (s.463, para 399): "3 of 5 full-time pupils of
    compulsory school age; 0 looked after or with an EHC plan"."""
    return (
        f"{full_time} of {pupil_count} full-time pupil{'s' if pupil_count != 1 else ''} of compulsory "
        f"school age; {with_needs} {describe_needs(needs)}"
    )
