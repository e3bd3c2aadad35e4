"""Issue 18 item 18: the school census export refuses a registered school without a URN and counts
sessions by the school's own session times."""

import csv
import io
from datetime import date, time

import pytest
from django.urls import reverse

from apdash.models import Role
from tests.factories import ProviderFactory, PupilFactory, SchoolFactory, member, placement_with_timetable

pytestmark = pytest.mark.django_db


def export(client, school):
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    return client.post(
        reverse("inspection:census_export"), {"school": school.pk, "census_date": "01/10/2026"}
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"registration_status": "registered", "provider_type": "other"},
        {"registration_status": "registered", "provider_type": "pru", "ukprn": "10001234"},
        {"registration_status": "unregistered", "provider_type": "ap_academy"},
    ],
)
def test_a_registered_school_without_a_urn_is_a_data_error_never_oth(client, fields):
    school = SchoolFactory()
    provider = ProviderFactory(name="Hillside PRU", urn="", **fields)
    placement_with_timetable(
        pupil=PupilFactory(school=school), provider=provider, start_date=date(2026, 9, 7)
    )
    response = export(client, school)
    assert response.status_code == 400
    assert "Hillside PRU is a registered school but has no URN" in response.content.decode()


def test_an_unregistered_provider_without_a_urn_is_exported_as_oth(client):
    school = SchoolFactory()
    provider = ProviderFactory(urn="", ukprn="", registration_status="unregistered", provider_type="other")
    placement_with_timetable(
        pupil=PupilFactory(school=school), provider=provider, start_date=date(2026, 9, 7)
    )
    response = export(client, school)
    assert response.status_code == 200
    (row,) = list(csv.reader(io.StringIO(response.content.decode())))[1:]
    assert "OTH" in row


def _sessions(client, school):
    rows = list(csv.DictReader(io.StringIO(export(client, school).content.decode())))
    return [(row["Attendance pattern"], row["Sessions per week"]) for row in rows]


def test_sessions_a_week_follow_the_schools_own_session_times(client):
    # 09:00–12:30 every day: at a school whose afternoon starts at 12:15 it covers both sessions; at
    # one whose afternoon starts at 13:00 (the default) it covers mornings only.
    early_lunch = SchoolFactory(am_session_end=time(11, 45), pm_session_start=time(12, 15))
    late_lunch = SchoolFactory()
    for school in (early_lunch, late_lunch):
        placement_with_timetable(
            pupil=PupilFactory(school=school),
            days=(0, 1, 2, 3, 4),
            start=time(9),
            end=time(12, 30),
            start_date=date(2026, 9, 7),
        )
    assert _sessions(client, early_lunch) == [("Full-time", "10")]
    assert _sessions(client, late_lunch) == [("Part-time", "5")]
