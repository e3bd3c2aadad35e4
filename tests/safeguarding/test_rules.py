"""The pure safeguarding rules on and around their boundaries."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from safeguarding import rules

HOURS = {"urgent": 1, "other": 24}
RAISED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@given(
    minutes=st.integers(min_value=0, max_value=3 * 24 * 60), urgency=st.sampled_from(["urgent", "routine"])
)
def test_a_concern_is_overdue_exactly_when_more_than_its_hours_have_passed(minutes, urgency):
    allowed = 60 if urgency == "urgent" else 24 * 60
    now = RAISED + timedelta(minutes=minutes)
    assert rules.acknowledgement_overdue(RAISED, urgency, now=now, hours=HOURS) == (minutes > allowed)


@given(days=st.integers(min_value=0, max_value=40), allowed=st.integers(min_value=1, max_value=10))
def test_induction_is_overdue_only_after_the_allowed_school_days(days, allowed):
    assert rules.induction_overdue(days, allowed=allowed) == (days > allowed)


def test_a_risk_assessment_counts_only_when_approved_and_not_past_its_review_date():
    today = date(2026, 11, 23)
    assert rules.risk_assessment_current(approved=True, review_date=today, today=today)
    assert not rules.risk_assessment_current(
        approved=True, review_date=today - timedelta(days=1), today=today
    )
    assert not rules.risk_assessment_current(approved=False, review_date=today, today=today)


def test_a_concern_draft_states_the_absence_and_the_follow_up():
    draft = rules.concern_draft_from_follow_up(
        provider="Riverside Skills",
        absence_date=date(2026, 11, 18),
        session="Morning",
        code="N",
        code_meaning="No reason yet provided",
        contacted="Mother by phone",
        contacted_at=datetime(2026, 11, 18, 10, 15),
        outcome="Escalated to the DSL",
        note="",
    )
    assert draft == (
        "Absence: morning session on 18 November 2026 at Riverside Skills (code N: No reason yet provided).\n"
        "Follow-up: contacted Mother by phone at 10:15 on 18 November 2026. Outcome: Escalated to the DSL."
    )


def test_records_are_kept_until_date_of_birth_plus_25_years():
    from datetime import date

    from safeguarding.rules import keep_until

    assert keep_until(date(2011, 3, 27)) == date(2036, 3, 27)
    assert keep_until(date(2012, 2, 29)) == date(2037, 3, 1)
    assert keep_until(date(2008, 2, 29)) == date(2033, 3, 1)
    assert keep_until(date(2000, 2, 29)) == date(2025, 3, 1)


def test_the_file_is_due_on_the_fifth_school_day_after_the_pupil_left():
    from datetime import date, timedelta

    from safeguarding.rules import transfer_due_by

    left = date(2026, 11, 20)  # a Friday
    weekdays = [left + timedelta(days=n) for n in range(1, 20) if (left + timedelta(days=n)).weekday() < 5]
    assert transfer_due_by(left, weekdays, allowed=5) == date(2026, 11, 27)
    assert transfer_due_by(left, weekdays, allowed=1) == date(2026, 11, 23)
    assert transfer_due_by(left, [left, *weekdays], allowed=1) == date(2026, 11, 23)
    assert transfer_due_by(left, weekdays[:2], allowed=5) == date(2026, 11, 24)
    assert transfer_due_by(left, [], allowed=5) == left
    assert transfer_due_by(left, weekdays, allowed=0) == left
