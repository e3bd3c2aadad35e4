from datetime import date, datetime, time

from hypothesis import given
from hypothesis import strategies as st

from placements import rules


def test_the_domain_example_upn_is_valid():
    assert rules.upn_problem("B801200005001") is None


def test_a_wrong_check_letter_is_refused_with_a_reason():
    assert "check letter" in rules.upn_problem("A801200005001")


def test_a_short_upn_says_how_long_it_should_be():
    assert "13 characters" in rules.upn_problem("B80120000")


def test_an_unknown_local_authority_code_is_refused():
    body = "000200005001"
    from stdnum.gb.upn import calc_check_digit

    assert "local authority" in rules.upn_problem(calc_check_digit(body) + body)


@given(serial=st.integers(0, 999), year=st.integers(0, 99))
def test_generated_upns_always_validate(serial, year):
    assert (
        rules.upn_problem(rules.upn_for(la_code="931", establishment="4001", year=year, serial=serial))
        is None
    )


def test_attendance_percentage_counts_approved_education_as_present_and_ignores_not_counted():
    # B, K present; I authorised; N, O unauthorised; D, #, X not possible sessions.
    codes = ["/", "B", "K", "I", "N", "O", "D", "#", "X", "L"]
    assert rules.attendance_percentage(codes) == round(100 * 4 / 7, 1)


def test_attendance_percentage_is_none_without_possible_sessions():
    assert rules.attendance_percentage(["#", "D"]) is None


def test_weekly_hours_and_days():
    slots = [
        rules.Slot(0, time(9), time(15)),
        rules.Slot(0, time(15), time(16, 30)),
        rules.Slot(2, time(9), time(12)),
    ]
    assert rules.weekly_hours(slots) == 10.5
    assert rules.days_per_week(slots) == 2


def test_sessions_of_a_slot_follow_noon():
    assert rules.slot_sessions(time(9), time(12)) == ("AM",)
    assert rules.slot_sessions(time(12), time(15)) == ("PM",)
    assert rules.slot_sessions(time(9), time(15)) == ("AM", "PM")


def test_overlapping_slots_and_out_of_hours_times_are_reported_in_words():
    problems = rules.timetable_problems(
        [
            rules.Slot(1, time(9), time(12)),
            rules.Slot(1, time(11), time(14)),
            rules.Slot(3, time(6), time(9)),
        ],
        earliest=time(7),
        latest=time(19),
    )
    messages = [m for _, m in problems]
    assert any("Tuesday: 11:00–14:00 overlaps 09:00–12:00" in m for m in messages)
    assert any("Thursday: times must be between 07:00 and 19:00" in m for m in messages)


def test_back_to_back_slots_do_not_overlap():
    slots = [rules.Slot(1, time(9), time(12)), rules.Slot(1, time(12), time(15))]
    assert rules.timetable_problems(slots, earliest=time(7), latest=time(19)) == []


def test_session_cutoff():
    kw = {"cutoff_am": time(10, 30), "cutoff_pm": time(14, 30)}
    day = date(2026, 11, 23)
    assert not rules.session_cutoff_passed("AM", day, datetime(2026, 11, 23, 10, 29), **kw)
    assert rules.session_cutoff_passed("AM", day, datetime(2026, 11, 23, 10, 30), **kw)
    assert not rules.session_cutoff_passed("PM", day, datetime(2026, 11, 23, 14, 0), **kw)
    assert rules.session_cutoff_passed("PM", day, datetime(2026, 11, 24, 8, 0), **kw)


LIMITS = rules.HoursLimits(full_time_hours=18, max_days=3, warning_hours=15)


def _assess(slots, registered=False, main=False):
    return rules.pupil_hours_assessment(
        slots, provider_registered=registered, main_responsibility=main, limits=LIMITS
    )


def test_exactly_18_hours_is_not_a_breach_but_18_and_a_half_is():
    eighteen = [rules.Slot(0, time(8), time(17)), rules.Slot(1, time(8), time(17))]
    assert _assess(eighteen).limits_breached == ()
    more = eighteen + [rules.Slot(1, time(17), time(17, 30))]
    assert _assess(more).limits_breached == ("hours",)


def test_two_days_is_fine_three_days_is_a_breach():
    assert not _assess([rules.Slot(d, time(9), time(12)) for d in (0, 1)]).is_breach
    assert _assess([rules.Slot(d, time(9), time(12)) for d in (0, 1, 2)]).limits_breached == ("days",)


def test_main_responsibility_at_an_unregistered_provider_is_a_breach():
    assert _assess([rules.Slot(0, time(9), time(12))], main=True).limits_breached == ("main_responsibility",)


def test_a_registered_provider_has_no_limits():
    assert not _assess(
        [rules.Slot(d, time(8), time(16)) for d in range(5)], registered=True, main=True
    ).is_breach


def test_fifteen_hours_is_near_the_limit():
    assessment = _assess([rules.Slot(0, time(8), time(15, 30)), rules.Slot(1, time(8), time(15, 30))])
    assert assessment.near_limit and not assessment.is_breach


def _full_time(year=10, looked_after=False, sen="none"):
    return rules.ProviderPupil(weekly_hours=20, year_group=year, looked_after=looked_after, sen_status=sen)


def _provider(pupils):
    return rules.provider_registration_breach(
        pupils, full_time_hours=18, pupil_count=5, needs=["looked_after", "ehcp"]
    )


def test_four_full_time_pupils_is_fine_five_must_register():
    assert _provider([_full_time() for _ in range(4)])[0] is False
    assert _provider([_full_time() for _ in range(5)])[0] is True


def test_one_full_time_pupil_with_an_ehc_plan_or_looked_after_must_register():
    assert _provider([_full_time(sen="ehcp")])[0] is True
    assert _provider([_full_time(looked_after=True)])[0] is True
    assert _provider([_full_time(sen="sen_support")])[0] is False


def test_post_16_and_part_time_pupils_do_not_count_as_full_time():
    pupils = [_full_time(year=12) for _ in range(5)] + [
        rules.ProviderPupil(weekly_hours=18, year_group=10, looked_after=True, sen_status="ehcp")
    ]
    assert _provider(pupils) == (False, 0, 0)
