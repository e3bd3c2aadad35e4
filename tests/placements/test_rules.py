from datetime import date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from apdash.rules import HalfTermDates
from placements.attendance import rules as attendance_rules
from placements.core import rules as core_rules
from placements.visits import rules as visits_rules
from providers import rules as compliance_rules


def test_the_domain_example_upn_is_valid():
    assert core_rules.upn_problem("B801200005001") is None


def test_a_wrong_check_letter_is_refused_with_a_reason():
    assert "check letter" in core_rules.upn_problem("A801200005001")


def test_a_short_upn_says_how_long_it_should_be():
    assert "13 characters" in core_rules.upn_problem("B80120000")


def test_attendance_percentage_counts_approved_education_as_present_and_ignores_not_counted():
    # B, K present; I authorised; N, O unauthorised; D, #, X not possible sessions.
    codes = ["/", "B", "K", "I", "N", "O", "D", "#", "X", "L"]
    assert attendance_rules.attendance_percentage(codes) == round(100 * 4 / 7, 1)


def test_attendance_percentage_is_none_without_possible_sessions():
    assert attendance_rules.attendance_percentage(["#", "D"]) is None


def test_weekly_hours_and_days():
    slots = [
        core_rules.Slot(0, time(9), time(15)),
        core_rules.Slot(0, time(15), time(16, 30)),
        core_rules.Slot(2, time(9), time(12)),
    ]
    assert core_rules.weekly_hours(slots) == 10.5
    assert core_rules.days_per_week(slots) == 2


def test_sessions_of_a_slot_follow_noon():
    assert core_rules.slot_sessions(time(9), time(12)) == ("AM",)
    assert core_rules.slot_sessions(time(12), time(15)) == ("PM",)
    assert core_rules.slot_sessions(time(9), time(15)) == ("AM", "PM")


def test_overlapping_slots_and_out_of_hours_times_are_reported_in_words():
    problems = core_rules.timetable_problems(
        [
            core_rules.Slot(1, time(9), time(12)),
            core_rules.Slot(1, time(11), time(14)),
            core_rules.Slot(3, time(6), time(9)),
        ],
        earliest=time(7),
        latest=time(19),
    )
    messages = [m for _, m in problems]
    assert any("Tuesday: 11:00–14:00 overlaps 09:00–12:00" in m for m in messages)
    assert any("Thursday: times must be between 07:00 and 19:00" in m for m in messages)


def test_back_to_back_slots_do_not_overlap():
    slots = [core_rules.Slot(1, time(9), time(12)), core_rules.Slot(1, time(12), time(15))]
    assert core_rules.timetable_problems(slots, earliest=time(7), latest=time(19)) == []


def test_session_cutoff():
    kw = {"cutoff_am": time(10, 30), "cutoff_pm": time(14, 30)}
    day = date(2026, 11, 23)
    assert not attendance_rules.session_cutoff_passed("AM", day, datetime(2026, 11, 23, 10, 29), **kw)
    assert attendance_rules.session_cutoff_passed("AM", day, datetime(2026, 11, 23, 10, 30), **kw)
    assert not attendance_rules.session_cutoff_passed("PM", day, datetime(2026, 11, 23, 14, 0), **kw)
    assert attendance_rules.session_cutoff_passed("PM", day, datetime(2026, 11, 24, 8, 0), **kw)


LIMITS = core_rules.HoursLimits(full_time_hours=18, max_days=3, warning_hours=15)


def _assess(slots, registered=False, main=False):
    return core_rules.pupil_hours_assessment(
        slots, provider_registered=registered, main_responsibility=main, limits=LIMITS
    )


def test_exactly_18_hours_is_not_a_breach_but_18_and_a_half_is():
    eighteen = [core_rules.Slot(0, time(8), time(17)), core_rules.Slot(1, time(8), time(17))]
    assert _assess(eighteen).limits_breached == ()
    more = eighteen + [core_rules.Slot(1, time(17), time(17, 30))]
    assert _assess(more).limits_breached == ("hours",)


def test_two_days_is_fine_three_days_is_a_breach():
    assert not _assess([core_rules.Slot(d, time(9), time(12)) for d in (0, 1)]).is_breach
    assert _assess([core_rules.Slot(d, time(9), time(12)) for d in (0, 1, 2)]).limits_breached == ("days",)


def test_main_responsibility_at_an_unregistered_provider_is_a_breach():
    assert _assess([core_rules.Slot(0, time(9), time(12))], main=True).limits_breached == (
        "main_responsibility",
    )


def test_a_registered_provider_has_no_limits():
    assert not _assess(
        [core_rules.Slot(d, time(8), time(16)) for d in range(5)], registered=True, main=True
    ).is_breach


def test_fifteen_hours_is_near_the_limit():
    assessment = _assess(
        [core_rules.Slot(0, time(8), time(15, 30)), core_rules.Slot(1, time(8), time(15, 30))]
    )
    assert assessment.near_limit and not assessment.is_breach


def _full_time(school_age=True, looked_after=False, sen="none"):
    return core_rules.ProviderPupil(
        weekly_hours=20, compulsory_school_age=school_age, looked_after=looked_after, sen_status=sen
    )


def _provider(pupils):
    return core_rules.provider_registration_breach(
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
    pupils = [_full_time(school_age=False) for _ in range(5)] + [
        core_rules.ProviderPupil(
            weekly_hours=18, compulsory_school_age=True, looked_after=True, sen_status="ehcp"
        )
    ]
    assert _provider(pupils) == (False, 0, 0)


# --- Recording attendance, follow-ups and visits --------------------------------------------------


def test_attendance_percentage_of_a_hand_counted_half_term():
    # 20 sessions: 11 B + 2 K attended; 2 I authorised; N and O unauthorised; D, # and X not possible.
    codes = ["B"] * 11 + ["K"] * 2 + ["I"] * 2 + ["N", "O", "D", "#", "X"]
    # possible = 20 - 3 = 17; attended = 13; 13 / 17 = 76.47 %
    assert attendance_rules.attendance_percentage(codes) == 76.5
    assert attendance_rules.is_persistent_absence(76.5, threshold=90.0)


def test_authorised_and_unauthorised_absences_both_count_against_attendance():
    assert (
        attendance_rules.attendance_percentage(["B", "I"])
        == attendance_rules.attendance_percentage(["B", "N"])
        == 50.0
    )
    assert attendance_rules.attendance_percentage(["K", "O", "D", "D"]) == 50.0


@given(
    st.lists(st.sampled_from(sorted(attendance_rules.ATTENDANCE_CODES)), min_size=1),
    st.lists(st.sampled_from(["D", "#", "X", "Y1", "Z"])),
)
def test_not_counted_sessions_never_change_the_percentage(codes, not_counted):
    assert attendance_rules.attendance_percentage(
        codes + not_counted
    ) == attendance_rules.attendance_percentage(codes)


def test_exactly_90_percent_attendance_is_persistent_absence():
    # Missing 10 % or more of possible sessions: 90.0 % attendance counts, 90.1 % does not.
    assert attendance_rules.is_persistent_absence(90.0, threshold=90.0)
    assert not attendance_rules.is_persistent_absence(90.1, threshold=90.0)
    assert attendance_rules.is_persistent_absence(89.9, threshold=90.0)
    assert not attendance_rules.is_persistent_absence(None, threshold=90.0)


def test_the_school_code_follows_what_the_provider_reported():
    code = attendance_rules.attendance_code_for
    assert code("attended") == "B" and code("late") == "B"
    assert code("attended", la_arranged=True) == "K"
    assert [
        code("absent", absence_reason=r) for r in ("ill", "medical", "no_contact", "refused", "other")
    ] == [
        "I",
        "M",
        "N",
        "O",
        "O",
    ]
    # Absent from LA-arranged provision is still an absence, not K.
    assert code("absent", absence_reason="ill", la_arranged=True) == "I"


def test_a_register_link_opens_on_its_day_and_the_next_only():
    day = date(2026, 11, 18)
    usable = attendance_rules.register_link_usable
    assert not usable(day, date(2026, 11, 17), grace_days=1)
    assert usable(day, day, grace_days=1) and usable(day, date(2026, 11, 19), grace_days=1)
    assert not usable(day, date(2026, 11, 20), grace_days=1)


def test_elapsed_time_to_follow_up_reads_as_words():
    assert attendance_rules.describe_elapsed(59) == "0 minutes"
    assert attendance_rules.describe_elapsed(60) == "1 minute"
    assert attendance_rules.describe_elapsed(3600) == "1 hour"
    assert attendance_rules.describe_elapsed(3900) == "1 hour 5 minutes"
    assert attendance_rules.describe_elapsed(2 * 86400 + 10) == "2 days"
    assert attendance_rules.describe_elapsed(-30) == "0 minutes"


def test_visit_coverage_is_seen_due_or_missed_by_half_term():
    term = {
        "term_start": date(2026, 11, 2),
        "term_end": date(2026, 12, 18),
        "placement_start": date(2026, 9, 7),
    }
    cover = visits_rules.visit_coverage
    assert cover(seen=True, placement_end=None, today=date(2026, 11, 20), **term) == visits_rules.SEEN
    assert cover(seen=False, placement_end=None, today=date(2026, 11, 20), **term) == visits_rules.DUE
    assert cover(seen=False, placement_end=None, today=date(2027, 1, 10), **term) == visits_rules.MISSED
    assert cover(seen=False, placement_end=None, today=date(2026, 10, 1), **term) is None
    assert cover(seen=False, placement_end=date(2026, 10, 20), today=date(2027, 1, 10), **term) is None


def test_trend_points_leave_gaps_for_weeks_without_sessions():
    assert attendance_rules.trend_polyline([100.0, None, 50.0], width=100, height=20) == "0.0,0.0 100.0,10.0"
    assert attendance_rules.trend_polyline([], width=100, height=20) == ""


# --- Compliance check rules: visits, registers, audits ---------------------------------------------

AUTUMN_1 = HalfTermDates(1, date(2026, 9, 2), date(2026, 10, 23))
AUTUMN_2 = HalfTermDates(2, date(2026, 11, 2), date(2026, 12, 18))


def _weekdays(start, end):
    days, day = [], start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _visit_gaps(visits=(), today=date(2026, 11, 23), start=date(2026, 9, 7), end=None, weekdays=(0,)):
    return visits_rules.visit_gaps(
        start=start,
        end=end,
        weekdays=weekdays,
        school_days=_weekdays(AUTUMN_1.start, AUTUMN_1.end) + _weekdays(AUTUMN_2.start, AUTUMN_2.end),
        half_terms=[AUTUMN_1, AUTUMN_2],
        visit_dates=visits,
        today=today,
        warning_school_days=10,
    )


def test_a_visit_in_the_wrong_half_term_does_not_meet_the_earlier_one():
    assert _visit_gaps(visits=[date(2026, 11, 3)]) == [
        visits_rules.VisitGap(1, overdue=True, school_days_left=0)
    ]


def test_a_visit_dated_inside_the_half_term_meets_it():
    assert _visit_gaps(visits=[date(2026, 10, 23)]) == []


def test_the_current_half_term_is_due_from_ten_school_days_left_today_included():
    seen = [date(2026, 10, 1)]
    assert _visit_gaps(visits=seen, today=date(2026, 12, 4)) == []
    assert _visit_gaps(visits=seen, today=date(2026, 12, 7)) == [visits_rules.VisitGap(2, False, 10)]


def test_a_placement_not_scheduled_on_any_school_day_of_a_half_term_needs_no_visit_there():
    # Active only over the October holiday, and on Mondays only.
    assert _visit_gaps(start=date(2026, 10, 24), end=date(2026, 11, 1)) == []


def test_an_ended_placement_needs_no_visit_in_later_half_terms():
    gaps = _visit_gaps(end=date(2026, 10, 9), today=date(2026, 12, 10))
    assert gaps == [visits_rules.VisitGap(1, overdue=True, school_days_left=0)]


CUTOFFS = {"cutoff_am": time(10, 30), "cutoff_pm": time(14, 30)}
MONDAY = date(2026, 11, 23)


def _attendance_gaps(marks=None, now=datetime(2026, 11, 23, 18), days=(MONDAY,), end=None):
    return attendance_rules.attendance_gaps(
        slots=[core_rules.Slot(0, time(9), time(15))],
        start=date(2026, 11, 2),
        end=end,
        days=days,
        marks=marks or {},
        now=now,
        **CUTOFFS,
    )


def test_each_scheduled_session_past_its_cut_off_needs_a_mark():
    assert [(g.session, g.kind) for g in _attendance_gaps()] == [
        ("AM", attendance_rules.MISSING_MARK),
        ("PM", attendance_rules.MISSING_MARK),
    ]


def test_no_gap_before_the_cut_off():
    assert _attendance_gaps(now=datetime(2026, 11, 23, 10, 29)) == []
    assert [g.session for g in _attendance_gaps(now=datetime(2026, 11, 23, 14, 29))] == ["AM"]


def test_a_day_that_is_not_a_school_day_needs_no_mark():
    # The caller passes school days only: a closure day is simply not among them.
    assert _attendance_gaps(days=()) == []


def test_an_ended_placement_needs_no_mark_after_it_ended():
    assert _attendance_gaps(end=date(2026, 11, 20)) == []


def test_an_n_or_o_mark_without_a_follow_up_is_unexplained_and_other_codes_are_fine():
    marks = {(MONDAY, "AM"): ("N", False), (MONDAY, "PM"): ("O", True)}
    assert [(g.session, g.kind, g.code) for g in _attendance_gaps(marks)] == [
        ("AM", attendance_rules.UNEXPLAINED_ABSENCE, "N")
    ]
    assert _attendance_gaps({(MONDAY, "AM"): ("I", False), (MONDAY, "PM"): ("B", False)}) == []


def test_an_audit_a_year_old_is_current_a_day_more_is_not():
    today = date(2026, 11, 23)
    insured = date(2027, 1, 1)
    ok = compliance_rules.audit_problems(
        audited_on=date(2025, 11, 23), insurance_expires_on=insured, today=today, max_age_days=365
    )
    old = compliance_rules.audit_problems(
        audited_on=date(2025, 11, 22), insurance_expires_on=insured, today=today, max_age_days=365
    )
    assert ok == [] and [code for code, _ in old] == ["audit_expired"]


def test_missing_audits_and_lapsed_or_unrecorded_insurance_are_problems():
    today = date(2026, 11, 23)

    def codes(**kw):
        return [code for code, _ in compliance_rules.audit_problems(today=today, max_age_days=365, **kw)]

    assert codes(audited_on=None, insurance_expires_on=None) == ["audit_missing"]
    assert codes(audited_on=today, insurance_expires_on=date(2026, 11, 22)) == ["insurance_expired"]
    assert codes(audited_on=today, insurance_expires_on=today) == []
    assert codes(audited_on=today, insurance_expires_on=None) == ["insurance_unknown"]


def test_a_placement_is_judged_on_today_moved_inside_its_dates():
    today = date(2026, 11, 23)
    assert core_rules.hours_reference_day(date(2026, 9, 1), None, today=today) == today
    assert core_rules.hours_reference_day(date(2027, 1, 4), None, today=today) == date(2027, 1, 4)
    assert core_rules.hours_reference_day(date(2026, 9, 1), date(2026, 10, 16), today=today) == date(
        2026, 10, 16
    )
    assert core_rules.hours_reference_day(None, None, today=today) == today


def test_identical_slots_are_each_reported_once_not_once_per_pair():
    slots = [core_rules.Slot(1, time(9), time(9, 1))] * 300
    problems = core_rules.timetable_problems(slots, earliest=time(7), latest=time(19))
    assert len(problems) == 299
    assert sorted(index for index, _ in problems) == list(range(1, 300))


def test_a_slot_inside_a_long_one_is_reported_even_after_a_short_one_in_between():
    slots = [
        core_rules.Slot(0, time(9), time(15)),
        core_rules.Slot(0, time(10), time(11)),
        core_rules.Slot(0, time(13), time(14)),
        core_rules.Slot(1, time(9), time(10)),
    ]
    problems = core_rules.timetable_problems(slots, earliest=time(7), latest=time(19))
    assert sorted(problems) == [
        (1, "Monday: 10:00–11:00 overlaps 09:00–15:00."),
        (2, "Monday: 13:00–14:00 overlaps 09:00–15:00."),
    ]


def test_more_slots_than_the_cap_is_one_problem():
    slots = [core_rules.Slot(day % 5, time(9), time(10)) for day in range(11)]
    problems = core_rules.timetable_problems(slots, earliest=time(7), latest=time(19), max_slots=10)
    assert problems == [(10, "A placement has at most 10 timetable slots a week, not 11.")]
