"""Read queries for half-termly visits: the coverage grid and the visits still due."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from apdash.selectors import academic_year_for, half_terms_for, school_days_by_school
from placements.core.models import Placement, TimetableSlot
from placements.core.selectors import placements_manageable_by, visible_placements
from placements.visits import rules
from placements.visits.models import Visit


def seen_dates_by_setting(
    pupil_ids, *, first: date, last: date | None = None
) -> dict[tuple[int, int], list[date]]:
    """Days each pupil was seen at each setting, keyed (pupil id, provider id): a visit at a
    provider counts for every placement the pupil has there (G §1e: seen at each setting). One query;
    `pupil_ids` may be a subquery (a values queryset), so a sweep sends no list of ids."""
    visits = Visit.objects.filter(placement__pupil_id__any=pupil_ids, pupil_seen=True, date__gte=first)
    if last is not None:
        visits = visits.filter(date__lte=last)
    seen = defaultdict(list)
    for pupil_id, provider_id, day in visits.values_list(
        "placement__pupil_id", "placement__provider_id", "date"
    ):
        seen[(pupil_id, provider_id)].append(day)
    return seen


def setting_key(placement) -> tuple[int, int]:
    return (placement.pupil_id, placement.provider_id)


@dataclass
class VisitSchedule:
    """What the half-termly visit rule (`rules.visit_coverage`) reads of each placement besides
    its visits: the weekdays its timetable schedules, and its school's days."""

    weekdays: dict[int, set[int]]
    school_days: dict[int, list[date]]

    def coverage(self, placement, term, *, seen_days, today: date) -> str | None:
        """Seen / due / missed (or None) for `placement` in half term `term`, from the days the
        pupil was seen at the setting."""
        return rules.visit_coverage(
            seen=any(term.start_date <= day <= term.end_date for day in seen_days),
            term_start=term.start_date,
            term_end=term.end_date,
            placement_start=placement.start_date,
            placement_end=placement.end_date,
            today=today,
            weekdays=self.weekdays.get(placement.pk, ()),
            school_days=self.school_days.get(placement.pupil.school_id, []),
        )


def visit_schedule(placements, schools, *, first: date, last: date) -> VisitSchedule:
    """The `VisitSchedule` of `placements` (of `schools`) over [first, last]: three queries."""
    weekdays = defaultdict(set)
    for placement_id, weekday in TimetableSlot.objects.filter(
        placement_id__any=[p.pk for p in placements]
    ).values_list("placement_id", "weekday"):
        weekdays[placement_id].add(weekday)
    schools = list(schools)
    return VisitSchedule(weekdays, school_days_by_school(schools, first, last) if schools else {})


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
    pupil_ids = {p.pupil_id for p in placements}
    seen_dates = seen_dates_by_setting(pupil_ids, first=year.start_date)
    schedule = visit_schedule(placements, [school], first=year.start_date, last=year.end_date)
    # The latest visit at each setting, for a link to what was written (issue 17 #1).
    last_visit = {}
    for visit_id, pupil_id, provider_id in (
        Visit.objects.filter(placement__pupil_id__any=pupil_ids, pupil_seen=True, date__gte=year.start_date)
        .order_by("date", "pk")
        .values_list("pk", "placement__pupil_id", "placement__provider_id")
    ):
        last_visit[(pupil_id, provider_id)] = visit_id
    rows = []
    for placement in placements:
        dates = seen_dates[setting_key(placement)]
        cells = [schedule.coverage(placement, term, seen_days=dates, today=today) for term in terms]
        rows.append(
            CoverageRow(
                placement=placement,
                cells=cells,
                last_seen=max(dates) if dates else None,
                last_visit_id=last_visit.get(setting_key(placement)),
            )
        )
    return terms, rows


def visits_due_this_half_term(user, *, today: date) -> list[tuple[Placement, object]]:
    """Placements running in the current half term where the pupil has not yet been seen at the
    setting (G §1e: at least once each half term), as (placement, half term): those the coverage
    grid shows as due."""
    placements = list(
        placements_manageable_by(user)
        .active_on(today)
        .order_by("pupil__last_name", "pupil__first_name", "provider__name")
    )
    terms = {}
    for partnership_id in {p.pupil.school.partnership_id for p in placements}:
        inside = half_terms_for(partnership_id=partnership_id, start=today, end=today)
        terms[partnership_id] = inside[0] if inside else None
    current = [t for t in terms.values() if t]
    if not current:
        return []
    first, last = min(t.start_date for t in current), max(t.end_date for t in current)
    seen = seen_dates_by_setting({p.pupil_id for p in placements}, first=first)
    schedule = visit_schedule(placements, {p.pupil.school for p in placements}, first=first, last=last)
    due = []
    for placement in placements:
        term = terms[placement.pupil.school.partnership_id]
        seen_days = seen.get(setting_key(placement), [])
        if term and schedule.coverage(placement, term, seen_days=seen_days, today=today) == rules.DUE:
            due.append((placement, term))
    return due
