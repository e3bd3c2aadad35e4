"""The pure rules behind plans and reviews: the half-termly review rule on its boundaries, the
milestone roll-up, the review's attendance line and English and maths at key stage 4."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from apdash.rules import HalfTermDates
from placements.attendance import rules as attendance_rules
from placements.plans import rules as plans_rules

AUTUMN_1 = HalfTermDates(1, date(2026, 9, 2), date(2026, 10, 23))
AUTUMN_2 = HalfTermDates(2, date(2026, 11, 2), date(2026, 12, 18))
TERMS = [AUTUMN_1, AUTUMN_2]


def weekdays_between(first, last):
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


SCHOOL_DAYS = weekdays_between(AUTUMN_1.start, AUTUMN_1.end) + weekdays_between(AUTUMN_2.start, AUTUMN_2.end)


def overdue(*, reviews=(), today, start=date(2026, 9, 7), end=None, weekdays=(0, 1, 2, 3, 4)):
    return plans_rules.review_overdue_half_terms(
        start=start,
        end=end,
        weekdays=weekdays,
        school_days=SCHOOL_DAYS,
        half_terms=TERMS,
        review_dates=list(reviews),
        today=today,
    )


def test_a_half_term_is_not_overdue_on_its_last_day_and_is_the_day_after():
    assert overdue(today=AUTUMN_1.end) == []
    assert overdue(today=AUTUMN_1.end + timedelta(days=1)) == [AUTUMN_1.id]


def test_a_review_on_the_first_or_last_day_of_the_half_term_counts():
    after = AUTUMN_2.start
    assert overdue(reviews=[AUTUMN_1.start], today=after, start=AUTUMN_1.start) == []
    assert overdue(reviews=[AUTUMN_1.end], today=after) == []


def test_a_review_in_the_holiday_or_the_next_half_term_does_not_cover_the_one_before():
    assert overdue(reviews=[AUTUMN_1.end + timedelta(days=1)], today=AUTUMN_2.start) == [AUTUMN_1.id]
    assert overdue(reviews=[AUTUMN_2.start], today=AUTUMN_2.start + timedelta(days=1)) == [AUTUMN_1.id]


def test_each_ended_half_term_needs_its_own_review():
    after_christmas = date(2027, 1, 5)
    assert overdue(reviews=[date(2026, 10, 1)], today=after_christmas) == [AUTUMN_2.id]
    assert overdue(today=after_christmas) == [AUTUMN_1.id, AUTUMN_2.id]


def test_a_placement_that_started_on_the_last_scheduled_day_of_a_half_term_still_needs_its_review():
    friday = AUTUMN_1.end
    assert overdue(start=friday, weekdays=(4,), today=AUTUMN_2.start) == [AUTUMN_1.id]


def test_a_placement_that_started_after_its_last_scheduled_day_in_the_half_term_needs_none_there():
    # Mondays only, starting on the Tuesday of the last week of the half term.
    assert overdue(start=AUTUMN_1.end - timedelta(days=3), weekdays=(0,), today=AUTUMN_2.start) == []


def test_a_review_not_yet_held_this_half_term_is_due_once_the_warning_days_remain():
    # AUTUMN_2 ends on Friday 18 December: on Monday 14th five school days remain, on the 11th six.
    def gaps(today):
        return plans_rules.review_gaps(
            start=date(2026, 9, 7),
            end=None,
            weekdays=(0, 1, 2, 3, 4),
            school_days=SCHOOL_DAYS,
            half_terms=TERMS,
            review_dates=[date(2026, 10, 1)],
            today=today,
            warning_school_days=5,
        )

    assert gaps(date(2026, 12, 11)) == []
    due = gaps(date(2026, 12, 14))
    assert [(g.half_term_id, g.overdue, g.school_days_left) for g in due] == [(AUTUMN_2.id, False, 5)]
    # Only a half term that has ended is overdue: the one the readiness grid shows red.
    assert overdue(reviews=[date(2026, 10, 1)], today=date(2026, 12, 14)) == []


@given(st.lists(st.sampled_from(["not_started", "on_track", "at_risk", "met", "missed"]), max_size=8))
def test_the_roll_up_counts_every_milestone_once(statuses):
    progress = plans_rules.milestone_rollup(
        [(s, date(2027, 7, 1)) for s in statuses], today=date(2026, 11, 1)
    )
    assert progress.total == len(statuses)
    assert (
        progress.not_started + progress.on_track + progress.at_risk + progress.met + progress.missed
        == progress.total
    )


def rollup(*milestones, today=date(2026, 11, 23)):
    return plans_rules.milestone_rollup(milestones, today=today)


def test_a_plan_with_no_milestones_says_so():
    assert rollup().overall == plans_rules.PLAN_NO_MILESTONES
    assert rollup().words == "No milestones yet"


def test_a_plan_is_complete_once_every_milestone_is_met_or_missed():
    later = date(2027, 3, 1)
    assert rollup(("met", later), ("missed", later)).overall == plans_rules.PLAN_COMPLETE
    assert rollup(("met", later), ("on_track", later)).overall == plans_rules.ON_TRACK


def test_one_milestone_at_risk_or_missed_puts_an_unfinished_plan_at_risk():
    later = date(2027, 3, 1)
    assert rollup(("on_track", later), ("at_risk", later)).overall == plans_rules.AT_RISK
    assert rollup(("on_track", later), ("missed", later)).overall == plans_rules.AT_RISK


def test_an_open_milestone_is_past_target_the_day_after_its_target_date():
    target = date(2026, 11, 23)
    on_the_day = rollup(("on_track", target), today=target)
    day_after = rollup(("on_track", target), today=target + timedelta(days=1))
    assert (on_the_day.overall, on_the_day.past_target) == (plans_rules.ON_TRACK, 0)
    assert (day_after.overall, day_after.past_target) == (plans_rules.AT_RISK, 1)


def test_a_plan_whose_milestones_have_not_started_is_not_started():
    assert rollup(("not_started", date(2027, 3, 1))).overall == plans_rules.NOT_STARTED


def test_the_review_attendance_line_counts_possible_sessions_and_absences():
    line = attendance_rules.attendance_summary(
        ["B", "B", "B", "N", "I", "#"], since=date(2026, 11, 2), until=date(2026, 11, 23)
    )
    assert line == "60% of 5 possible sessions since 2 November 2026; 2 absences, 1 unauthorised."
    assert attendance_rules.attendance_summary([], since=None, until=date(2026, 11, 23)) == (
        "No attendance recorded up to 23 November 2026."
    )


def test_english_and_maths_are_flagged_for_years_10_and_11_only():
    assert plans_rules.missing_core_subjects(10, []) == ("english", "maths")
    assert plans_rules.missing_core_subjects(11, ["english", "other"]) == ("maths",)
    assert plans_rules.missing_core_subjects(11, ["english", "maths"]) == ()
    assert plans_rules.missing_core_subjects(9, []) == ()
