"""Issue 18 items 5 and 16: exempt providers, when a registration was checked, and an audit that is
in date but not current — through the API, the checks, the provider page, readiness and governors."""

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apdash.models import Role
from inspection import selectors as inspection_selectors
from inspection.governors import governor_report, school_terms
from placements.compliance.checks import audits as audits_checks
from placements.compliance.checks import hours as hours_checks
from placements.models import Flag
from tests.factories import (
    ProviderAuditFactory,
    ProviderFactory,
    PupilFactory,
    SchoolFactory,
    member,
    placement_with_timetable,
    seed_calendar,
)

pytestmark = pytest.mark.django_db


def open_flags(kind):
    return list(Flag.objects.filter(kind=kind, resolved_at__isnull=True))


# --- 5. Exempt -------------------------------------------------------------------------------------


def test_an_exempt_provider_is_never_an_hours_breach(db):
    college = ProviderFactory(
        registration_status="exempt", exempt_reason="FE college (further education sector)"
    )
    unregistered = ProviderFactory(registration_status="unregistered")
    for provider in (college, unregistered):
        placement_with_timetable(provider=provider, days=(0, 1, 2, 3, 4), start_date=timezone.localdate())
    hours_checks.run_hours(timezone.now())
    assert {f.provider for f in open_flags(Flag.Kind.HOURS_BREACH_PUPIL)} == {unregistered}


def test_the_provider_page_shows_exempt_and_why(client, db):
    school = SchoolFactory()
    college = ProviderFactory(registration_status="exempt", exempt_reason="An FE college")
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    page = client.get(reverse("providers:provider_detail", args=[college.pk])).content.decode()
    assert "Exempt" in page and "An FE college" in page


# --- 16. An audit in date but not current ---------------------------------------------------------


@pytest.mark.parametrize(
    "shortfall, words",
    [
        ({"outcome": "unsatisfactory"}, "outcome is Unsatisfactory"),
        ({"single_central_record_checked": False}, "single central record was not checked"),
        ({"dsl_confirmed": False}, "No designated safeguarding lead"),
        (
            {"safeguarding_checks_confirmed_in_writing": False},
            "not confirmed its safeguarding checks in writing",
        ),
    ],
)
def test_an_audit_missing_any_safeguarding_check_opens_a_red_audit_unsatisfactory_flag(db, shortfall, words):
    placement = placement_with_timetable(start_date=timezone.localdate() - timedelta(days=10))
    ProviderAuditFactory(provider=placement.provider, **shortfall)
    audits_checks.run_audits(timezone.now())
    (flag,) = open_flags(Flag.Kind.AUDIT_UNSATISFACTORY)
    assert flag.severity == "red" and words in flag.message
    assert open_flags(Flag.Kind.AUDIT_EXPIRED) == []


def test_a_satisfactory_audit_or_one_with_actions_is_current(db):
    for outcome in ("satisfactory", "actions_required"):
        placement = placement_with_timetable(start_date=timezone.localdate())
        ProviderAuditFactory(provider=placement.provider, outcome=outcome)
    audits_checks.run_audits(timezone.now())
    assert open_flags(Flag.Kind.AUDIT_UNSATISFACTORY) == []


def test_a_new_satisfactory_audit_clears_the_flag(db):
    placement = placement_with_timetable(start_date=timezone.localdate())
    ProviderAuditFactory(
        provider=placement.provider,
        outcome="unsatisfactory",
        audited_on=timezone.localdate() - timedelta(days=60),
    )
    audits_checks.run_audits(timezone.now())
    assert open_flags(Flag.Kind.AUDIT_UNSATISFACTORY)
    ProviderAuditFactory(provider=placement.provider, audited_on=timezone.localdate())
    audits_checks.run_audits(timezone.now())
    assert open_flags(Flag.Kind.AUDIT_UNSATISFACTORY) == []


def test_the_provider_page_and_register_say_an_unsatisfactory_audit_is_not_current(client, db):
    school = SchoolFactory()
    provider = ProviderFactory(name="Shaky Ltd")
    ProviderAuditFactory(provider=provider, dsl_confirmed=False)
    ProviderAuditFactory(provider=ProviderFactory(name="Sound Ltd"))
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    page = client.get(reverse("providers:provider_detail", args=[provider.pk])).content.decode()
    assert (
        "Not current: not satisfactory" in page and "No designated safeguarding lead was confirmed." in page
    )
    listed = client.get(reverse("providers:provider_list"), {"audit": "unsatisfactory"}).content.decode()
    assert "Shaky Ltd" in listed and "Sound Ltd" not in listed
    current = client.get(reverse("providers:provider_list"), {"audit": "current"}).content.decode()
    assert "Sound Ltd" in current and "Shaky Ltd" not in current


def test_readiness_column_f_is_red_for_an_unsatisfactory_audit(db):
    seed_calendar(2026)
    today = date(2026, 11, 23)
    school = SchoolFactory()
    placement = placement_with_timetable(pupil=PupilFactory(school=school), start_date=date(2026, 9, 7))
    ProviderAuditFactory(provider=placement.provider, audited_on=date(2026, 9, 1), outcome="unsatisfactory")
    result = inspection_selectors.readiness_for_user(
        member(Role.SCHOOL_COORDINATOR, school=school),
        school_ids=[school.pk],
        today=today,
        now=timezone.make_aware(datetime.combine(today, time(16))),
    )
    cell = result.rows[0].cells["f"]
    assert cell.status == "red" and "Unsatisfactory" in cell.reason


def test_the_governor_report_counts_an_unsatisfactory_audit_as_not_current(db):
    seed_calendar(2026)
    today = date(2026, 12, 10)
    school = SchoolFactory()
    placement = placement_with_timetable(pupil=PupilFactory(school=school), start_date=date(2026, 9, 7))
    ProviderAuditFactory(
        provider=placement.provider,
        audited_on=date(2026, 9, 1),
        safeguarding_checks_confirmed_in_writing=False,
    )
    head = member(Role.HEAD, school=school)
    report = governor_report(head, school=school, term=school_terms(school, today=today)[0], today=today)
    assert report.providers_audited == 0
    (row,) = report.providers
    assert not row.audit_current and any("in writing" in words for words in row.audit_problems)
