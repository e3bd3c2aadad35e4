"""Pure rules about half-termly visits (G §1e: each pupil seen at each setting at least once each
half term). No ORM, no clock."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from apdash.rules import HalfTermDates
from placements.core.rules import is_active_between

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
    if not is_active_between(placement_start, placement_end, term_start, term_end):
        return None
    if seen:
        return SEEN
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
    weekdays = set(weekdays) or {0, 1, 2, 3, 4}
    # Each half term is a slice of the school days (bisect), not a scan of the whole year: the
    # sweep calls this for every placement, with the same list of days for every pupil of a school.
    days = school_days if isinstance(school_days, list | tuple) else list(school_days)
    seen = sorted(visit_dates)
    gaps = []
    for term in half_terms:
        if term.start > today:
            continue
        # The days of the half term on which the placement ran (`is_active_on`).
        first, last = max(term.start, start), term.end if end is None else min(term.end, end)
        lo, hi = bisect_left(days, first), bisect_right(days, last)
        if not any(days[i].weekday() in weekdays for i in range(lo, hi)):
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
