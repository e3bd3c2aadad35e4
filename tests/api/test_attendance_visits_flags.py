from datetime import timedelta

import pytest
from django.utils import timezone

from placements.models import AttendanceMark, Flag, FollowUp, Visit
from tests.api.helpers import ids, results
from tests.factories import (
    AttendanceMarkFactory,
    FlagFactory,
    FollowUpFactory,
    PlacementFactory,
    PupilFactory,
    VisitFactory,
    recent_weekday,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(world):
    """A pupil of the world's school placed with the world's provider since 60 days ago."""
    return PlacementFactory(pupil=PupilFactory(school=world.school), provider=world.provider)


def day(offset=0):
    """A weekday `offset` weekdays back (marks are refused on weekends); negative: days ahead."""
    if offset < 0:
        return (timezone.localdate() - timedelta(days=offset)).isoformat()
    return recent_weekday(offset).isoformat()


# --- Attendance --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "dsl", "partnership_coordinator", "superuser"])
def test_a_list_of_marks_is_recorded_in_one_post(api, world, placed, role):
    response = api(getattr(world, role)).post(
        "/api/v1/attendance/",
        [
            {"placement": placed.id, "date": day(1), "session": "AM", "code": "B"},
            {"placement": placed.id, "date": day(1), "session": "PM", "code": "L", "minutes_late": 12},
        ],
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert [(row["session"], row["code"], row["minutes_late"]) for row in response.json()] == [
        ("AM", "B", 0),
        ("PM", "L", 12),
    ]
    assert {m.source for m in AttendanceMark.objects.all()} == {"api"}
    assert AttendanceMark.objects.get(session="PM").recorded_by == getattr(world, role)


def test_a_single_mark_can_be_posted_on_its_own(api, world, placed):
    response = api(world.coordinator).post(
        "/api/v1/attendance/",
        {"placement": placed.id, "date": day(), "session": "AM", "code": "B"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["code"] == "B"


def test_posting_a_mark_for_a_session_already_marked_updates_it(api, world, placed):
    AttendanceMarkFactory(placement=placed, date=recent_weekday(1), session="AM", code="N")
    response = api(world.coordinator).post(
        "/api/v1/attendance/",
        [{"placement": placed.id, "date": day(1), "session": "AM", "code": "I"}],
        format="json",
    )
    assert response.status_code == 201
    mark = AttendanceMark.objects.get()
    assert (mark.code, mark.session, str(mark.date)) == ("I", "AM", day(1))


def test_an_unknown_code_refuses_the_whole_list(api, world, placed):
    response = api(world.coordinator).post(
        "/api/v1/attendance/",
        [
            {"placement": placed.id, "date": day(1), "session": "AM", "code": "B"},
            {"placement": placed.id, "date": day(1), "session": "PM", "code": "Y8"},
        ],
        format="json",
    )
    assert response.status_code == 400
    assert response.json()[1] == {"code": ["“Y8” is not a DfE attendance code (2024 regulations)."]}
    assert not AttendanceMark.objects.exists()


@pytest.mark.parametrize(
    ("mark", "field"),
    [
        ({"session": "EV"}, "session"),
        ({"date": "2026-13-40"}, "date"),
        ({"minutes_late": -5}, "minutes_late"),
    ],
)
def test_bad_marks_are_field_errors(api, world, placed, mark, field):
    body = {"placement": placed.id, "date": day(1), "session": "AM", "code": "B", **mark}
    response = api(world.coordinator).post("/api/v1/attendance/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not AttendanceMark.objects.exists()


def test_a_mark_outside_the_placement_or_in_the_future_is_refused(api, world, placed):
    client = api(world.coordinator)
    before = (placed.start_date - timedelta(days=1)).isoformat()
    response = client.post(
        "/api/v1/attendance/",
        {"placement": placed.id, "date": before, "session": "AM", "code": "B"},
        format="json",
    )
    assert response.status_code == 400
    assert "was not running" in response.json()["date"][0]
    future = client.post(
        "/api/v1/attendance/",
        {"placement": placed.id, "date": day(-1), "session": "AM", "code": "B"},
        format="json",
    )
    assert future.status_code == 400
    assert not AttendanceMark.objects.exists()


def test_the_same_session_twice_in_one_list_is_refused(api, world, placed):
    mark = {"placement": placed.id, "date": day(1), "session": "AM", "code": "B"}
    response = api(world.coordinator).post(
        "/api/v1/attendance/", [mark, {**mark, "code": "I"}], format="json"
    )
    assert response.status_code == 400
    assert "repeats the AM session" in str(response.json())
    assert not AttendanceMark.objects.exists()


def test_marks_cannot_be_posted_for_a_placement_you_cannot_see(api, world, placed):
    response = api(world.other_coordinator).post(
        "/api/v1/attendance/",
        {"placement": placed.id, "date": day(1), "session": "AM", "code": "B"},
        format="json",
    )
    assert response.status_code == 400
    assert "placement" in response.json()
    ended = PlacementFactory(
        pupil=PupilFactory(school=world.school),
        provider=world.provider,
        start_date=timezone.localdate() - timedelta(days=60),
        end_date=timezone.localdate() - timedelta(days=10),
    )
    late = api(world.provider_staff).post(
        "/api/v1/register/",
        {"placement": ended.id, "date": day(20), "session": "AM", "code": "B"},
        format="json",
    )
    assert late.status_code == 400
    assert not AttendanceMark.objects.exists()


def test_marks_are_listed_per_role_and_filtered(api, world, placed):
    am = AttendanceMarkFactory(placement=placed, date=recent_weekday(1), session="AM")
    pm = AttendanceMarkFactory(placement=placed, date=recent_weekday(1), session="PM")
    other = AttendanceMarkFactory(placement=PlacementFactory(pupil=PupilFactory(school=world.other)))
    assert ids(api(world.coordinator).get("/api/v1/attendance/")) == {am.id, pm.id}
    assert api(world.provider_staff).get("/api/v1/attendance/").status_code == 403
    assert ids(api(world.other_coordinator).get("/api/v1/attendance/")) == {other.id}
    query = f"/api/v1/attendance/?placement={placed.id}&date={day(1)}&session=PM"
    assert ids(api(world.coordinator).get(query)) == {pm.id}
    assert api(world.coordinator).get(f"/api/v1/attendance/{other.id}/").status_code == 404
    assert api(world.coordinator).get("/api/v1/attendance/?session=XX").status_code == 400


def test_a_mark_is_corrected_with_patch(api, world, placed):
    mark = AttendanceMarkFactory(placement=placed, date=recent_weekday(1), code="N")
    response = api(world.coordinator).patch(f"/api/v1/attendance/{mark.id}/", {"code": "M"}, format="json")
    assert response.status_code == 200
    mark.refresh_from_db()
    assert mark.code == "M"
    bad = api(world.coordinator).patch(f"/api/v1/attendance/{mark.id}/", {"code": "ZZ"}, format="json")
    assert bad.status_code == 400


def test_moving_a_mark_onto_an_already_marked_session_is_a_400(api, world, placed):
    yesterday = recent_weekday(1)
    AttendanceMarkFactory(placement=placed, date=yesterday, session="AM")
    pm = AttendanceMarkFactory(placement=placed, date=yesterday, session="PM")
    response = api(world.coordinator).patch(f"/api/v1/attendance/{pm.id}/", {"session": "AM"}, format="json")
    assert response.status_code == 400


def test_a_mark_cannot_be_moved_to_another_session_and_stays_as_it_was(api, world, placed):
    yesterday = recent_weekday(1)
    mark = AttendanceMarkFactory(placement=placed, date=yesterday, session="PM", code="N")
    response = api(world.coordinator).patch(
        f"/api/v1/attendance/{mark.id}/", {"session": "AM"}, format="json"
    )
    assert response.status_code == 400
    assert "cannot be moved" in response.json()["session"][0]
    mark.refresh_from_db()
    assert (mark.session, mark.code) == ("PM", "N")


def test_a_corrected_mark_is_recorded_as_from_the_api_by_the_caller(api, world, placed):
    mark = AttendanceMarkFactory(placement=placed, date=recent_weekday(1), code="N")
    api(world.coordinator).patch(f"/api/v1/attendance/{mark.id}/", {"code": "I"}, format="json")
    mark.refresh_from_db()
    assert (mark.code, mark.source, mark.recorded_by) == ("I", "api", world.coordinator)


# --- Visits ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "dsl", "head", "partnership_coordinator"])
def test_school_staff_record_a_visit_and_read_it_back(api, world, placed, role):
    client = api(getattr(world, role))
    response = client.post(
        "/api/v1/visits/",
        {
            "placement": placed.id,
            "date": day(2),
            "pupil_seen": True,
            "notes": "Settled, working on the CSCS card",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    row = client.get(f"/api/v1/visits/{response.json()['id']}/").json()
    assert row == {
        **row,
        "placement": placed.id,
        "date": day(2),
        "pupil_seen": True,
        "visitor": getattr(world, role).id,
    }
    assert Visit.objects.get().recorded_by == getattr(world, role)


def test_provider_staff_neither_record_nor_read_visits(api, world, placed):
    visit = VisitFactory(placement=placed)
    client = api(world.provider_staff)
    response = client.post("/api/v1/visits/", {"placement": placed.id, "date": day(1)}, format="json")
    assert response.status_code == 403
    assert client.get("/api/v1/visits/").status_code == 403
    assert client.get(f"/api/v1/visits/{visit.id}/").status_code == 403


def test_a_visit_in_the_future_or_before_the_placement_is_refused(api, world, placed):
    client = api(world.coordinator)
    assert (
        client.post("/api/v1/visits/", {"placement": placed.id, "date": day(-3)}, format="json").status_code
        == 400
    )
    early = (placed.start_date - timedelta(days=3)).isoformat()
    response = client.post("/api/v1/visits/", {"placement": placed.id, "date": early}, format="json")
    assert response.status_code == 400
    assert "date" in response.json()
    assert not Visit.objects.exists()


def test_another_schools_visit_is_404_and_visits_filter_by_pupil(api, world, placed):
    own = VisitFactory(placement=placed)
    other = VisitFactory(placement=PlacementFactory(pupil=PupilFactory(school=world.other)))
    client = api(world.coordinator)
    assert client.get(f"/api/v1/visits/{other.id}/").status_code == 404
    assert client.patch(f"/api/v1/visits/{other.id}/", {"notes": "x"}, format="json").status_code == 404
    assert ids(client.get(f"/api/v1/visits/?pupil={placed.pupil_id}")) == {own.id}
    changed = client.patch(
        f"/api/v1/visits/{own.id}/", {"pupil_seen": False, "notes": "Pupil absent"}, format="json"
    )
    assert changed.json()["pupil_seen"] is False


# --- Follow-ups --------------------------------------------------------------------------------


def test_a_coordinator_records_a_follow_up_on_an_absence(api, world, placed):
    mark = AttendanceMarkFactory(placement=placed, date=recent_weekday(1), code="N")
    body = {
        "attendance": mark.id,
        "contacted": "Mother by phone",
        "contacted_at": timezone.now().isoformat(),
        "outcome": "safe_and_well",
        "note": "Unwell, back tomorrow",
    }
    response = api(world.coordinator).post("/api/v1/follow-ups/", body, format="json")
    assert response.status_code == 201, response.json()
    assert ids(api(world.coordinator).get(f"/api/v1/follow-ups/?attendance={mark.id}")) == {
        response.json()["id"]
    }
    assert FollowUp.objects.get().recorded_by == world.coordinator


def test_follow_ups_refuse_an_unknown_outcome_and_other_schools_marks(api, world, placed):
    mark = AttendanceMarkFactory(placement=placed, code="N")
    stranger = AttendanceMarkFactory(
        placement=PlacementFactory(pupil=PupilFactory(school=world.other)), code="N"
    )
    body = {"attendance": mark.id, "contacted": "Mother", "contacted_at": timezone.now().isoformat()}
    client = api(world.coordinator)
    assert "outcome" in client.post("/api/v1/follow-ups/", {**body, "outcome": "fine"}, format="json").json()
    response = client.post(
        "/api/v1/follow-ups/", {**body, "attendance": stranger.id, "outcome": "escalated"}, format="json"
    )
    assert response.status_code == 400 and "attendance" in response.json()
    assert not FollowUp.objects.exists()


def test_follow_ups_are_for_school_staff_only(api, world, placed):
    follow_up = FollowUpFactory(attendance=AttendanceMarkFactory(placement=placed, code="N"))
    assert ids(api(world.dsl).get("/api/v1/follow-ups/")) == {follow_up.id}
    assert api(world.provider_staff).get("/api/v1/follow-ups/").status_code == 403
    assert api(world.other_coordinator).get(f"/api/v1/follow-ups/{follow_up.id}/").status_code == 404
    response = api(world.provider_staff).post(
        "/api/v1/follow-ups/",
        {
            "attendance": follow_up.attendance_id,
            "contacted": "x",
            "contacted_at": timezone.now().isoformat(),
            "outcome": "other",
        },
        format="json",
    )
    assert response.status_code == 403
    patched = api(world.coordinator).patch(
        f"/api/v1/follow-ups/{follow_up.id}/", {"outcome": "escalated"}, format="json"
    )
    assert patched.json()["outcome"] == "escalated"


# --- Flags -------------------------------------------------------------------------------------


def test_flags_are_listed_with_their_fields_and_filtered(api, world, placed):
    visit = FlagFactory(
        kind=Flag.Kind.VISIT_OVERDUE,
        severity="red",
        school=world.school,
        pupil=placed.pupil,
        placement=placed,
        provider=world.provider,
        details={"half_term": 7},
    )
    hours = FlagFactory(
        kind=Flag.Kind.HOURS_BREACH_PUPIL,
        school=world.school,
        pupil=placed.pupil,
        details={"weekly_hours": 20, "days": 4, "limits_breached": ["hours", "days"]},
    )
    FlagFactory(kind=Flag.Kind.VISIT_DUE, school=world.other)
    client = api(world.coordinator)
    assert ids(client.get("/api/v1/flags/")) == {visit.id, hours.id}
    row = client.get(f"/api/v1/flags/{visit.id}/").json()
    assert row == {
        **row,
        "kind": "visit_overdue",
        "severity": "red",
        "school": world.school.id,
        "pupil": placed.pupil_id,
        "placement": placed.id,
        "provider": world.provider.id,
        "details": {"half_term": 7},
        "resolved_at": None,
    }
    assert ids(client.get("/api/v1/flags/?kind=hours_breach_pupil")) == {hours.id}
    assert ids(client.get(f"/api/v1/flags/?placement={placed.id}&open=true")) == {visit.id}
    assert ids(client.get("/api/v1/flags/?open=false")) == set()


def test_a_flag_is_resolved_with_a_reason_and_then_shows_as_closed(api, world, placed):
    flag = FlagFactory(school=world.school, pupil=placed.pupil)
    client = api(world.dsl)
    refused = client.post(f"/api/v1/flags/{flag.id}/resolve/", {"resolution": "  "}, format="json")
    assert refused.status_code == 400 and "resolution" in refused.json()
    response = client.post(
        f"/api/v1/flags/{flag.id}/resolve/", {"resolution": "Visited on Friday"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["resolution"] == "Visited on Friday"
    assert response.json()["resolved_at"] is not None
    flag.refresh_from_db()
    assert flag.resolved_by == world.dsl
    assert ids(client.get("/api/v1/flags/?open=true")) == set()


def test_flags_of_other_schools_are_404_and_provider_staff_see_none(api, world, placed):
    other = FlagFactory(school=world.other)
    own = FlagFactory(school=world.school)
    assert api(world.coordinator).get(f"/api/v1/flags/{other.id}/").status_code == 404
    resolve = api(world.coordinator).post(
        f"/api/v1/flags/{other.id}/resolve/", {"resolution": "x"}, format="json"
    )
    assert resolve.status_code == 404
    assert api(world.provider_staff).get("/api/v1/flags/").status_code == 403
    assert (
        api(world.provider_staff)
        .post(f"/api/v1/flags/{own.id}/resolve/", {"resolution": "x"}, format="json")
        .status_code
        == 403
    )
    other.refresh_from_db()
    assert other.resolved_at is None


def test_flags_cannot_be_created_or_edited_through_the_api(api, world):
    flag = FlagFactory(school=world.school)
    client = api(world.coordinator)
    assert client.post("/api/v1/flags/", {"kind": "visit_due"}, format="json").status_code == 405
    assert client.patch(f"/api/v1/flags/{flag.id}/", {"message": "x"}, format="json").status_code == 405
    assert results(client.get("/api/v1/flags/"))[0]["message"] == "A visit is due"


# --- Writes go through the same services as the pages -------------------------------------------


def test_a_follow_up_on_a_mark_that_is_not_an_absence_is_refused_as_on_the_pages(api, world, placed):
    present = AttendanceMarkFactory(placement=placed, code="B")
    absent = AttendanceMarkFactory(placement=placed, date=recent_weekday(1), code="N")
    body = {"contacted": "Mother", "contacted_at": timezone.now().isoformat(), "outcome": "safe_and_well"}
    client = api(world.coordinator)
    response = client.post("/api/v1/follow-ups/", {**body, "attendance": present.id}, format="json")
    assert response.status_code == 400
    assert "B is not an absence" in str(response.json())
    created = client.post("/api/v1/follow-ups/", {**body, "attendance": absent.id}, format="json")
    assert created.status_code == 201
    moved = client.patch(
        f"/api/v1/follow-ups/{created.json()['id']}/", {"attendance": present.id}, format="json"
    )
    assert moved.status_code == 400 and "attendance" in moved.json()
    assert FollowUp.objects.get().attendance == absent


def test_a_visit_by_api_names_the_caller_as_visitor_and_can_be_corrected(api, world, placed):
    client = api(world.coordinator)
    response = client.post(
        "/api/v1/visits/",
        {"placement": placed.id, "date": day(1), "visitor_name": "Sam Okafor", "wellbeing": "Cheerful"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    visit = Visit.objects.get()
    assert (visit.visitor, visit.visitor_name, visit.recorded_by) == (
        world.coordinator,
        "Sam Okafor",
        world.coordinator,
    )
    changed = client.patch(f"/api/v1/visits/{visit.id}/", {"date": day(-2)}, format="json")
    assert changed.status_code == 400 and "date" in changed.json()
    client.patch(f"/api/v1/visits/{visit.id}/", {"learning": "Finished the brickwork unit"}, format="json")
    visit.refresh_from_db()
    assert (visit.date.isoformat(), visit.learning) == (day(1), "Finished the brickwork unit")
