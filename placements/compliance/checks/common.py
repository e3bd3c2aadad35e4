"""Calendar and wording helpers the placement checks share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from apdash.models import HalfTerm
from apdash.rules import HalfTermDates
from apdash.selectors import school_calendar
from placements.compliance.checks.rows import PlacementRow

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
