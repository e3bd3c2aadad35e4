"""Half-termly visits (G §1e, §4i)."""

from __future__ import annotations

from datetime import datetime

from apdash import thresholds
from apdash.checks import CheckResult, Scope
from placements.compliance.checks.common import local_time, year_so_far
from placements.compliance.checks.scope import pupil_open_flags, pupils_q
from placements.compliance.models import Flag
from placements.compliance.services import FlagCondition, flags_sync
from placements.core.models import Placement
from placements.visits import rules as visits_rules
from placements.visits.selectors import seen_dates_by_setting, setting_key


def run_visits(now: datetime, scope: Scope | None = None) -> list[CheckResult]:
    within = pupils_q(scope)
    if within is None:
        return []
    local = local_time(now)
    today = local.date()
    due: list[FlagCondition] = []
    overdue: list[FlagCondition] = []
    checked: set[str] = set()
    year, placements, calendar = year_so_far(within, today)
    if year is not None:
        visits = seen_dates_by_setting(
            Placement.objects.filter(within).values("pupil_id"), first=year.start_date, last=year.end_date
        )
        warning = thresholds.visit_warning_school_days()
        for placement in placements:
            terms = calendar.terms(placement)
            gaps = visits_rules.visit_gaps(
                **calendar.rule_facts(placement),
                visit_dates=visits[setting_key(placement)],
                today=today,
                warning_school_days=warning,
            )
            # The half terms looked at again this run: an overdue flag for one of them clears when a
            # visit in it is recorded; any other stays open until a person resolves it.
            checked.update(f"{Flag.Kind.VISIT_OVERDUE}:placement={placement.id}:half_term={t}" for t in terms)
            pupil, provider = placement.pupil_name, placement.provider_name
            for gap in gaps:
                term = terms[gap.half_term_id]
                kind = Flag.Kind.VISIT_OVERDUE if gap.overdue else Flag.Kind.VISIT_DUE
                if gap.overdue:
                    message = f"{pupil} was not seen at {provider} during {term}."
                else:
                    left = gap.school_days_left
                    message = (
                        f"{pupil} has not yet been seen at {provider} this half term: "
                        f"{left} school day{'s' if left != 1 else ''} of {term.name} left."
                    )
                condition = FlagCondition(
                    key=f"{kind}:placement={placement.id}:half_term={term.id}",
                    message=message,
                    school_id=placement.school.id,
                    pupil_id=placement.pupil_id,
                    placement_id=placement.id,
                    provider_id=placement.provider_id,
                    subject_date=term.end_date,
                    details={
                        "half_term": term.id,
                        "half_term_name": str(term),
                        "school_days_left": gap.school_days_left,
                    },
                )
                (overdue if gap.overdue else due).append(condition)
    open_flags = pupil_open_flags(scope, (Flag.Kind.VISIT_DUE, Flag.Kind.VISIT_OVERDUE))
    return [
        flags_sync(Flag.Kind.VISIT_DUE, due, now=now, within=within, open_flags=open_flags),
        flags_sync(
            Flag.Kind.VISIT_OVERDUE,
            overdue,
            now=now,
            checked_keys=checked,
            within=within,
            open_flags=open_flags,
        ),
    ]
