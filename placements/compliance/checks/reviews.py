"""Plan reviews (DfE Feb 2025: at least half-termly; G §4g)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from apdash.checks import CheckResult, Scope
from apdash.selectors import academic_year_for
from placements.compliance.checks.common import local_time, year_calendar
from placements.compliance.checks.rows import placement_rows
from placements.compliance.checks.scope import pupils_q
from placements.compliance.models import Flag
from placements.compliance.services import FlagCondition, flags_sync
from placements.core.models import Placement
from placements.plans import rules as plans_rules
from placements.plans.models import Review


def run_reviews(now: datetime, scope: Scope | None = None) -> list[CheckResult]:
    """An active placement whose pupil's plan had no review in a half term that has ended: the
    visit rule's half terms, with the pupil's review dates in place of visits. One flag per pupil
    and half term, however many settings the pupil attends; it stays open until resolved."""
    within = pupils_q(scope)
    if within is None:
        return []
    today = local_time(now).date()
    conditions: dict[str, FlagCondition] = {}
    checked: set[str] = set()
    year = academic_year_for(today)
    if year is not None:
        placements = placement_rows(
            Placement.objects.active_between(today, today)
            .filter(within)
            .order_by("pupil_id", "start_date", "id")
        )
        calendar = year_calendar(placements, year, today)
        reviews = defaultdict(list)
        for pupil_id, day in Review.objects.filter(
            pupils_q(scope, "plan__pupil"), date__gte=year.start_date, date__lte=year.end_date
        ).values_list("plan__pupil_id", "date"):
            reviews[pupil_id].append(day)
        missed = {}
        for placement in placements:
            terms = calendar.terms(placement)
            overdue = plans_rules.review_overdue_half_terms(
                **calendar.rule_facts(placement), review_dates=reviews[placement.pupil_id], today=today
            )
            checked.update(
                f"{Flag.Kind.REVIEW_OVERDUE}:pupil={placement.pupil_id}:half_term={t}" for t in terms
            )
            for term_id in overdue:
                # The pupil's first placement (in date order) that missed the half term names it.
                missed.setdefault((placement.pupil_id, term_id), placement)
        for (pupil_id, term_id), placement in missed.items():
            term = calendar.terms(placement)[term_id]
            key = f"{Flag.Kind.REVIEW_OVERDUE}:pupil={pupil_id}:half_term={term.id}"
            conditions[key] = FlagCondition(
                key=key,
                message=f"{placement.pupil_name}'s plan was not reviewed during {term}.",
                school_id=placement.school.id,
                pupil_id=pupil_id,
                placement_id=placement.id,
                provider_id=placement.provider_id,
                subject_date=term.end_date,
                details={"half_term": term.id, "half_term_name": str(term)},
            )
    # A missed review is a fact about a past half term: it clears only when a review in that half
    # term is recorded, or a person resolves it (never by the year rolling over or the placement ending).
    return [
        flags_sync(
            Flag.Kind.REVIEW_OVERDUE, list(conditions.values()), now=now, checked_keys=checked, within=within
        )
    ]
