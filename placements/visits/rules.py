"""Pure rules about half-termly visits (G §1e: each pupil seen at each setting at least once each
half term). No ORM, no clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from apdash.rules import HalfTermDates
from placements.core.rules import is_active_between, is_active_on

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
    placement with no timetable still needs its visits: every school day counts as scheduled."""
    weekdays = set(weekdays) or {0, 1, 2, 3, 4}
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
