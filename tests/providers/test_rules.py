"""Unit tests of providers/rules.py: when a provider's annual audit is current (G §3a–c)."""

from datetime import date, timedelta

import pytest

from providers import rules

TODAY = date(2026, 11, 23)
GOOD = {
    "outcome": "satisfactory",
    "single_central_record_checked": True,
    "dsl_confirmed": True,
    "safeguarding_checks_confirmed_in_writing": True,
}


def status(audited_on, insurance=TODAY + timedelta(days=200), shortfalls=(), **kw):
    return rules.audit_status(
        audited_on=audited_on,
        insurance_expires_on=insurance,
        shortfalls=list(shortfalls),
        today=TODAY,
        max_age_days=365,
        **kw,
    )


def codes(**kw):
    return [code for code, _ in rules.audit_problems(today=TODAY, max_age_days=365, **kw)]


def test_no_audit_is_missing():
    assert codes(audited_on=None, insurance_expires_on=None) == ["audit_missing"]
    assert status(None) == rules.EXPIRED


def test_an_audit_365_days_old_is_in_date_and_366_is_not():
    assert codes(audited_on=TODAY - timedelta(days=365), insurance_expires_on=TODAY) == []
    assert codes(audited_on=TODAY - timedelta(days=366), insurance_expires_on=TODAY) == ["audit_expired"]


def test_insurance_expiring_today_is_in_date_and_yesterday_is_not():
    audited = TODAY - timedelta(days=10)
    assert codes(audited_on=audited, insurance_expires_on=TODAY) == []
    assert codes(audited_on=audited, insurance_expires_on=TODAY - timedelta(days=1)) == ["insurance_expired"]
    assert codes(audited_on=audited, insurance_expires_on=None) == ["insurance_unknown"]


def test_problems_are_in_words_with_dates():
    words = dict(
        rules.audit_problems(
            audited_on=date(2025, 9, 1),
            insurance_expires_on=date(2026, 1, 5),
            today=TODAY,
            max_age_days=365,
        )
    )
    assert words == {
        "audit_expired": "The latest audit, on 1 September 2025, is over a year old.",
        "insurance_expired": "Insurance expired on 5 January 2026.",
    }


def test_a_satisfactory_audit_has_no_shortfalls_and_actions_required_is_still_satisfactory():
    assert rules.audit_shortfalls(**GOOD) == []
    assert rules.audit_shortfalls(**{**GOOD, "outcome": "actions_required"}) == []


@pytest.mark.parametrize(
    "change, code",
    [
        ({"outcome": "unsatisfactory"}, "outcome_unsatisfactory"),
        ({"single_central_record_checked": False}, "scr_not_checked"),
        ({"dsl_confirmed": False}, "dsl_not_confirmed"),
        ({"safeguarding_checks_confirmed_in_writing": False}, "checks_not_in_writing"),
    ],
)
def test_each_missing_check_is_a_shortfall_on_its_own(change, code):
    assert [c for c, _ in rules.audit_shortfalls(**{**GOOD, **change})] == [code]


def test_every_shortfall_is_listed_in_order():
    found = rules.audit_shortfalls(
        outcome="unsatisfactory",
        single_central_record_checked=False,
        dsl_confirmed=False,
        safeguarding_checks_confirmed_in_writing=False,
    )
    assert [c for c, _ in found] == [
        "outcome_unsatisfactory",
        "scr_not_checked",
        "dsl_not_confirmed",
        "checks_not_in_writing",
    ]
    assert all(words.endswith(".") for _, words in found)


def test_status_expired_beats_unsatisfactory_which_beats_due():
    old = TODAY - timedelta(days=400)
    assert status(old, shortfalls=[("scr_not_checked", "")]) == rules.EXPIRED
    assert status(TODAY - timedelta(days=10), shortfalls=[("scr_not_checked", "")]) == rules.UNSATISFACTORY
    assert status(TODAY - timedelta(days=340)) == rules.DUE


def test_due_within_30_days_of_the_audit_or_the_insurance_running_out():
    # The audit runs out 365 days after it: due once fewer than 30 days are left.
    assert status(TODAY - timedelta(days=336)) == rules.DUE
    assert status(TODAY - timedelta(days=335)) == rules.CURRENT
    recent = TODAY - timedelta(days=10)
    assert status(recent, insurance=TODAY + timedelta(days=29)) == rules.DUE
    assert status(recent, insurance=TODAY + timedelta(days=30)) == rules.CURRENT
    assert status(recent, insurance=TODAY + timedelta(days=10), due_within_days=5) == rules.CURRENT


def test_only_due_and_current_are_current():
    assert rules.is_current(rules.CURRENT) and rules.is_current(rules.DUE)
    assert not rules.is_current(rules.EXPIRED) and not rules.is_current(rules.UNSATISFACTORY)


def test_the_words_a_head_reads_for_each_problem():
    assert rules.audit_problems(
        audited_on=None, insurance_expires_on=None, today=TODAY, max_age_days=365
    ) == [("audit_missing", "No annual audit is recorded.")]
    assert rules.audit_problems(
        audited_on=TODAY, insurance_expires_on=None, today=TODAY, max_age_days=365
    ) == [("insurance_unknown", "The latest audit records no insurance expiry date.")]
    assert rules.audit_shortfalls(
        outcome="unsatisfactory",
        single_central_record_checked=False,
        dsl_confirmed=False,
        safeguarding_checks_confirmed_in_writing=False,
    ) == [
        ("outcome_unsatisfactory", "The latest audit's outcome is Unsatisfactory."),
        ("scr_not_checked", "The single central record was not checked."),
        ("dsl_not_confirmed", "No designated safeguarding lead was confirmed."),
        ("checks_not_in_writing", "The provider has not confirmed its safeguarding checks in writing."),
    ]
