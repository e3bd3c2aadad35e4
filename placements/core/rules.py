"""Pure rules about pupils, placements and timetables: UPNs, weekly slots, when a placement is
active, and the unregistered-provider limits. Plain values in, plain values out: no ORM, no clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.gb import upn as stdnum_upn


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
