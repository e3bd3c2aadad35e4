"""Calendar and wording helpers the placement checks share."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from apdash.selectors import half_terms_for, school_days_by_school
from placements.core import rules as core_rules

SESSION_WORDS = {"AM": "morning", "PM": "afternoon"}


def local_time(now: datetime) -> datetime:
    return timezone.localtime(now) if timezone.is_aware(now) else now


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def rule_slots(placement) -> list[core_rules.Slot]:
    return [slot.as_rule_slot() for slot in placement.timetable.all()]


def year_calendar(placements, year, today: date):
    """School days this academic year for each placed pupil's school, and the half terms so far
    for each partnership: one query per partnership (there are few), never per pupil."""
    schools = {p.pupil.school_id: p.pupil.school for p in placements}
    days_by_school = school_days_by_school(schools.values(), year.start_date, year.end_date)
    terms_by_partnership = {
        partnership_id: half_terms_for(
            partnership_id=partnership_id, start=year.start_date, end=min(today, year.end_date)
        )
        for partnership_id in {s.partnership_id for s in schools.values()}
    }
    return days_by_school, terms_by_partnership


def placement_calendar(placement, days_by_school, terms) -> dict:
    """The plain calendar facts the half-termly rules (visits, reviews) take for one placement."""
    return {
        "start": placement.start_date,
        "end": placement.end_date,
        "weekdays": [slot.weekday for slot in placement.timetable.all()],
        "school_days": days_by_school[placement.pupil.school_id],
        "half_terms": [t.dates for t in terms.values()],
    }
