"""Read queries for half-termly visits: the coverage grid and the visits still due."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from apdash.selectors import academic_year_for, half_terms_for
from placements.core.models import Placement
from placements.core.selectors import placements_manageable_by, visible_placements
from placements.visits import rules
from placements.visits.models import Visit


def visible_visits(user):
    """Visits to placements the user may see, with what the page shows of each."""
    return Visit.objects.filter(placement__in=visible_placements(user)).select_related(
        "placement__pupil__school", "placement__provider", "visitor", "recorded_by"
    )


@dataclass
class CoverageRow:
    placement: Placement
    cells: list[str | None]
    last_seen: date | None
    last_visit_id: int | None = None


def coverage_grid(user, *, school, today: date):
    """Pupils × settings × half terms of this academic year: seen / due / missed (G §1e).
    A fixed handful of queries whatever the number of pupils."""
    year = academic_year_for(today)
    if year is None:
        return [], []
    terms = half_terms_for(partnership_id=school.partnership_id, start=year.start_date, end=year.end_date)
    placements = list(
        visible_placements(user, today=today)
        .active_between(year.start_date, year.end_date)
        .filter(pupil__school=school)
        .order_by("pupil__last_name", "pupil__first_name", "provider__name", "pk")
    )
    seen_dates = defaultdict(list)
    last_visit = {}
    for visit_id, placement_id, day in (
        Visit.objects.filter(
            placement_id__in=[p.pk for p in placements], pupil_seen=True, date__gte=year.start_date
        )
        .order_by("date", "pk")
        .values_list("pk", "placement_id", "date")
    ):
        seen_dates[placement_id].append(day)
        last_visit[placement_id] = visit_id
    rows = []
    for placement in placements:
        dates = seen_dates[placement.pk]
        cells = [
            rules.visit_coverage(
                seen=any(term.start_date <= d <= term.end_date for d in dates),
                term_start=term.start_date,
                term_end=term.end_date,
                placement_start=placement.start_date,
                placement_end=placement.end_date,
                today=today,
            )
            for term in terms
        ]
        rows.append(
            CoverageRow(
                placement=placement,
                cells=cells,
                last_seen=max(dates) if dates else None,
                last_visit_id=last_visit.get(placement.pk),
            )
        )
    return terms, rows


def visits_due_this_half_term(user, *, today: date) -> list[tuple[Placement, object]]:
    """Placements running in the current half term where the pupil has not yet been seen at the
    setting (G §1e: at least once each half term), as (placement, half term)."""
    placements = list(
        placements_manageable_by(user)
        .active_on(today)
        .order_by("pupil__last_name", "pupil__first_name", "provider__name")
    )
    terms = {}
    for partnership_id in {p.pupil.school.partnership_id for p in placements}:
        inside = half_terms_for(partnership_id=partnership_id, start=today, end=today)
        terms[partnership_id] = inside[0] if inside else None
    starts = [t.start_date for t in terms.values() if t]
    seen = defaultdict(list)
    if starts:
        for placement_id, day in Visit.objects.filter(
            placement_id__in=[p.pk for p in placements], pupil_seen=True, date__gte=min(starts)
        ).values_list("placement_id", "date"):
            seen[placement_id].append(day)
    due = []
    for placement in placements:
        term = terms[placement.pupil.school.partnership_id]
        if term and not any(term.start_date <= day <= term.end_date for day in seen[placement.pk]):
            due.append((placement, term))
    return due
