"""`/api/v1/register/`: provider staff read today's register (each pupil's name and sessions,
nothing of the school's reasons) and send its marks; the rest of the API is not theirs."""

from datetime import date, time

import pytest
from django.utils import timezone

from apdash.models import Role
from placements.models import AttendanceMark
from tests.factories import PupilFactory, member, placement_with_timetable, seed_calendar

pytestmark = pytest.mark.django_db

WEDNESDAY = date(2026, 11, 18)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: WEDNESDAY)
    seed_calendar(2026)
    return WEDNESDAY


@pytest.fixture
def placed(world, today):
    return placement_with_timetable(
        pupil=PupilFactory(school=world.school, first_name="Ava", last_name="Reed"),
        provider=world.provider,
        days=(2,),
        start=time(9, 0),
        end=time(12, 0),
        start_date=date(2026, 9, 7),
        reason="Repeated suspensions this year",
        rationale="SEMH need: smaller groups",
    )


def test_provider_staff_read_todays_register_with_names_and_sessions_only(api, world, placed):
    not_today = placement_with_timetable(provider=world.provider, days=(0,), start_date=date(2026, 9, 7))
    response = api(world.provider_staff).get("/api/v1/register/")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "date": "2026-11-18",
        "rows": [
            {
                "placement": placed.id,
                "provider": world.provider.id,
                "pupil": "Ava Reed",
                "sessions": [{"session": "AM", "code": None, "minutes_late": 0}],
            }
        ],
    }
    text = response.content.decode()
    assert "suspensions" not in text and "SEMH" not in text and not_today.pupil.last_name not in text


def test_provider_staff_send_the_register_and_read_it_back(api, world, placed):
    client = api(world.provider_staff)
    sent = client.post(
        "/api/v1/register/",
        [{"placement": placed.id, "date": "2026-11-18", "session": "AM", "code": "L", "minutes_late": 10}],
        format="json",
    )
    assert sent.status_code == 201, sent.json()
    mark = AttendanceMark.objects.get()
    assert (mark.code, mark.source, mark.recorded_by) == ("L", "provider_staff", world.provider_staff)
    row = client.get("/api/v1/register/").json()["rows"][0]
    assert row["sessions"] == [{"session": "AM", "code": "L", "minutes_late": 10}]


def test_marks_for_another_providers_pupil_are_refused(api, world, placed):
    elsewhere = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    response = api(world.provider_staff).post(
        "/api/v1/register/",
        {"placement": elsewhere.id, "date": "2026-11-18", "session": "AM", "code": "/"},
        format="json",
    )
    assert response.status_code == 400 and "placement" in response.json()
    assert not AttendanceMark.objects.exists()


def test_school_staff_have_no_register_of_their_own(api, world, placed):
    assert api(world.coordinator).get("/api/v1/register/").json()["rows"] == []


def test_provider_staff_are_refused_every_other_resource(api, world, placed):
    client = api(world.provider_staff)
    for resource in ("pupils", "placements", "attendance", "visits", "flags", "providers", "schools"):
        response = client.get(f"/api/v1/{resource}/")
        assert response.status_code == 403, resource
        assert "/api/v1/register/" in response.json()["detail"]
    other_staff = member(Role.PROVIDER_STAFF, provider=placement_with_timetable().provider)
    assert api(other_staff).get("/api/v1/register/").json()["rows"] == []


def test_the_register_costs_the_same_few_queries_at_5_and_40_pupils(
    api, world, today, django_assert_max_num_queries
):
    for count in (5, 40):
        for _ in range(count - (5 if count == 40 else 0)):
            placement_with_timetable(provider=world.provider, days=(2,), start_date=date(2026, 9, 7))
        with django_assert_max_num_queries(12):
            response = api(world.provider_staff).get("/api/v1/register/")
        assert len(response.json()["rows"]) == count
