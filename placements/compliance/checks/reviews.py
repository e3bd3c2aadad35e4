"""Plan reviews (DfE Feb 2025: at least half-termly; G §4g)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from apdash.checks import CheckResult, Scope
from placements.compliance.checks.common import local_time, year_so_far
from placements.compliance.checks.scope import pupil_open_flags, pupils_q
from placements.compliance.models import Flag
from placements.compliance.services import FlagCondition, flags_sync
from placements.core import rules as core_rules
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
    year, this_year, calendar = year_so_far(within, today, needs_from=today)
    if year is not None:
        # Those active today, from the year's (visits read the same), each pupil's in date order.
        placements = sorted(
            (p for p in this_year if core_rules.is_active_on(p.start_date, p.end_date, today)),
            key=lambda p: (p.pupil_id, p.start_date, p.id),
        )
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
            Flag.Kind.REVIEW_OVERDUE,
            list(conditions.values()),
            now=now,
            checked_keys=checked,
            within=within,
            open_flags=pupil_open_flags(scope, (Flag.Kind.REVIEW_OVERDUE,)),
        )
    ]
