"""Pure calendar rules: England's usual school-year pattern, used to seed half terms that a
partnership may then replace with its LA's own dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.easter import easter


@dataclass(frozen=True)
class HalfTermDates:
    """A half term as the calendar rules see it: its first and last days (both school days)."""

    id: int
    start: date
    end: date


HALF_TERM_NAMES = ("Autumn 1", "Autumn 2", "Spring 1", "Spring 2", "Summer 1", "Summer 2")


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1) if month < 12 else date(year, 12, 31)
    return day - timedelta(days=day.weekday())


def _weekday_on_or_before(day: date) -> date:
    while day.weekday() > 4:
        day -= timedelta(days=1)
    return day


def academic_year_label(start_year: int) -> str:
    return f"{start_year}/{str(start_year + 1)[-2:]}"


def academic_year_start(day: date) -> int:
    """The calendar year an academic year containing `day` starts in (September to August)."""
    return day.year if day.month >= 9 else day.year - 1


def usual_half_terms(start_year: int) -> list[tuple[str, date, date]]:
    """England's usual pattern: autumn from early September with a break in the last week of
    October, spring from early January with a mid-February break, Easter holidays of two weeks,
    summer with the late-May break, ending around 21 July."""
    y1, y2 = start_year, start_year + 1
    autumn_start = _monday_on_or_after(date(y1, 9, 1)) + timedelta(days=2)  # usually a Wednesday
    if autumn_start.day > 7:
        autumn_start -= timedelta(days=7)
    october_break = _last_monday(y1, 10)
    christmas_end = _weekday_on_or_before(date(y1, 12, 19))
    spring_start = date(y2, 1, 4)
    while spring_start.weekday() > 4:
        spring_start += timedelta(days=1)
    february_break = _monday_on_or_after(date(y2, 2, 12))
    good_friday = easter(y2) - timedelta(days=2)
    summer_start = easter(y2) + timedelta(days=15)  # Easter Monday + two weeks
    may_break = _last_monday(y2, 5)
    summer_end = _weekday_on_or_before(date(y2, 7, 21))
    return [
        ("Autumn 1", autumn_start, october_break - timedelta(days=3)),
        ("Autumn 2", october_break + timedelta(days=7), christmas_end),
        ("Spring 1", spring_start, february_break - timedelta(days=3)),
        ("Spring 2", february_break + timedelta(days=7), good_friday - timedelta(days=1)),
        ("Summer 1", summer_start, may_break - timedelta(days=3)),
        ("Summer 2", may_break + timedelta(days=7), summer_end),
    ]


def usual_bank_holidays_in_term(start_year: int) -> list[tuple[date, str]]:
    """Bank holidays that fall inside the usual term dates."""
    first_may = date(start_year + 1, 5, 1)
    early_may = first_may + timedelta(days=(7 - first_may.weekday()) % 7)
    return [(early_may, "Early May bank holiday")]
