"""Pure rules about plan–do–review (G §1b, §4f–g; DfE "Arranging alternative provision", Feb 2025)
and qualifications. No ORM, no clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from apdash.rules import HalfTermDates
from placements.visits.rules import VisitGap, visit_gaps


def review_gaps(
    *,
    start: date,
    end: date | None,
    weekdays: Iterable[int],
    school_days: Iterable[date],
    half_terms: Iterable[HalfTermDates],
    review_dates: Iterable[date],
    today: date,
    warning_school_days: int = 0,
) -> list[VisitGap]:
    """Half terms in which a placement ran but the pupil's plan has no review yet (DfE: reviews at
    least half-termly): ended ones overdue, the current one due once `warning_school_days` or
    fewer school days remain. The visit rule's test: a half term counts when the placement was
    active on a school day its timetable schedules there, and a review dated inside it covers it."""
    return visit_gaps(
        start=start,
        end=end,
        weekdays=weekdays,
        school_days=school_days,
        half_terms=half_terms,
        visit_dates=review_dates,
        today=today,
        warning_school_days=warning_school_days,
    )


def review_overdue_half_terms(**placement) -> list[int]:
    """The ended half terms of `review_gaps` (same arguments): a review missed, not just due."""
    return [gap.half_term_id for gap in review_gaps(**placement) if gap.overdue]


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


# L0–L2: English and maths for every AP pupil; key stage 4 is years 10 and 11.
KEY_STAGE_4 = frozenset({10, 11})


CORE_SUBJECTS = ("english", "maths")


def missing_core_subjects(year_group: int, areas: Iterable[str]) -> tuple[str, ...]:
    """English and maths a key stage 4 pupil is not working towards."""
    if year_group not in KEY_STAGE_4:
        return ()
    areas = set(areas)
    return tuple(subject for subject in CORE_SUBJECTS if subject not in areas)
