"""Unit tests that pin each rule the issue 18 review found unpinned (mutants that survived): the
code table row by row, the follow-up codes, register statuses, slot arithmetic on Mondays,
Fridays and half hours, active on the last day, half-term edges, and the boundaries of the new
rules (persistent absence, N codes, ended sessions, school age)."""

from datetime import date, datetime, time

import pytest

from placements.attendance import rules as att
from placements.core import rules as core
from placements.visits import rules as visits
from safeguarding import rules as sg

# domain.md "Attendance", row by row.
GROUPS = {
    att.PRESENT: {"/", "\\", "L"},
    att.APPROVED_EDUCATION: {"B", "K", "V", "P", "W"},
    att.AUTHORISED: {"C1", "C2", "C", "M", "J1", "S", "T", "R", "I", "E"},
    att.UNAUTHORISED: {"G", "N", "O", "U"},
    att.UNABLE_TO_ATTEND: {"Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7"},
    att.NOT_COUNTED: {"D", "X", "Z", "#"},
}


@pytest.mark.parametrize("group, code", [(g, c) for g, codes in GROUPS.items() for c in sorted(codes)])
def test_each_code_is_in_its_domain_group(group, code):
    assert att.attendance_group(code) == group
    assert att.counts_as_attending(code) is (group in (att.PRESENT, att.APPROVED_EDUCATION))
    assert att.is_absence(code) is (group in (att.AUTHORISED, att.UNAUTHORISED))
    assert att.is_possible_session(code) is (group not in (att.UNABLE_TO_ATTEND, att.NOT_COUNTED))
    assert att.needs_follow_up(code) is (group in (att.AUTHORISED, att.UNAUTHORISED))


def test_the_table_has_every_2024_code_and_no_other():
    assert set(att.ATTENDANCE_CODES) == set().union(*GROUPS.values())


def test_a_codes_meaning_names_its_group():
    assert att.code_meaning("Q") == (
        "Unable to attend: lack of access arrangements (unable to attend (not a possible session))"
    )
    assert att.code_meaning("B").endswith("(attending approved education (counts as present))")


def test_a_missing_mark_needs_a_follow_up():
    assert att.needs_follow_up(None)


@pytest.mark.parametrize("code", ["N", "O", "U"])
def test_n_o_and_u_need_a_follow_up_until_one_reaches_someone(code):
    assert att.is_unexplained(code, followed_up=False)
    assert not att.is_unexplained(code, followed_up=True)


@pytest.mark.parametrize("code", ["G", "I", "B", "/"])
def test_other_codes_are_never_unexplained(code):
    assert not att.is_unexplained(code, followed_up=False)


def test_not_yet_contacted_is_not_a_follow_up():
    assert not att.is_followed_up([])
    assert not att.is_followed_up([att.STILL_TO_CONTACT])
    assert att.is_followed_up([att.STILL_TO_CONTACT, "reached_parent"])


def test_register_status_for_a_code():
    assert att.register_status_for("B") == att.ATTENDED
    assert att.register_status_for("L", minutes_late=10) == att.LATE
    assert att.register_status_for("/", minutes_late=0) == att.ATTENDED
    assert att.register_status_for("I") == att.ABSENT
    assert att.register_status_for("Q") == att.ABSENT


def test_attended_is_b_and_k_only_where_the_la_arranged_it():
    assert att.attendance_code_for(att.ATTENDED) == "B"
    assert att.attendance_code_for(att.LATE) == "B"
    assert att.attendance_code_for(att.ATTENDED, la_arranged=True) == "K"
    assert att.attendance_code_for(att.ABSENT, absence_reason="ill") == "I"
    assert att.attendance_code_for(att.ABSENT, absence_reason="refused") == "O"
    with pytest.raises(ValueError):
        att.attendance_code_for(att.ABSENT, absence_reason="bored")
    with pytest.raises(ValueError):
        att.attendance_code_for("elsewhere")


def test_persistent_absence_at_exactly_ten_percent_missed():
    codes = ["B"] * 9 + ["O"]
    assert att.attendance_percentage(codes, places=None) == 90.0
    assert att.is_persistent_absence(att.attendance_percentage(codes, places=None), threshold=90.0)
    better = ["B"] * 91 + ["O"] * 9
    assert not att.is_persistent_absence(att.attendance_percentage(better, places=None), threshold=90.0)
    assert not att.is_persistent_absence(None, threshold=90.0)


def test_unable_to_attend_and_not_counted_sessions_are_not_possible_sessions():
    assert att.attendance_percentage(["B", "Q", "Y1", "D", "#"]) == 100.0
    assert att.attendance_percentage(["Q", "X"]) is None
    assert att.attendance_percentage(["B", "B", "O"]) == 66.7
    assert att.attendance_percentage(["B", "B", "O"], places=None) == pytest.approx(200 / 3)


def test_an_n_code_is_overdue_after_more_than_the_allowed_school_days():
    days = [date(2026, 11, d) for d in (16, 17, 18, 19, 20, 23, 24)]
    assert not att.n_code_overdue(date(2026, 11, 16), school_days=days, today=date(2026, 11, 23), limit=5)
    assert att.n_code_overdue(date(2026, 11, 16), school_days=days, today=date(2026, 11, 24), limit=5)


def test_a_session_has_ended_by_the_schools_own_times():
    day = date(2026, 11, 25)
    ends = {"am_end": time(12, 0), "pm_end": time(15, 15)}
    assert att.session_ended("AM", day, datetime(2026, 11, 25, 12, 0), **ends)
    assert not att.session_ended("AM", day, datetime(2026, 11, 25, 11, 59), **ends)
    assert not att.session_ended("PM", day, datetime(2026, 11, 25, 15, 14), **ends)
    assert att.session_ended("PM", day, datetime(2026, 11, 25, 15, 15), **ends)
    assert att.session_ended("PM", day, datetime(2026, 11, 26, 8, 0), **ends)
    assert not att.session_ended("AM", day, datetime(2026, 11, 24, 23, 0), **ends)


def test_register_cutoffs():
    kw = {"cutoff_am": time(10, 30), "cutoff_pm": time(14, 30)}
    day = date(2026, 11, 25)
    assert att.session_cutoff_passed("AM", day, datetime(2026, 11, 25, 10, 30), **kw)
    assert not att.session_cutoff_passed("AM", day, datetime(2026, 11, 25, 10, 29), **kw)
    assert not att.session_cutoff_passed("PM", day, datetime(2026, 11, 25, 14, 29), **kw)
    assert att.session_cutoff_passed("PM", day, datetime(2026, 11, 26, 0, 1), **kw)
    assert not att.session_cutoff_passed("AM", day, datetime(2026, 11, 24, 23, 0), **kw)


def test_a_register_link_opens_on_its_day_and_closes_after_the_grace_days():
    day = date(2026, 11, 25)
    assert not att.register_link_usable(day, date(2026, 11, 24), grace_days=1)
    assert att.register_link_usable(day, day, grace_days=1)
    assert att.register_link_usable(day, date(2026, 11, 26), grace_days=1)
    assert not att.register_link_usable(day, date(2026, 11, 27), grace_days=1)


def test_follow_up_time_is_never_negative_and_in_words():
    first = datetime(2026, 11, 25, 9, 0)
    assert att.follow_up_seconds(first, datetime(2026, 11, 25, 8, 0)) == 0.0
    assert att.follow_up_seconds(first, datetime(2026, 11, 25, 9, 45)) == 2700.0
    assert att.describe_elapsed(60) == "1 minute"
    assert att.describe_elapsed(2700) == "45 minutes"
    assert att.describe_elapsed(3600) == "1 hour"
    assert att.describe_elapsed(7500) == "2 hours 5 minutes"
    assert att.describe_elapsed(86400 * 3) == "3 days"
    assert att.describe_elapsed(86400) == "1 day"


# --- Slots, hours and when a placement runs -------------------------------------------------------


def test_slots_starting_at_half_past_sum_correctly_on_monday_and_friday():
    slots = [core.Slot(0, time(9, 30), time(12, 0)), core.Slot(4, time(13, 30), time(15, 0))]
    assert core.weekly_hours(slots) == 4.0
    assert core.days_per_week(slots) == 2


def test_overlapping_and_touching_slots_are_a_union():
    slots = [
        core.Slot(0, time(9), time(12)),
        core.Slot(0, time(11), time(13)),
        core.Slot(0, time(13), time(14)),
        core.Slot(4, time(9), time(10)),
    ]
    assert core.weekly_hours(slots) == 6.0


def test_a_slot_across_the_schools_lunch_covers_both_sessions():
    assert core.slot_sessions(time(9), time(12)) == ("AM",)
    assert core.slot_sessions(time(12), time(15)) == ("PM",)
    assert core.slot_sessions(time(9), time(12, 30), am_end=time(11, 45), pm_start=time(12, 15)) == (
        "AM",
        "PM",
    )
    assert core.slot_sessions(time(11, 45), time(12, 15), am_end=time(11, 45), pm_start=time(12, 15)) == ()


def test_a_placement_is_active_on_its_first_and_last_days_only():
    start, end = date(2026, 9, 7), date(2026, 12, 18)
    assert core.is_active_on(start, end, start) and core.is_active_on(start, end, end)
    assert not core.is_active_on(start, end, date(2026, 9, 6))
    assert not core.is_active_on(start, end, date(2026, 12, 19))
    assert core.is_active_on(start, None, date(2030, 1, 1))
    assert core.is_active_between(start, end, date(2026, 12, 18), None)
    assert not core.is_active_between(start, end, date(2026, 12, 19), None)
    assert core.is_active_between(start, end, date(2026, 8, 1), date(2026, 9, 7))
    assert not core.is_active_between(start, end, date(2026, 8, 1), date(2026, 9, 6))


@pytest.mark.parametrize(
    "birthday, last_day",
    [
        # Turns 16 on 31 August 2027: school age ends on the last Friday of June 2027.
        (date(2011, 8, 31), date(2027, 6, 25)),
        # Turns 16 on 1 September 2027 (next school year): June 2028.
        (date(2011, 9, 1), date(2028, 6, 30)),
        (date(2012, 2, 29), date(2028, 6, 30)),
    ],
)
def test_compulsory_school_age_ends_on_the_last_friday_in_june_of_the_year_they_turn_16(birthday, last_day):
    assert core.compulsory_school_age_ends(birthday) == last_day
    assert core.is_compulsory_school_age(birthday, last_day)
    assert not core.is_compulsory_school_age(birthday, date.fromordinal(last_day.toordinal() + 1))


def test_the_needs_that_count_are_named_from_the_setting():
    assert core.describe_needs(["looked_after", "ehcp"]) == "looked after or with an EHC plan"
    assert core.describe_needs(["looked_after", "ehcp", "sen_support"]) == (
        "looked after, with an EHC plan or with SEN"
    )
    assert core.describe_needs(["ehcp"]) == "with an EHC plan"


# --- Visits ---------------------------------------------------------------------------------------

TERM = (date(2026, 9, 2), date(2026, 10, 23))


@pytest.mark.parametrize(
    "start, end, today, seen, expected",
    [
        (date(2026, 10, 23), None, date(2026, 11, 2), False, visits.MISSED),  # starts on the last day
        (date(2026, 10, 24), None, date(2026, 11, 2), False, None),  # starts after it
        (date(2026, 1, 1), date(2026, 9, 2), date(2026, 11, 2), False, visits.MISSED),  # ends on the first
        (date(2026, 1, 1), date(2026, 9, 1), date(2026, 11, 2), False, None),  # ends before it
        (date(2026, 9, 7), None, date(2026, 10, 23), False, visits.DUE),  # its last day: still due
        (date(2026, 9, 7), None, date(2026, 10, 24), False, visits.MISSED),
        (date(2026, 9, 7), None, date(2026, 9, 1), False, None),  # not started
        (date(2026, 9, 7), None, date(2026, 9, 1), True, visits.SEEN),
    ],
)
def test_visit_coverage_at_the_edges_of_a_half_term(start, end, today, seen, expected):
    assert (
        visits.visit_coverage(
            seen=seen,
            term_start=TERM[0],
            term_end=TERM[1],
            placement_start=start,
            placement_end=end,
            today=today,
        )
        == expected
    )


@pytest.mark.parametrize(
    "weekdays, expected",
    [((0,), None), ((4,), visits.MISSED), ((), visits.MISSED)],
)
def test_coverage_owes_a_visit_only_where_the_timetable_met_a_school_day_while_it_ran(weekdays, expected):
    # From Tuesday 20 October to the half term's last day, Friday 23rd: no Monday in it.
    days = [date.fromordinal(n) for n in range(TERM[0].toordinal(), TERM[1].toordinal() + 1)]
    coverage = visits.visit_coverage(
        seen=False,
        term_start=TERM[0],
        term_end=TERM[1],
        placement_start=date(2026, 10, 20),
        placement_end=None,
        today=date(2026, 11, 2),
        weekdays=weekdays,
        school_days=[d for d in days if d.weekday() < 5],
    )
    assert coverage == expected


def _gaps(visit_dates, today, weekdays=(0,), warning=10):
    from apdash.rules import HalfTermDates

    days = [date.fromordinal(n) for n in range(TERM[0].toordinal(), TERM[1].toordinal() + 1)]
    school_days = [d for d in days if d.weekday() < 5]
    return visits.visit_gaps(
        start=date(2026, 9, 7),
        end=None,
        weekdays=weekdays,
        school_days=school_days,
        half_terms=[HalfTermDates(1, *TERM)],
        visit_dates=visit_dates,
        today=today,
        warning_school_days=warning,
    )


def test_a_visit_on_the_first_or_last_day_of_the_half_term_counts():
    assert _gaps([TERM[0]], date(2026, 11, 2)) == []
    assert _gaps([TERM[1]], date(2026, 11, 2)) == []
    assert _gaps([date(2026, 10, 24)], date(2026, 11, 2)) == [
        visits.VisitGap(1, overdue=True, school_days_left=0)
    ]


def test_the_visit_is_due_once_the_warning_days_remain():
    # 19–23 October: 5 school days left on the 19th.
    assert _gaps([], date(2026, 10, 19), warning=5) == [visits.VisitGap(1, overdue=False, school_days_left=5)]
    assert _gaps([], date(2026, 10, 16), warning=5) == []
    assert _gaps([], date(2026, 10, 23), warning=5) == [visits.VisitGap(1, overdue=False, school_days_left=1)]


def test_no_timetable_still_needs_a_visit_and_a_friday_timetable_is_counted():
    assert _gaps([], date(2026, 11, 2), weekdays=()) == [visits.VisitGap(1, overdue=True, school_days_left=0)]
    assert _gaps([], date(2026, 11, 2), weekdays=(4,)) == [
        visits.VisitGap(1, overdue=True, school_days_left=0)
    ]


# --- Safeguarding ---------------------------------------------------------------------------------


def test_a_risk_assessment_is_current_only_when_approved_and_not_past_review():
    today = date(2026, 11, 23)
    assert sg.risk_assessment_current(approved=True, review_date=today, today=today)
    assert not sg.risk_assessment_current(approved=True, review_date=date(2026, 11, 22), today=today)
    assert not sg.risk_assessment_current(approved=False, review_date=date(2027, 1, 1), today=today)


def test_a_half_term_starting_today_is_already_due_when_not_seen():
    assert (
        visits.visit_coverage(
            seen=False,
            term_start=TERM[0],
            term_end=TERM[1],
            placement_start=date(2026, 9, 1),
            placement_end=None,
            today=TERM[0],
        )
        == visits.DUE
    )
    assert _gaps([], TERM[0], warning=100) == [visits.VisitGap(1, overdue=False, school_days_left=38)]


@pytest.mark.parametrize(
    "day", [date(2026, 9, 7), date(2026, 9, 8), date(2026, 9, 9), date(2026, 9, 10), date(2026, 9, 11)]
)
def test_a_one_day_placement_with_no_timetable_needs_its_visit_whatever_the_weekday(day):
    from apdash.rules import HalfTermDates

    gaps = visits.visit_gaps(
        start=day,
        end=day,
        weekdays=(),
        school_days=[day],
        half_terms=[HalfTermDates(1, *TERM)],
        visit_dates=[],
        today=date(2026, 11, 2),
        warning_school_days=10,
    )
    assert gaps == [visits.VisitGap(1, overdue=True, school_days_left=0)]


def test_a_placement_only_on_the_first_day_of_a_half_term_needs_its_visit():
    from apdash.rules import HalfTermDates

    gaps = visits.visit_gaps(
        start=TERM[0],
        end=TERM[0],
        weekdays=(TERM[0].weekday(),),
        school_days=[TERM[0]],
        half_terms=[HalfTermDates(1, *TERM)],
        visit_dates=[],
        today=date(2026, 11, 2),
        warning_school_days=10,
    )
    assert [g.half_term_id for g in gaps] == [1]


def test_a_visited_half_term_does_not_hide_the_next_missed_one():
    from apdash.rules import HalfTermDates

    autumn2 = (date(2026, 11, 2), date(2026, 12, 18))
    school_days = [
        date.fromordinal(n)
        for n in range(TERM[0].toordinal(), autumn2[1].toordinal() + 1)
        if date.fromordinal(n).weekday() < 5
    ]
    gaps = visits.visit_gaps(
        start=date(2026, 9, 7),
        end=None,
        weekdays=(0,),
        school_days=school_days,
        half_terms=[HalfTermDates(1, *TERM), HalfTermDates(2, *autumn2)],
        visit_dates=[date(2026, 10, 5)],
        today=date(2027, 1, 5),
        warning_school_days=10,
    )
    assert gaps == [visits.VisitGap(2, overdue=True, school_days_left=0)]


def test_a_concern_is_overdue_only_once_its_time_has_fully_passed():
    from datetime import timedelta

    raised = datetime(2026, 11, 9, 10, 0)
    hours = {"urgent": 1, "other": 24}
    assert not sg.acknowledgement_overdue(raised, "urgent", now=raised + timedelta(hours=1), hours=hours)
    assert sg.acknowledgement_overdue(
        raised, "urgent", now=raised + timedelta(hours=1, seconds=1), hours=hours
    )
    assert not sg.acknowledgement_overdue(raised, "routine", now=raised + timedelta(hours=24), hours=hours)


def test_a_concern_drafted_from_a_follow_up_carries_its_note():
    draft = sg.concern_draft_from_follow_up(
        provider="Forge",
        absence_date=date(2026, 11, 9),
        session="AM",
        code="O",
        code_meaning="Absent in other or unknown circumstances",
        contacted="Mum by phone",
        contacted_at=datetime(2026, 11, 9, 9, 40),
        outcome="Escalated",
        note="Said he had not been home last night.",
    )
    assert draft.splitlines()[-1] == "Follow-up note: Said he had not been home last night."


def test_the_attendance_summary_a_review_starts_from():
    codes = ["B", "B", "I", "O", "D"]
    assert att.attendance_summary(codes, since=date(2026, 9, 7), until=date(2026, 11, 23)) == (
        "50% of 4 possible sessions since 7 September 2026; 2 absences, 1 unauthorised."
    )
    assert att.attendance_summary(["B", "I"], since=None, until=date(2026, 11, 23)) == (
        "50% of 2 possible sessions up to 23 November 2026; 1 absence, 0 unauthorised."
    )
    assert att.attendance_summary(["Q"], since=None, until=date(2026, 11, 23)) == (
        "No attendance recorded up to 23 November 2026."
    )


def test_a_trend_line_of_one_value_and_a_scaled_top():
    assert att.trend_polyline([80.0], width=100, height=20) == "0.0,4.0"
    assert att.trend_polyline([50.0, 25.0], width=60, height=10, top=50.0) == "0.0,0.0 60.0,5.0"


def test_a_half_term_before_the_placement_started_does_not_hide_a_later_missed_one():
    from apdash.rules import HalfTermDates

    autumn2 = (date(2026, 11, 2), date(2026, 12, 18))
    school_days = [
        date.fromordinal(n)
        for n in range(TERM[0].toordinal(), autumn2[1].toordinal() + 1)
        if date.fromordinal(n).weekday() < 5
    ]
    gaps = visits.visit_gaps(
        start=date(2026, 11, 2),
        end=None,
        weekdays=(0,),
        school_days=school_days,
        half_terms=[HalfTermDates(1, *TERM), HalfTermDates(2, *autumn2)],
        visit_dates=[],
        today=date(2027, 1, 5),
        warning_school_days=10,
    )
    assert gaps == [visits.VisitGap(2, overdue=True, school_days_left=0)]


def test_reviews_are_owed_only_for_half_terms_the_placement_ran_in():
    from apdash.rules import HalfTermDates
    from placements.plans import rules as plans

    autumn2 = (date(2026, 11, 2), date(2026, 12, 18))
    school_days = [
        date.fromordinal(n)
        for n in range(TERM[0].toordinal(), autumn2[1].toordinal() + 1)
        if date.fromordinal(n).weekday() < 5
    ]
    owed = plans.review_overdue_half_terms(
        start=date(2026, 9, 7),
        end=date(2026, 10, 16),
        weekdays=(0,),
        school_days=school_days,
        half_terms=[HalfTermDates(1, *TERM), HalfTermDates(2, *autumn2)],
        review_dates=[],
        today=date(2027, 1, 5),
    )
    assert owed == [1]


def test_every_milestone_past_its_target_is_counted():
    from placements.plans import rules as plans

    progress = plans.milestone_rollup(
        [
            (plans.ON_TRACK, date(2026, 10, 1)),
            (plans.NOT_STARTED, date(2026, 10, 2)),
            (plans.MET, date(2026, 9, 1)),
        ],
        today=date(2026, 11, 23),
    )
    assert progress.past_target == 2 and progress.overall == plans.AT_RISK


def _gaps_on(days, marks=None):
    return att.attendance_gaps(
        slots=[core.Slot(0, time(9), time(15))],  # Mondays
        start=date(2026, 11, 9),
        end=None,
        days=days,
        marks=marks or {},
        now=datetime(2026, 11, 30, 18),
        cutoff_am=time(10, 30),
        cutoff_pm=time(14, 30),
    )


def test_registers_owed_skip_days_before_the_start_and_unscheduled_weekdays():
    days = [date(2026, 11, 2), date(2026, 11, 10), date(2026, 11, 16)]  # before start; a Tuesday; a Monday
    gaps = _gaps_on(days, marks={(date(2026, 11, 16), "PM"): ("N", False)})
    assert gaps == [
        att.AttendanceGap(date(2026, 11, 16), "AM", att.MISSING_MARK),
        att.AttendanceGap(date(2026, 11, 16), "PM", att.UNEXPLAINED_ABSENCE, code="N"),
    ]


def test_unknown_statuses_and_reasons_are_named_in_the_error():
    with pytest.raises(ValueError, match="Unknown absence reason 'bored'"):
        att.attendance_code_for(att.ABSENT, absence_reason="bored")
    with pytest.raises(ValueError, match="Unknown register status 'elsewhere'"):
        att.attendance_code_for("elsewhere")


def test_elapsed_time_words_for_one_and_two_minutes_past_the_hour():
    assert att.describe_elapsed(3660) == "1 hour 1 minute"
    assert att.describe_elapsed(3720) == "1 hour 2 minutes"
    assert att.describe_elapsed(7200) == "2 hours"


def test_trend_points_are_rounded_to_one_decimal_place():
    assert att.trend_polyline([100.0, 100.0, 100.0, 33.33], width=100, height=20) == (
        "0.0,0.0 33.3,0.0 66.7,0.0 100.0,13.3"
    )


# --- Core: timetables, clashes and words ----------------------------------------------------------


def test_slot_hours_count_minutes():
    assert core.slot_hours(time(9, 30), time(12, 15)) == 2.75
    assert core.Slot(0, time(13, 45), time(15, 0)).hours == 1.25


def test_timetable_problems_in_words_with_their_slot():
    bounds = {"earliest": time(7), "latest": time(19)}
    assert core.timetable_problems([core.Slot(5, time(9), time(10))], **bounds) == [
        (0, "Choose a weekday from Monday to Friday.")
    ]
    assert core.timetable_problems([core.Slot(-1, time(9), time(10))], **bounds) == [
        (0, "Choose a weekday from Monday to Friday.")
    ]
    assert core.timetable_problems([core.Slot(0, time(10), time(10))], **bounds) == [
        (0, "Monday: the end time must be after the start time.")
    ]
    assert core.timetable_problems([core.Slot(4, time(6, 59), time(10))], **bounds) == [
        (0, "Friday: times must be between 07:00 and 19:00.")
    ]
    assert core.timetable_problems([core.Slot(4, time(17), time(19, 1))], **bounds) == [
        (0, "Friday: times must be between 07:00 and 19:00.")
    ]
    assert core.timetable_problems([core.Slot(4, time(7), time(19))], **bounds) == []
    overlapping = [
        core.Slot(1, time(9), time(12)),
        core.Slot(2, time(9), time(12)),
        core.Slot(1, time(11), time(13)),
    ]
    assert core.timetable_problems(overlapping, **bounds) == [
        (2, "Tuesday: 11:00–13:00 overlaps 09:00–12:00.")
    ]
    touching = [core.Slot(1, time(9), time(12)), core.Slot(1, time(12), time(13))]
    assert core.timetable_problems(touching, **bounds) == []
    backwards = [core.Slot(1, time(9), time(12)), core.Slot(1, time(11), time(10))]
    assert core.timetable_problems(backwards, **bounds) == [
        (1, "Tuesday: the end time must be after the start time.")
    ]


def test_a_breach_in_words():
    from apdash.thresholds import HoursLimits

    limits = HoursLimits(full_time_hours=18.0, max_days=3, warning_hours=15.0)
    every = core.HoursAssessment(
        weekly_hours=19.5, days=4, limits_breached=("hours", "days", "main_responsibility"), near_limit=False
    )
    assert core.describe_hours_breach(every, limits) == (
        "At an unregistered provider: 19.5 hours a week (more than 18); 4 days a week (3 or more); "
        "the provider has main responsibility for the pupil's programme."
    )
    days_only = core.HoursAssessment(weekly_hours=9, days=3, limits_breached=("days",), near_limit=False)
    assert (
        core.describe_hours_breach(days_only, limits)
        == "At an unregistered provider: 3 days a week (3 or more)."
    )
    near = core.HoursAssessment(weekly_hours=16, days=2, limits_breached=(), near_limit=True)
    assert core.describe_near_limit(near, limits) == (
        "16 hours a week at an unregistered provider: close to the 18-hour limit."
    )


def test_the_reference_day_is_today_moved_inside_the_placement():
    today = date(2026, 11, 23)
    assert core.hours_reference_day(date(2026, 12, 1), None, today=today) == date(2026, 12, 1)
    assert core.hours_reference_day(date(2026, 9, 1), date(2026, 10, 1), today=today) == date(2026, 10, 1)
    assert core.hours_reference_day(date(2026, 11, 23), date(2026, 11, 23), today=today) == today
    assert core.hours_reference_day(None, None, today=today) == today


def _arrangement(id, start, end, *slots):
    return core.Arrangement(id=id, start=start, end=end, slots=tuple(slots))


def test_clashes_only_on_days_both_placements_run():
    monday = core.Slot(0, time(9), time(12))
    tuesday = core.Slot(1, time(9), time(12))
    candidate = _arrangement(1, date(2026, 11, 16), date(2026, 11, 16), monday, tuesday)  # a Monday only
    other = _arrangement(
        2, date(2026, 11, 16), None, core.Slot(0, time(11), time(13)), core.Slot(1, time(9), time(10))
    )
    clashes = core.timetable_clashes(candidate, [other])
    assert [(c.slot, c.other_slot) for c in clashes] == [(monday, core.Slot(0, time(11), time(13)))]
    # Touching is not overlapping; an earlier placement that ended the day before never clashes.
    assert (
        core.timetable_clashes(
            candidate, [_arrangement(3, date(2026, 9, 1), None, core.Slot(0, time(12), time(14)))]
        )
        == []
    )
    assert (
        core.timetable_clashes(candidate, [_arrangement(4, date(2026, 9, 1), date(2026, 11, 15), monday)])
        == []
    )
    # Two open-ended placements share every weekday.
    open_ended = _arrangement(5, date(2026, 11, 17), None, tuesday)
    assert len(core.timetable_clashes(_arrangement(6, date(2026, 11, 16), None, tuesday), [open_ended])) == 1
    # Sharing Monday to Tuesday only: a Friday slot cannot clash.
    friday = core.Slot(4, time(9), time(12))
    short = _arrangement(7, date(2026, 11, 16), date(2026, 11, 17), friday, tuesday)
    assert [
        c.slot
        for c in core.timetable_clashes(short, [_arrangement(8, date(2026, 11, 1), None, friday, tuesday)])
    ] == [tuesday]


def test_a_clash_in_words():
    other = _arrangement(2, date(2026, 9, 7), None, core.Slot(0, time(11), time(13)))
    clash = core.Clash(core.Slot(0, time(9), time(12)), other, core.Slot(0, time(11), time(13)))
    assert core.describe_clash(clash, setting="Forge") == (
        "Monday 09:00–12:00 clashes with 11:00–13:00 at Forge (the placement from 7 September 2026): "
        "a pupil cannot be in two places at once."
    )


def test_a_upn_from_its_parts():
    from stdnum.gb import upn as stdnum_upn  # an independent implementation

    assert core.upn_for(la_code="801", establishment="2000", year=2000, serial=1) == (
        stdnum_upn.calc_check_digit("801200000001") + "801200000001"
    )
    assert core.upn_for(la_code="801", establishment="2000", year=5, serial=1) == "B801200005001"


def test_a_birthday_on_29_february_falls_on_1_march_in_a_common_year():
    assert core._add_years(date(2012, 2, 29), 16) == date(2028, 2, 29)
    assert core._add_years(date(2012, 2, 29), 15) == date(2027, 3, 1)
    assert core._add_years(date(2011, 3, 27), 16) == date(2027, 3, 27)


def test_contained_slots_on_one_day_count_once():
    slots = [
        core.Slot(2, time(9), time(15)),
        core.Slot(2, time(10), time(11)),
        core.Slot(2, time(15, 30), time(16)),
    ]
    assert core.weekly_hours(slots) == 6.5
    assert core.weekly_hours([]) == 0


def test_separate_slots_on_one_day_all_count_and_minutes_round_to_two_places():
    day = [
        core.Slot(3, time(9), time(10)),
        core.Slot(3, time(11), time(12)),
        core.Slot(3, time(13), time(14)),
    ]
    assert core.weekly_hours(day) == 3.0
    assert core.weekly_hours([core.Slot(0, time(9), time(9, 1))]) == 0.02
