"""Unit tests of the calendar rules (apdash/rules.py): England's usual half terms, worked out by hand
from the published pattern for two years whose holidays fall differently."""

from datetime import date

import pytest

from apdash import rules

# (name, first day, last day), worked out by hand: 2025/26 (Easter 5 April 2026) and 2026/27
# (Easter 28 March 2027).
EXPECTED = {
    2025: [
        ("Autumn 1", date(2025, 9, 3), date(2025, 10, 24)),
        ("Autumn 2", date(2025, 11, 3), date(2025, 12, 19)),
        ("Spring 1", date(2026, 1, 5), date(2026, 2, 13)),
        ("Spring 2", date(2026, 2, 23), date(2026, 4, 2)),
        ("Summer 1", date(2026, 4, 20), date(2026, 5, 22)),
        ("Summer 2", date(2026, 6, 1), date(2026, 7, 21)),
    ],
    2026: [
        ("Autumn 1", date(2026, 9, 2), date(2026, 10, 23)),
        ("Autumn 2", date(2026, 11, 2), date(2026, 12, 18)),
        ("Spring 1", date(2027, 1, 4), date(2027, 2, 12)),
        ("Spring 2", date(2027, 2, 22), date(2027, 3, 25)),
        ("Summer 1", date(2027, 4, 12), date(2027, 5, 28)),
        ("Summer 2", date(2027, 6, 7), date(2027, 7, 21)),
    ],
    2027: [
        ("Autumn 1", date(2027, 9, 1), date(2027, 10, 22)),
        ("Autumn 2", date(2027, 11, 1), date(2027, 12, 17)),
        ("Spring 1", date(2028, 1, 4), date(2028, 2, 11)),
        ("Spring 2", date(2028, 2, 21), date(2028, 4, 13)),
        ("Summer 1", date(2028, 5, 1), date(2028, 5, 26)),
        ("Summer 2", date(2028, 6, 5), date(2028, 7, 21)),
    ],
}


@pytest.mark.parametrize("start_year", sorted(EXPECTED))
def test_the_usual_half_terms_of_a_year(start_year):
    assert rules.usual_half_terms(start_year) == EXPECTED[start_year]


def test_every_half_term_starts_and_ends_on_a_weekday():
    for year in range(2020, 2040):
        for _, first, last in rules.usual_half_terms(year):
            assert first.weekday() < 5 and last.weekday() < 5 and first < last


def test_spring_2_ends_the_day_before_good_friday():
    # Easter Sunday 2026 is 5 April; 2027, 28 March; 2024, 31 March.
    assert rules.usual_half_terms(2025)[3][2] == date(2026, 4, 2)
    assert rules.usual_half_terms(2026)[3][2] == date(2027, 3, 25)
    assert rules.usual_half_terms(2023)[3][2] == date(2024, 3, 28)


def test_the_early_may_bank_holiday_is_the_first_monday_in_may():
    assert rules.usual_bank_holidays_in_term(2025) == [(date(2026, 5, 4), "Early May bank holiday")]
    assert rules.usual_bank_holidays_in_term(2026) == [(date(2027, 5, 3), "Early May bank holiday")]
    # 1 May 2028 is itself a Monday.
    assert rules.usual_bank_holidays_in_term(2027) == [(date(2028, 5, 1), "Early May bank holiday")]


@pytest.mark.parametrize(
    "day, year",
    [
        (date(2026, 9, 1), 2026),
        (date(2026, 8, 31), 2025),
        (date(2027, 1, 1), 2026),
        (date(2026, 12, 31), 2026),
    ],
)
def test_an_academic_year_runs_from_september_to_august(day, year):
    assert rules.academic_year_start(day) == year


def test_an_academic_year_label_has_both_calendar_years():
    assert rules.academic_year_label(2026) == "2026/27"
    assert rules.academic_year_label(2099) == "2099/00"


def test_the_last_monday_of_a_month_including_december():
    assert rules._last_monday(2026, 10) == date(2026, 10, 26)
    assert rules._last_monday(2026, 5) == date(2026, 5, 25)
    assert rules._last_monday(2026, 12) == date(2026, 12, 28)
    assert rules._last_monday(2027, 11) == date(2027, 11, 29)


def test_a_monday_on_or_after_and_a_weekday_on_or_before():
    assert rules._monday_on_or_after(date(2026, 9, 7)) == date(2026, 9, 7)
    assert rules._monday_on_or_after(date(2026, 9, 8)) == date(2026, 9, 14)
    assert rules._monday_on_or_after(date(2026, 9, 6)) == date(2026, 9, 7)
    assert rules._weekday_on_or_before(date(2026, 12, 19)) == date(2026, 12, 18)
    assert rules._weekday_on_or_before(date(2027, 12, 19)) == date(2027, 12, 17)
    assert rules._weekday_on_or_before(date(2027, 12, 17)) == date(2027, 12, 17)


def test_half_term_dates_are_plain_values():
    term = rules.HalfTermDates(id=1, start=date(2026, 9, 2), end=date(2026, 10, 23))
    assert term == rules.HalfTermDates(1, date(2026, 9, 2), date(2026, 10, 23))
    assert rules.HALF_TERM_NAMES[0] == "Autumn 1" and rules.HALF_TERM_NAMES[-1] == "Summer 2"


def test_edge_years_of_the_pattern():
    # 2022: the first Monday is 5 September, so term starts Wednesday 7 September (not in August).
    assert rules.usual_half_terms(2022)[0][1] == date(2022, 9, 7)
    # 2018/19: 4 January 2019 is a Friday, and spring starts that day.
    assert rules.usual_half_terms(2018)[2][1] == date(2019, 1, 4)
    # 2023/24: 12 February 2024 is a Monday: the February break starts that day.
    assert rules.usual_half_terms(2023)[2][2] == date(2024, 2, 9)
