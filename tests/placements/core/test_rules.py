"""The unregistered-provider rules over time (G §3f, para 399; domain.md), boundary by boundary."""

from datetime import date, time

import pytest

from apdash.thresholds import HoursLimits
from placements.core.rules import (
    Arrangement,
    Slot,
    compulsory_school_age_ends,
    describe_clash,
    describe_needs,
    is_active_between,
    is_active_on,
    is_compulsory_school_age,
    judge_hours,
    periods,
    timetable_clashes,
    timetabled_sessions,
    weekly_hours,
    weekly_sessions,
)

LIMITS = HoursLimits(full_time_hours=18, max_days=3, warning_hours=15)
MON, TUE, WED, THU, FRI = range(5)


def _slot(day, start, end):
    return Slot(day, time(*start), time(*end))


def test_overlapping_slots_count_once_in_the_week():
    slots = [_slot(MON, (9,), (15,)), _slot(MON, (12,), (16,)), _slot(TUE, (9, 30), (12,))]
    assert weekly_hours(slots) == 7 + 2.5


def test_back_to_back_slots_add_up_and_half_hours_count():
    assert weekly_hours([_slot(FRI, (9,), (10, 30)), _slot(FRI, (10, 30), (12,))]) == 3.0


def test_a_placement_is_active_on_its_first_and_last_days_only():
    start, end = date(2026, 9, 7), date(2026, 10, 16)
    assert [is_active_on(start, end, d) for d in (date(2026, 9, 6), start, end, date(2026, 10, 17))] == [
        False,
        True,
        True,
        False,
    ]
    assert is_active_on(start, None, date(2030, 1, 1))
    assert is_active_between(start, end, date(2026, 10, 16), None)
    assert not is_active_between(start, end, date(2026, 10, 17), date(2026, 12, 1))


def test_periods_change_where_a_placement_starts_or_ends():
    a = Arrangement(1, date(2026, 9, 7), date(2026, 12, 18))
    b = Arrangement(2, date(2027, 1, 4), None)
    c = Arrangement(3, date(2026, 11, 2), date(2027, 2, 12))
    found = [
        (p.start, p.end, [x.id for x in p.arrangements]) for p in periods([a, b, c], first=date(2026, 11, 23))
    ]
    assert found == [
        (date(2026, 11, 23), date(2026, 12, 18), [1, 3]),
        (date(2026, 12, 19), date(2027, 1, 3), [3]),
        (date(2027, 1, 4), date(2027, 2, 12), [2, 3]),
        (date(2027, 2, 13), None, [2]),
    ]


def test_a_placement_that_will_breach_the_limits_is_judged_before_it_starts():
    today = date(2026, 11, 23)
    now = Arrangement(1, date(2026, 9, 7), None, (_slot(MON, (9,), (15,)), _slot(TUE, (9,), (15,))))
    later = Arrangement(2, date(2027, 1, 4), None, (_slot(WED, (9,), (15,)),))
    verdict = judge_hours([now, later], limits_apply=True, limits=LIMITS, today=today)
    assert verdict.now.weekly_hours == 12 and not verdict.now.is_breach
    assert verdict.breach.period.start == date(2027, 1, 4)
    assert verdict.breach.assessment.limits_breached == ("days",)
    assert verdict.breach_began == date(2027, 1, 4)
    assert verdict.message().startswith("From 4 January 2027: at an unregistered provider: 3 days a week")


def test_an_ongoing_breach_dates_from_its_first_day_across_changes_of_placement():
    today = date(2026, 11, 23)
    four_days = tuple(_slot(d, (9,), (12,)) for d in (MON, TUE, WED, THU))
    a = Arrangement(1, date(2026, 9, 7), date(2026, 10, 23), four_days)
    b = Arrangement(2, date(2026, 10, 24), None, four_days)
    verdict = judge_hours([a, b], limits_apply=True, limits=LIMITS, today=today)
    assert verdict.breach_began == date(2026, 9, 7)
    assert not verdict.message().startswith("From")


def test_no_limits_apply_at_a_registered_or_exempt_provider():
    week = tuple(_slot(d, (8,), (16,)) for d in range(5))
    verdict = judge_hours(
        [Arrangement(1, date(2026, 9, 7), None, week, main_responsibility=True)],
        limits_apply=False,
        limits=LIMITS,
        today=date(2026, 11, 23),
    )
    assert verdict.breach is None and verdict.near_limit is None and verdict.now.weekly_hours == 40


@pytest.mark.parametrize(
    ("monday_end", "tuesday_end", "breach", "near"),
    [
        ((17,), (17,), False, True),  # 9 + 9 = 18 hours: on the line, not over it
        ((17,), (17, 15), True, False),  # 18.25 hours
        ((15,), (15, 45), False, False),  # 7 + 7.75 = 14.75 hours: under the warning
    ],
)
def test_the_hours_line_is_more_than_eighteen_and_the_warning_from_fifteen(
    monday_end, tuesday_end, breach, near
):
    slots = (_slot(MON, (8,), monday_end), _slot(TUE, (8,), tuesday_end))
    verdict = judge_hours(
        [Arrangement(1, date(2026, 9, 7), None, slots)],
        limits_apply=True,
        limits=LIMITS,
        today=date(2026, 11, 23),
    )
    assert (verdict.breach is not None, verdict.near_limit is not None) == (breach, near)


def test_a_slot_clashing_with_another_placement_on_a_shared_day_is_found_once():
    monday_morning = _slot(MON, (9,), (12,))
    candidate = Arrangement(1, date(2026, 9, 7), None, (monday_morning, _slot(TUE, (9,), (12,))))
    elsewhere = Arrangement(2, date(2026, 10, 1), None, (_slot(MON, (11,), (14,)),))
    (clash,) = timetable_clashes(candidate, [elsewhere])
    assert (clash.slot, clash.other.id) == (monday_morning, 2)


def test_placements_that_never_run_on_the_same_weekday_do_not_clash():
    candidate = Arrangement(1, date(2026, 11, 2), date(2026, 11, 2), (_slot(MON, (9,), (12,)),))  # one Monday
    later = Arrangement(2, date(2026, 11, 3), None, (_slot(MON, (9,), (12,)),))
    back_to_back = Arrangement(3, date(2026, 9, 7), None, (_slot(MON, (12,), (15,)),))
    assert timetable_clashes(candidate, [later, back_to_back]) == []


@pytest.mark.parametrize(
    ("born", "ends"),
    [
        (date(2010, 8, 31), date(2026, 6, 26)),  # 16 on the last day of the school year
        (date(2010, 9, 1), date(2027, 6, 25)),  # 16 on the first day of the next one
        (date(2011, 1, 15), date(2027, 6, 25)),
        (date(2012, 2, 29), date(2028, 6, 30)),  # a leap-day birthday; 30 June 2028 is a Friday
    ],
)
def test_compulsory_school_age_ends_on_the_last_friday_in_june_of_the_year_the_pupil_turns_16(born, ends):
    assert compulsory_school_age_ends(born) == ends
    assert is_compulsory_school_age(born, ends)
    assert not is_compulsory_school_age(born, date.fromordinal(ends.toordinal() + 1))


def test_the_needs_that_count_are_named_as_the_setting_says():
    assert describe_needs(["looked_after", "ehcp"]) == "looked after or with an EHC plan"
    assert (
        describe_needs(["looked_after", "ehcp", "sen_support"])
        == "looked after, with an EHC plan or with SEN"
    )


def test_a_clash_is_described_with_the_other_setting_and_its_placement():
    clash = timetable_clashes(
        Arrangement(None, date(2026, 11, 2), None, (_slot(WED, (9,), (12,)),)),
        [Arrangement(7, date(2026, 10, 1), None, (_slot(WED, (11, 30), (15,)),))],
    )[0]
    assert describe_clash(clash, setting="Forge Ahead") == (
        "Wednesday 09:00–12:00 clashes with 11:30–15:00 at Forge Ahead (the placement from 1 October 2026): "
        "a pupil cannot be in two places at once."
    )


def test_a_date_of_birth_is_sane_for_a_pupil_aged_9_to_20():
    from placements.core.rules import date_of_birth_problem

    today = date(2026, 11, 30)
    assert date_of_birth_problem(date(2011, 5, 17), today) is None
    assert date_of_birth_problem(date(2017, 11, 30), today) is None  # nine today
    assert "between 1 December 2005 and 30 November 2017" in date_of_birth_problem(date(2017, 12, 1), today)
    assert date_of_birth_problem(date(2005, 12, 1), today) is None  # twenty until tomorrow
    assert date_of_birth_problem(date(2005, 11, 30), today) is not None
    assert date_of_birth_problem(date(1911, 5, 17), today) is not None


def test_a_placement_date_is_within_five_years_back_and_two_ahead():
    from placements.core.rules import placement_date_problem

    today = date(2026, 11, 30)
    assert placement_date_problem(date(2021, 11, 30), today, label="Start date") is None
    assert placement_date_problem(date(2028, 11, 30), today, label="Start date") is None
    assert placement_date_problem(date(2021, 11, 29), today, label="Start date") == (
        "Start date must be between 30 November 2021 and 30 November 2028"
    )
    assert placement_date_problem(date(2202, 1, 1), today, label="End date") is not None


def test_a_timetable_owes_a_register_for_each_session_it_covers_on_each_weekday():
    slots = [
        _slot(MON, (9, 0), (15, 0)),  # both sessions
        _slot(MON, (13, 0), (14, 0)),  # the afternoon again: counted once
        _slot(WED, (9, 0), (12, 0)),  # ends at noon: the morning only
        _slot(FRI, (12, 0), (15, 0)),  # starts at noon: the afternoon only
    ]
    assert timetabled_sessions(slots) == {(MON, "AM"), (MON, "PM"), (WED, "AM"), (FRI, "PM")}
    assert weekly_sessions(slots) == 4
    # A school whose morning ends at 12:30 counts Friday's 12:00 start in its morning too.
    assert (FRI, "AM") in timetabled_sessions(slots, am_end=time(12, 30), pm_start=time(13, 15))
