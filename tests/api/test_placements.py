import time as time_module
from datetime import time, timedelta

import pytest
from django.utils import timezone

from apdash.models import Membership, Role
from placements.models import Placement, TimetableSlot
from tests.api.helpers import ids, results
from tests.factories import PlacementFactory, ProviderFactory, PupilFactory, placement_with_timetable

pytestmark = pytest.mark.django_db

TWO_DAYS = [
    {"weekday": 0, "start": "09:00", "end": "12:00"},
    {"weekday": 2, "start": "09:30", "end": "15:00"},
]


def new_placement(world, pupil, **fields):
    return {
        "pupil": pupil.id,
        "provider": world.provider.id,
        "start_date": "2026-11-02",
        "end_date": None,
        "status": "active",
        "provider_has_main_responsibility": False,
        "reason": "Vocational course to re-engage with learning",
        "timetable": TWO_DAYS,
        **fields,
    }


@pytest.mark.parametrize("role", ["coordinator", "partnership_coordinator", "superuser"])
def test_a_coordinator_creates_a_placement_with_its_timetable_and_reads_the_hours(api, world, role):
    pupil = PupilFactory(school=world.school)
    client = api(getattr(world, role))
    response = client.post("/api/v1/placements/", new_placement(world, pupil), format="json")
    assert response.status_code == 201, response.json()
    row = client.get(f"/api/v1/placements/{response.json()['id']}/").json()
    assert row["timetable"] == TWO_DAYS
    assert row["weekly_hours"] == 8.5
    assert row["days_per_week"] == 2
    assert row["end_date"] is None
    assert row["hours_warning"] == {
        "weekly_hours": 8.5,
        "days": 2,
        "limits_breached": [],
        "near_limit": False,
        "message": None,
    }
    placement = Placement.objects.get(pk=row["id"])
    assert placement.created_by == getattr(world, role)
    assert placement.timetable.count() == 2


@pytest.mark.parametrize("role", ["dsl", "head", "provider_staff"])
def test_other_roles_cannot_create_placements(api, world, role):
    pupil = PupilFactory(school=world.school)
    response = api(getattr(world, role)).post(
        "/api/v1/placements/", new_placement(world, pupil), format="json"
    )
    assert response.status_code == 403
    assert not Placement.objects.exists()


def test_overlapping_timetable_slots_are_a_field_error_and_nothing_is_saved(api, world):
    pupil = PupilFactory(school=world.school)
    overlapping = [
        {"weekday": 1, "start": "09:00", "end": "12:00"},
        {"weekday": 1, "start": "11:00", "end": "14:00"},
    ]
    response = api(world.coordinator).post(
        "/api/v1/placements/", new_placement(world, pupil, timetable=overlapping), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"timetable": ["Tuesday: 11:00–14:00 overlaps 09:00–12:00."]}
    assert not Placement.objects.exists()
    assert not TimetableSlot.objects.exists()


@pytest.mark.parametrize(
    ("slot", "field_words"),
    [
        ({"weekday": 5, "start": "09:00", "end": "12:00"}, "less than or equal to 4"),
        ({"weekday": 0, "start": "12:00", "end": "09:00"}, "end time must be after"),
        ({"weekday": 0, "start": "05:00", "end": "09:00"}, "between 07:00 and 19:00"),
        ({"weekday": 0, "start": "9am", "end": "12:00"}, "format"),
    ],
)
def test_each_bad_slot_is_reported_against_the_timetable(api, world, slot, field_words):
    pupil = PupilFactory(school=world.school)
    response = api(world.coordinator).post(
        "/api/v1/placements/", new_placement(world, pupil, timetable=[slot]), format="json"
    )
    assert response.status_code == 400
    assert field_words in str(response.json()["timetable"])
    assert not Placement.objects.exists()


def test_an_end_date_before_the_start_is_a_field_error(api, world):
    pupil = PupilFactory(school=world.school)
    response = api(world.coordinator).post(
        "/api/v1/placements/", new_placement(world, pupil, end_date="2026-10-01"), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"end_date": ["The end date must be on or after the start date."]}
    assert not Placement.objects.exists()


def test_a_placement_cannot_be_made_for_a_pupil_outside_your_view(api, world):
    stranger = PupilFactory(school=world.other)
    response = api(world.coordinator).post(
        "/api/v1/placements/", new_placement(world, stranger), format="json"
    )
    assert response.status_code == 400
    assert "pupil" in response.json()
    assert not Placement.objects.exists()


def test_changing_the_timetable_replaces_it_and_a_bad_change_leaves_the_old_one(api, world):
    placement = placement_with_timetable(pupil=PupilFactory(school=world.school), provider=world.provider)
    client = api(world.coordinator)
    url = f"/api/v1/placements/{placement.id}/"
    monday_only = [{"weekday": 0, "start": "10:00", "end": "13:00"}]
    response = client.patch(url, {"timetable": monday_only}, format="json")
    assert response.status_code == 200
    assert response.json()["timetable"] == monday_only
    assert response.json()["weekly_hours"] == 3

    bad = client.patch(
        url,
        {
            "reason": "Changed reason",
            "timetable": [
                {"weekday": 3, "start": "09:00", "end": "12:00"},
                {"weekday": 3, "start": "10:00", "end": "11:00"},
            ],
        },
        format="json",
    )
    assert bad.status_code == 400
    assert "timetable" in bad.json()
    placement.refresh_from_db()
    assert placement.reason != "Changed reason"
    assert [(s.weekday, s.start) for s in placement.timetable.all()] == [(0, time(10, 0))]


def test_an_update_without_a_timetable_keeps_it(api, world):
    placement = placement_with_timetable(pupil=PupilFactory(school=world.school), provider=world.provider)
    response = api(world.coordinator).patch(
        f"/api/v1/placements/{placement.id}/", {"end_date": "2027-07-16"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["days_per_week"] == 2
    assert placement.timetable.count() == 2


def test_a_breach_at_an_unregistered_provider_is_reported_and_dry_run_saves_nothing(api, world):
    pupil = PupilFactory(school=world.school)
    four_days = [{"weekday": d, "start": "09:00", "end": "14:00"} for d in range(4)]
    response = api(world.coordinator).post(
        "/api/v1/placements/?dry_run=true", new_placement(world, pupil, timetable=four_days), format="json"
    )
    assert response.status_code == 200
    warning = response.json()["hours_warning"]
    assert response.json()["id"] is None
    assert warning["limits_breached"] == ["hours", "days"]
    assert warning["message"].startswith("At an unregistered provider: 20 hours a week (more than 18)")
    assert not Placement.objects.exists()
    assert not TimetableSlot.objects.exists()


def test_dry_run_of_a_change_shows_the_new_hours_and_keeps_the_old_ones(api, world):
    placement = placement_with_timetable(
        pupil=PupilFactory(school=world.school),
        provider=world.provider,
        days=(0,),
        start=time(9),
        end=time(12),
    )
    five_hours = [
        {"weekday": 0, "start": "09:00", "end": "14:00"},
        {"weekday": 1, "start": "09:00", "end": "20:00"},
    ]
    bad = api(world.coordinator).patch(
        f"/api/v1/placements/{placement.id}/?dry_run=true", {"timetable": five_hours}, format="json"
    )
    assert bad.status_code == 400
    sixteen = [
        {"weekday": 0, "start": "09:00", "end": "17:00"},
        {"weekday": 1, "start": "09:00", "end": "17:00"},
    ]
    response = api(world.coordinator).patch(
        f"/api/v1/placements/{placement.id}/?dry_run=true", {"timetable": sixteen}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["id"] == placement.id
    assert response.json()["weekly_hours"] == 16
    assert response.json()["hours_warning"]["near_limit"] is True
    assert [(s.weekday, s.end) for s in placement.timetable.all()] == [(0, time(12))]


def test_a_registered_provider_has_no_hours_warning(api, world):
    registered = ProviderFactory(registration_status="registered")
    pupil = PupilFactory(school=world.school)
    five_days = [{"weekday": d, "start": "09:00", "end": "15:00"} for d in range(5)]
    response = api(world.coordinator).post(
        "/api/v1/placements/",
        new_placement(world, pupil, provider=registered.id, timetable=five_days),
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["hours_warning"] is None
    assert response.json()["weekly_hours"] == 30


def test_each_role_lists_the_placements_it_may_see(api, world):
    today = timezone.localdate()
    own = PlacementFactory(pupil=PupilFactory(school=world.school), provider=world.provider)
    ended = PlacementFactory(
        pupil=PupilFactory(school=world.school),
        provider=world.provider,
        start_date=today - timedelta(days=90),
        end_date=today - timedelta(days=30),
    )
    sister = PlacementFactory(pupil=PupilFactory(school=world.sister))
    other = PlacementFactory(pupil=PupilFactory(school=world.other), provider=world.provider)
    assert ids(api(world.coordinator).get("/api/v1/placements/")) == {own.id, ended.id}
    assert ids(api(world.partnership_coordinator).get("/api/v1/placements/")) == {own.id, ended.id, sister.id}
    # Provider staff mark the register (/api/v1/register/): the school's placements are not theirs to read.
    assert api(world.provider_staff).get("/api/v1/placements/").status_code == 403
    assert api(world.provider_staff).get(f"/api/v1/placements/{own.id}/").status_code == 403
    assert api(world.coordinator).get(f"/api/v1/placements/{other.id}/").status_code == 404
    assert (
        api(world.coordinator)
        .patch(f"/api/v1/placements/{other.id}/", {"reason": "x"}, format="json")
        .status_code
        == 404
    )


def test_provider_staff_cannot_change_a_placement(api, world):
    placement = PlacementFactory(pupil=PupilFactory(school=world.school), provider=world.provider)
    response = api(world.provider_staff).patch(
        f"/api/v1/placements/{placement.id}/", {"reason": "Changed"}, format="json"
    )
    assert response.status_code == 403


def test_placements_filter_by_pupil_provider_and_active_date(api, world):
    pupil = PupilFactory(school=world.school)
    current = PlacementFactory(pupil=pupil, provider=world.provider)
    PlacementFactory(pupil=PupilFactory(school=world.school))
    client = api(world.coordinator)
    assert ids(client.get(f"/api/v1/placements/?pupil={pupil.id}")) == {current.id}
    assert ids(client.get(f"/api/v1/placements/?provider={world.provider.id}")) == {current.id}
    before = (current.start_date - timedelta(days=1)).isoformat()
    assert results(client.get(f"/api/v1/placements/?active_on={before}&pupil={pupil.id}")) == []
    assert client.get("/api/v1/placements/?pupil=abc").status_code == 400


def test_a_coordinator_who_also_works_at_the_provider_cannot_change_another_schools_placement(api, world):
    Membership.objects.create(user=world.coordinator, role=Role.PROVIDER_STAFF, provider=world.provider)
    theirs = PlacementFactory(
        pupil=PupilFactory(school=world.other), provider=world.provider, reason="Original"
    )
    client = api(world.coordinator)
    assert client.get(f"/api/v1/placements/{theirs.id}/").status_code == 200
    response = client.patch(f"/api/v1/placements/{theirs.id}/", {"reason": "Changed"}, format="json")
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.reason == "Original"


def test_the_hours_warning_counts_the_pupils_other_placements_at_the_provider(api, world):
    pupil = PupilFactory(school=world.school)
    two_days = placement_with_timetable(pupil=pupil, provider=world.provider, days=(0, 1), end=time(12))
    one_day = [{"weekday": 3, "start": "09:00", "end": "12:00"}]
    client = api(world.coordinator)
    response = client.post(
        "/api/v1/placements/", new_placement(world, pupil, timetable=one_day), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["days_per_week"] == 1
    warning = response.json()["hours_warning"]
    assert (warning["days"], warning["weekly_hours"], warning["limits_breached"]) == (3, 9, ["days"])
    assert warning["message"] == "At an unregistered provider: 3 days a week (3 or more)."
    listed = {row["id"]: row["hours_warning"]["days"] for row in results(client.get("/api/v1/placements/"))}
    assert listed == {two_days.id: 3, response.json()["id"]: 3}
    friday = [{"weekday": 4, "start": "09:00", "end": "12:00"}]
    elsewhere = client.post(
        "/api/v1/placements/?dry_run=true",
        new_placement(world, pupil, provider=ProviderFactory().id, timetable=friday),
        format="json",
    )
    assert elsewhere.json()["hours_warning"]["days"] == 1


def test_a_slot_that_overlaps_another_placement_of_the_pupil_is_refused_naming_it(api, world):
    pupil = PupilFactory(school=world.school)
    other = placement_with_timetable(
        pupil=pupil, provider=ProviderFactory(name="Forge Ahead"), days=(0,), start=time(11), end=time(14)
    )
    response = api(world.coordinator).post("/api/v1/placements/", new_placement(world, pupil), format="json")
    assert response.status_code == 400
    (message,) = response.json()["timetable"]
    assert message.startswith("Monday 09:00–12:00 clashes with 11:00–14:00 at Forge Ahead (the placement")
    assert f"{other.start_date.day} {other.start_date:%B %Y}" in message
    assert not Placement.objects.filter(pupil=pupil, provider=world.provider).exists()


def test_a_slot_after_the_other_placement_has_ended_is_accepted(api, world):
    pupil = PupilFactory(school=world.school)
    ended = timezone.localdate() - timedelta(days=30)
    placement_with_timetable(pupil=pupil, days=(0,), start=time(9), end=time(12), end_date=ended)
    fields = new_placement(world, pupil, start_date=timezone.localdate().isoformat())
    assert api(world.coordinator).post("/api/v1/placements/", fields, format="json").status_code == 201


def test_more_slots_than_a_week_has_sessions_are_refused_quickly_and_nothing_is_saved(api, world):
    pupil = PupilFactory(school=world.school)
    flood = [{"weekday": 1, "start": "09:00", "end": "09:01"}] * 2000
    started = time_module.perf_counter()
    response = api(world.coordinator).post(
        "/api/v1/placements/?dry_run=true", new_placement(world, pupil, timetable=flood), format="json"
    )
    assert time_module.perf_counter() - started < 3
    assert response.status_code == 400
    assert response.json() == {"timetable": ["A placement has at most 10 timetable slots a week, not 2000."]}
    assert not Placement.objects.exists()


def test_the_slot_cap_is_a_setting(api, world, settings):
    settings.APDASH_MAX_SLOTS_PER_PLACEMENT = 2
    pupil = PupilFactory(school=world.school)
    three = [*TWO_DAYS, {"weekday": 4, "start": "09:00", "end": "12:00"}]
    response = api(world.coordinator).post(
        "/api/v1/placements/", new_placement(world, pupil, timetable=three), format="json"
    )
    assert response.status_code == 400 and "at most 2 timetable slots" in str(response.json())


def test_each_overlapping_slot_is_reported_once(api, world):
    pupil = PupilFactory(school=world.school)
    same = [{"weekday": 1, "start": "09:00", "end": "12:00"}] * 4
    response = api(world.coordinator).post(
        "/api/v1/placements/", new_placement(world, pupil, timetable=same), format="json"
    )
    assert response.json() == {"timetable": ["Tuesday: 09:00–12:00 overlaps 09:00–12:00."] * 3}


def test_placement_dates_far_in_the_past_or_future_are_field_errors(api, world):
    pupil = PupilFactory(school=world.school)
    client = api(world.coordinator)
    old = client.post(
        "/api/v1/placements/", new_placement(world, pupil, start_date="1926-11-02"), format="json"
    )
    assert old.status_code == 400 and "start_date" in old.json()
    far = client.post(
        "/api/v1/placements/", new_placement(world, pupil, end_date="2206-11-02"), format="json"
    )
    assert far.status_code == 400 and "end_date" in far.json()
    assert not Placement.objects.exists()
