"""Calendar and wording helpers the placement checks share."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone

from apdash.checks import shared, shared_so_far
from apdash.models import AcademicYear, HalfTerm
from apdash.rules import HalfTermDates
from apdash.selectors import academic_year_for, school_calendar, school_days_by_school
from placements.compliance.checks.rows import PlacementRow, placement_rows
from placements.core.models import Placement

SESSION_WORDS = {"AM": "morning", "PM": "afternoon"}


def local_time(now: datetime) -> datetime:
    return timezone.localtime(now) if timezone.is_aware(now) else now


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class YearCalendar:
    days_by_school: dict[int, list[date]]
    # Per partnership (None: the national pattern), the half terms so far by id, and their dates
    # as the rules take them (built once, not per placement).
    terms_by_partnership: dict[int | None, dict[int, HalfTerm]]
    dates_by_partnership: dict[int | None, list[HalfTermDates]]

    def terms(self, placement: PlacementRow) -> dict[int, HalfTerm]:
        return self.terms_by_partnership[placement.school.partnership_id]

    def rule_facts(self, placement: PlacementRow) -> dict:
        """The plain calendar facts the half-termly rules (visits, reviews) take for one placement."""
        return {
            "start": placement.start_date,
            "end": placement.end_date,
            "weekdays": [slot.weekday for slot in placement.slots],
            "school_days": self.days_by_school[placement.school.id],
            "half_terms": self.dates_by_partnership[placement.school.partnership_id],
        }


def year_calendar(placements: list[PlacementRow], year, today: date) -> YearCalendar:
    """School days this academic year for each placed pupil's school, and the half terms so far
    for each partnership: two queries, whatever the number of pupils or partnerships."""
    schools = list({p.school.id: p.school for p in placements}.values())
    days_by_school, terms = school_calendar(schools, year.start_date, year.end_date)
    so_far = min(today, year.end_date)
    terms_by_partnership = {
        partnership_id: {t.id: t for t in partnership_terms if t.start_date <= so_far}
        for partnership_id, partnership_terms in terms.items()
    }
    return YearCalendar(
        days_by_school,
        terms_by_partnership,
        {p: [t.dates for t in by_id.values()] for p, by_id in terms_by_partnership.items()},
    )


def year_so_far(
    within: Q, today: date, *, needs_from: date | None = None
) -> tuple[AcademicYear | None, list[PlacementRow], YearCalendar | None]:
    """The academic year `today` is in (None: not set up), the placements of the pupils `within`
    active in it up to today, and their `year_calendar`: read once per run for both half-termly
    checks (visits and reviews), four queries. A check run by itself that needs only those active
    from `needs_from` on reads only those."""

    def read(first=None):
        year = academic_year_for(today)
        if year is None:
            return None, [], None
        placements = placement_rows(
            Placement.objects.active_between(first or year.start_date, today).filter(within)
        )
        return year, placements, year_calendar(placements, year, today)

    return shared(_year_so_far_key(today), read, alone=lambda: read(needs_from))


def _year_so_far_key(today: date):
    return ("year so far", today)


def school_days_of(schools, first: date, last: date, *, today: date) -> dict[int, list[date]]:
    """`school_days_by_school`, cut from this run's year calendar when `year_so_far` has read one
    that holds these schools and dates: the checks of a run then read the calendar once."""
    schools = list(schools)
    year, _, calendar = shared_so_far(_year_so_far_key(today)) or (None, None, None)
    if (
        year is None
        or not year.start_date <= first <= last <= year.end_date
        or any(school.id not in calendar.days_by_school for school in schools)
    ):
        return school_days_by_school(schools, first, last)
    days = calendar.days_by_school
    return {
        school.id: days[school.id][bisect_left(days[school.id], first) : bisect_right(days[school.id], last)]
        for school in schools
    }
