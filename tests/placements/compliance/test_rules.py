"""The compliance rules on their boundaries, over plain values: notice to parents at least 2 school
days before an off-site direction starts, the LA told (amber before, red from day one), and DfE's
planned time limits on unregistered AP (domain.md "Providers")."""

from datetime import date

from placements.compliance import rules

MONDAY = date(2026, 11, 30)


def test_the_parents_notice_is_due_once_the_start_is_within_the_notice_period_and_after_it_starts():
    due = dict(start=date(2026, 12, 3), today=MONDAY, notice_school_days=2)
    assert rules.parental_notice_due(school_days_to_start=3, **due) is False
    assert rules.parental_notice_due(school_days_to_start=2, **due) is True
    assert rules.parental_notice_due(school_days_to_start=1, **due) is True
    # Started already: due whatever the count says.
    assert rules.parental_notice_due(start=MONDAY, today=MONDAY, school_days_to_start=9, notice_school_days=2)
    assert not rules.parental_notice_due(
        start=date(2026, 12, 1), today=MONDAY, school_days_to_start=9, notice_school_days=2
    )


def test_the_la_notification_is_amber_before_the_start_and_red_from_its_first_day():
    assert rules.la_notification_severity(start=date(2026, 12, 1), today=MONDAY) == "amber"
    assert rules.la_notification_severity(start=MONDAY, today=MONDAY) == "red"
    assert rules.la_notification_severity(start=date(2026, 11, 1), today=MONDAY) == "red"


LIMITS = dict(full_time_hours=18, full_time_weeks=12, part_time_days=2, part_time_sessions=4)


def _breach(**values):
    pattern = dict(start=date(2026, 9, 7), end=None, today=MONDAY, weekly_hours=10, days=2, sessions=4)
    return rules.time_limit_breach(**{**pattern, **LIMITS, **values})


def test_full_time_beyond_the_weeks_allowed_is_a_breach_from_the_first_day_over():
    # More than 18 hours a week is full-time; 7 September + 12 weeks = 30 November.
    found = _breach(weekly_hours=25, days=5, sessions=10)
    assert found == rules.TimeLimitBreach(rules.FULL_TIME, found.words, date(2026, 11, 30))
    assert "25 hours a week" in found.words and "has run beyond 12 weeks" in found.words
    assert "30 November 2026" in found.words
    # The day before the first day over: not yet.
    assert _breach(weekly_hours=25, today=date(2026, 11, 29)) is None
    # Exactly 18 hours is not full-time; a part-time check applies instead (within the limits here).
    assert _breach(weekly_hours=18) is None


def test_a_planned_end_beyond_the_weeks_allowed_is_a_breach_before_it_happens():
    found = _breach(weekly_hours=25, start=MONDAY, end=date(2027, 2, 22), today=MONDAY)
    assert found.kind == rules.FULL_TIME and found.since == date(2027, 2, 22)
    assert "is planned to run beyond 12 weeks" in found.words
    assert _breach(weekly_hours=25, start=MONDAY, end=date(2027, 2, 21), today=MONDAY) is None
    # Ending today, it has run its course: it is no longer "planned".
    assert "has run beyond" in _breach(weekly_hours=25, start=date(2026, 9, 7), end=MONDAY).words
    # An end already passed reads as having run.
    ended = _breach(weekly_hours=25, start=date(2026, 6, 1), end=date(2026, 10, 1))
    assert "has run beyond" in ended.words


def test_without_a_full_time_limit_full_time_placements_are_never_a_breach():
    assert _breach(weekly_hours=30, full_time_weeks=None, days=5, sessions=10) is None


def test_a_part_time_pattern_over_the_days_or_sessions_allowed_is_a_breach_from_today():
    assert _breach(days=2, sessions=4) is None
    days = _breach(days=3, sessions=4)
    assert days == rules.TimeLimitBreach(
        rules.PART_TIME, "Part-time at an unregistered provider for 3 days a week (limit 2).", MONDAY
    )
    sessions = _breach(days=2, sessions=5)
    assert sessions.words == "Part-time at an unregistered provider for 5 sessions a week (limit 4)."
    both = _breach(days=3, sessions=6)
    assert both.words == (
        "Part-time at an unregistered provider for 3 days a week (limit 2) and 6 sessions a week (limit 4)."
    )
    # A placement yet to start is dated from its start.
    assert _breach(days=3, start=date(2027, 1, 4)).since == date(2027, 1, 4)


def test_unset_part_time_limits_are_never_a_breach():
    assert _breach(days=5, sessions=10, part_time_days=None, part_time_sessions=None) is None
