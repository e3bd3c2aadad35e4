from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apdash.models import Role
from tests.factories import (
    ProviderAuditFactory,
    ProviderFactory,
    PupilFactory,
    SchoolFactory,
    member,
    placement_with_timetable,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(client):
    school = SchoolFactory()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    return school


def register(client, **params):
    return client.get(reverse("providers:provider_list"), params).content.decode()


def test_the_register_filters_by_registration_and_type(client, school):
    ProviderFactory(name="Registered College", registration_status="registered", provider_type="fe_college")
    ProviderFactory(name="Unregistered Farm", provider_type="vocational")
    page = register(client, registration_status="unregistered")
    assert "Unregistered Farm" in page and "Registered College" not in page
    page = register(client, provider_type="fe_college")
    assert "Registered College" in page and "Unregistered Farm" not in page


def test_the_register_filters_by_audit_status(client, school):
    today = timezone.localdate()
    ProviderAuditFactory(provider=ProviderFactory(name="Current Ltd"), audited_on=today - timedelta(days=30))
    ProviderAuditFactory(provider=ProviderFactory(name="Lapsed Ltd"), audited_on=today - timedelta(days=400))
    ProviderAuditFactory(provider=ProviderFactory(name="Soon Ltd"), audited_on=today - timedelta(days=350))
    ProviderFactory(name="Never Ltd")
    expired = register(client, audit="expired")
    assert "Lapsed Ltd" in expired and "Never Ltd" in expired and "Current Ltd" not in expired
    due = register(client, audit="due")
    assert "Soon Ltd" in due and "Current Ltd" not in due and "Lapsed Ltd" not in due
    current = register(client, audit="current")
    assert "Current Ltd" in current and "Soon Ltd" not in current and "Never Ltd" not in current


def test_the_register_filters_by_the_users_pupils_placed(client, school):
    mine = placement_with_timetable(
        pupil=PupilFactory(school=school), provider=ProviderFactory(name="Used Here")
    )
    placement_with_timetable(provider=ProviderFactory(name="Used Elsewhere"))
    page = register(client, pupils_placed="yes")
    assert mine.provider.name in page and "Used Elsewhere" not in page
    assert "Used Elsewhere" in register(client, pupils_placed="no")


def test_the_provider_page_shows_audit_dates_and_only_the_users_pupils_with_hours(client, school):
    provider = ProviderFactory(name="Forge", urn="", ukprn="10012345", dsl_name="Pat Lee")
    ProviderAuditFactory(
        provider=provider, audited_on=date(2026, 9, 14), insurance_expires_on=date(2027, 3, 31)
    )
    breach = placement_with_timetable(
        pupil=PupilFactory(school=school, last_name="Threedays"),
        provider=provider,
        days=(0, 1, 2),
        end=time(12),
    )
    within = placement_with_timetable(
        pupil=PupilFactory(school=school, last_name="Twodays"), provider=provider, days=(0, 1)
    )
    other = placement_with_timetable(pupil=PupilFactory(last_name="Otherschool"), provider=provider)
    page = client.get(reverse("providers:provider_detail", args=[provider.pk])).content.decode()
    assert "10012345" in page and "Pat Lee" in page
    assert "14 September 2026" in page and "31 March 2027" in page
    assert breach.pupil.last_name in page and within.pupil.last_name in page
    assert other.pupil.last_name not in page
    assert "3 days a week (3 or more)" in page
    assert page.count("Within") == 1


def test_provider_staff_cannot_open_the_register(client):
    provider = ProviderFactory()
    client.force_login(member(Role.PROVIDER_STAFF, provider=provider))
    assert client.get(reverse("providers:provider_list")).status_code == 404
    assert client.get(reverse("providers:provider_detail", args=[provider.pk])).status_code == 404


@pytest.mark.parametrize("rows", [10, 200])
def test_the_register_runs_a_constant_number_of_queries(client, django_assert_max_num_queries, school, rows):
    for i in range(rows):
        provider = ProviderFactory()
        ProviderAuditFactory(provider=provider)
        if i % 3 == 0:
            placement_with_timetable(pupil=PupilFactory(school=school), provider=provider)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("providers:provider_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [10, 200])
def test_the_provider_page_runs_a_constant_number_of_queries(
    client, django_assert_max_num_queries, school, rows
):
    provider = ProviderFactory()
    for _ in range(rows):
        placement_with_timetable(pupil=PupilFactory(school=school), provider=provider)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("providers:provider_detail", args=[provider.pk]))
    assert response.content.decode().count("Within") == rows
