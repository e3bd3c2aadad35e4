"""Calendar and wording helpers the placement checks share."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from django.utils import timezone

from apdash.models import HalfTerm, School
from apdash.rules import HalfTermDates
from apdash.selectors import school_calendar
from placements.core import rules as core_rules
from placements.core.models import TimetableSlot

SESSION_WORDS = {"AM": "morning", "PM": "afternoon"}


def local_time(now: datetime) -> datetime:
    return timezone.localtime(now) if timezone.is_aware(now) else now


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def rule_slots(placement) -> list[core_rules.Slot]:
    return [slot.as_rule_slot() for slot in placement.timetable.all()]


class PlacementDates(NamedTuple):
    """What the half-termly rules (visits, reviews) and their messages need of a placement: plain
    values (a tuple), so a sweep over thousands of placements builds no model instances."""

    id: int
    pupil_id: int
    provider_id: int
    school_id: int
    partnership_id: int | None
    start: date
    end: date | None
    pupil_name: str
    provider_name: str
    weekdays: tuple[int, ...]


def placement_dates(placements) -> list[PlacementDates]:
    """The rows of a placement queryset as `PlacementDates`, in its order: two queries (joining
    the timetable instead repeats every placement's columns once per slot: slower for a sweep)."""
    weekdays = defaultdict(list)
    for placement_id, weekday in TimetableSlot.objects.filter(
        placement__in=placements.values("pk")
    ).values_list("placement_id", "weekday"):
        weekdays[placement_id].append(weekday)
    rows = placements.values_list(
        "pk",
        "pupil_id",
        "provider_id",
        "pupil__school_id",
        "pupil__school__partnership_id",
        "start_date",
        "end_date",
        "pupil__first_name",
        "pupil__last_name",
        "provider__name",
    )
    # (pk, pupil, provider, school, partnership, start, end), then the names, then the weekdays.
    return [
        PlacementDates(*row[:7], core_rules.pupil_name(row[7], row[8]), row[9], tuple(weekdays[row[0]]))
        for row in rows
    ]


@dataclass(frozen=True)
class YearCalendar:
    days_by_school: dict[int, list[date]]
    # Per partnership (None: the national pattern), the half terms so far by id, and their dates
    # as the rules take them (built once, not per placement).
    terms_by_partnership: dict[int | None, dict[int, HalfTerm]]
    dates_by_partnership: dict[int | None, list[HalfTermDates]]

    def terms(self, placement: PlacementDates) -> dict[int, HalfTerm]:
        return self.terms_by_partnership[placement.partnership_id]

    def rule_facts(self, placement: PlacementDates) -> dict:
        """The plain calendar facts the half-termly rules (visits, reviews) take for one placement."""
        return {
            "start": placement.start,
            "end": placement.end,
            "weekdays": placement.weekdays,
            "school_days": self.days_by_school[placement.school_id],
            "half_terms": self.dates_by_partnership[placement.partnership_id],
        }


def year_calendar(placements: list[PlacementDates], year, today: date) -> YearCalendar:
    """School days this academic year for each placed pupil's school, and the half terms so far
    for each partnership: two queries, whatever the number of pupils or partnerships."""
    partnership_of = {p.school_id: p.partnership_id for p in placements}
    schools = [
        School(id=school_id, partnership_id=partnership_id)
        for school_id, partnership_id in partnership_of.items()
    ]
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
