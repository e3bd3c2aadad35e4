"""Pure rules about half-termly visits (G §1e: each pupil seen at each setting at least once each
half term). No ORM, no clock."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from apdash.rules import HalfTermDates
from placements.core.rules import is_active_between

SEEN = "seen"


DUE = "due"


MISSED = "missed"


def visit_needed(
    *,
    term_start: date,
    term_end: date,
    placement_start: date,
    placement_end: date | None,
    weekdays: Iterable[int],
    school_days: Sequence[date],
) -> bool:
    """Whether one placement needs a visit in one half term (G §1e, §4i): it was active there on a
    school day its timetable schedules; with no timetable, on any school day. `school_days` in
    date order. The one test the coverage grid, the visits check and the plan reviews share."""
    weekdays = set(weekdays) or {0, 1, 2, 3, 4}
    first = max(term_start, placement_start)
    last = term_end if placement_end is None else min(term_end, placement_end)
    # A slice of the school days (bisect), not a scan of the year: the sweep asks this of every
    # placement, with the same list of days for every pupil of a school.
    lo, hi = bisect_left(school_days, first), bisect_right(school_days, last)
    return any(school_days[i].weekday() in weekdays for i in range(lo, hi))


def visit_coverage(
    *,
    seen: bool,
    term_start: date,
    term_end: date,
    placement_start: date,
    placement_end: date | None,
    today: date,
    weekdays: Iterable[int] = (),
    school_days: Sequence[date] | None = None,
) -> str | None:
    """Green seen / amber due / red missed for one pupil at one setting in one half term; None when
    the placement did not run in that half term, needed no visit there (`visit_needed`: no
    scheduled school day while it ran) or the half term has not started. Without `school_days`
    (the school's, in date order) every weekday of the half term counts as one."""
    if not is_active_between(placement_start, placement_end, term_start, term_end):
        return None
    if seen:
        return SEEN
    if school_days is None:
        school_days = [
            day
            for day in (date.fromordinal(n) for n in range(term_start.toordinal(), term_end.toordinal() + 1))
            if day.weekday() < 5
        ]
    if not visit_needed(
        term_start=term_start,
        term_end=term_end,
        placement_start=placement_start,
        placement_end=placement_end,
        weekdays=weekdays,
        school_days=school_days,
    ):
        return None
    if term_start > today:
        return None
    return MISSED if term_end < today else DUE


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
    half_terms: Iterable[HalfTermDates],
    visit_dates: Iterable[date],
    today: date,
    warning_school_days: int,
) -> list[VisitGap]:
    """Half terms in which one placement still needs its visit with the pupil seen (G §1e, §4i).
    A half term needs one when the placement was active on a school day its timetable schedules
    there; a visit dated inside it counts, even if recorded late. An ended half term without one is
    overdue; the current one is due once `warning_school_days` or fewer school days remain. A
    placement with no timetable still needs its visits: every school day counts as scheduled.
    `school_days` in date order, as `apdash.selectors.school_days_by_school` gives them."""
    weekdays = tuple(weekdays)
    days = school_days if isinstance(school_days, list | tuple) else list(school_days)
    seen = sorted(visit_dates)
    gaps = []
    for term in half_terms:
        if term.start > today:
            continue
        if not visit_needed(
            term_start=term.start,
            term_end=term.end,
            placement_start=start,
            placement_end=end,
            weekdays=weekdays,
            school_days=days,
        ):
            continue
        visit = bisect_left(seen, term.start)
        if visit < len(seen) and seen[visit] <= term.end:
            continue
        if term.end < today:
            gaps.append(VisitGap(term.id, overdue=True, school_days_left=0))
            continue
        left = bisect_right(days, term.end) - bisect_left(days, today)
        if left <= warning_school_days:
            gaps.append(VisitGap(term.id, overdue=False, school_days_left=left))
    return gaps
