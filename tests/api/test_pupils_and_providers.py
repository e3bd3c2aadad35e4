import pytest

from apdash.models import Role
from placements.models import Pupil
from providers.models import Provider
from tests.api.helpers import ids, results
from tests.factories import PupilFactory, member, placement_with_timetable

pytestmark = pytest.mark.django_db

NEW_PUPIL = {
    "upn": "B801200005001",
    "first_name": "Kacey",
    "last_name": "Walsh",
    "date_of_birth": "2011-03-14",
    "year_group": 10,
    "sen_status": "ehcp",
    "looked_after": True,
}


# --- Pupils ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "partnership_coordinator", "superuser"])
def test_a_coordinator_adds_a_pupil_and_reads_it_back(api, world, role):
    client = api(getattr(world, role))
    response = client.post("/api/v1/pupils/", {**NEW_PUPIL, "school": world.school.id}, format="json")
    assert response.status_code == 201, response.json()
    pupil = client.get(f"/api/v1/pupils/{response.json()['id']}/").json()
    assert pupil == {
        **pupil,
        **NEW_PUPIL,
        "school": world.school.id,
        "id": response.json()["id"],
    }


@pytest.mark.parametrize("role", ["dsl", "head", "provider_staff"])
def test_dsls_heads_and_provider_staff_cannot_add_pupils(api, world, role):
    response = api(getattr(world, role)).post(
        "/api/v1/pupils/", {**NEW_PUPIL, "school": world.school.id}, format="json"
    )
    assert response.status_code == 403
    assert not Pupil.objects.exists()


def test_a_pupil_cannot_be_added_to_a_school_outside_your_view(api, world):
    response = api(world.coordinator).post(
        "/api/v1/pupils/", {**NEW_PUPIL, "school": world.other.id}, format="json"
    )
    assert response.status_code == 400
    assert "school" in response.json()
    assert not Pupil.objects.exists()


@pytest.mark.parametrize(
    ("upn", "words"),
    [
        ("A801200005001", "check letter"),
        ("B80120000500", "13 characters"),
        ("B999200005001", "local authority"),
    ],
)
def test_a_bad_upn_is_a_field_error_that_says_what_is_wrong(api, world, upn, words):
    response = api(world.coordinator).post(
        "/api/v1/pupils/", {**NEW_PUPIL, "upn": upn, "school": world.school.id}, format="json"
    )
    assert response.status_code == 400
    assert words in response.json()["upn"][0]
    assert not Pupil.objects.exists()


def test_a_upn_already_on_roll_is_refused_even_in_lower_case(api, world):
    PupilFactory(upn="B801200005001", school=world.school)
    response = api(world.coordinator).post(
        "/api/v1/pupils/", {**NEW_PUPIL, "upn": "b801200005001", "school": world.school.id}, format="json"
    )
    assert response.status_code == 400
    assert "upn" in response.json()
    assert Pupil.objects.count() == 1


def test_a_year_group_outside_7_to_13_is_refused(api, world):
    response = api(world.coordinator).post(
        "/api/v1/pupils/", {**NEW_PUPIL, "year_group": 5, "school": world.school.id}, format="json"
    )
    assert response.status_code == 400
    assert not Pupil.objects.exists()


def test_each_role_lists_the_pupils_it_may_see(api, world):
    own = PupilFactory(school=world.school)
    sister = PupilFactory(school=world.sister)
    other = PupilFactory(school=world.other)
    placement_with_timetable(pupil=own, provider=world.provider)
    assert ids(api(world.coordinator).get("/api/v1/pupils/")) == {own.id}
    assert ids(api(world.dsl).get("/api/v1/pupils/")) == {own.id}
    assert ids(api(world.head).get("/api/v1/pupils/")) == {own.id}
    assert ids(api(world.partnership_coordinator).get("/api/v1/pupils/")) == {own.id, sister.id}
    assert ids(api(world.superuser).get("/api/v1/pupils/")) == {own.id, sister.id, other.id}
    # Provider staff mark the register; they do not browse pupils, even the ones placed with them.
    assert api(world.provider_staff).get("/api/v1/pupils/").status_code == 403
    assert api(world.provider_staff).get(f"/api/v1/pupils/{own.id}/").status_code == 403


def test_another_schools_pupil_is_404_to_read_and_to_change(api, world):
    other = PupilFactory(school=world.other, first_name="Jordan")
    client = api(world.coordinator)
    assert client.get(f"/api/v1/pupils/{other.id}/").status_code == 404
    assert client.patch(f"/api/v1/pupils/{other.id}/", {"first_name": "X"}, format="json").status_code == 404
    other.refresh_from_db()
    assert other.first_name == "Jordan"


def test_a_coordinator_updates_a_pupil_and_a_dsl_may_not(api, world):
    pupil = PupilFactory(school=world.school, sen_status="none")
    response = api(world.coordinator).patch(
        f"/api/v1/pupils/{pupil.id}/", {"sen_status": "sen_support"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["sen_status"] == "sen_support"
    assert (
        api(world.dsl).patch(f"/api/v1/pupils/{pupil.id}/", {"looked_after": True}, format="json").status_code
        == 403
    )
    pupil.refresh_from_db()
    assert (pupil.sen_status, pupil.looked_after) == ("sen_support", False)


def test_pupils_filter_by_school_and_send_status(api, world):
    ehcp = PupilFactory(school=world.school, sen_status="ehcp")
    PupilFactory(school=world.sister, sen_status="ehcp")
    PupilFactory(school=world.school, sen_status="none")
    client = api(world.partnership_coordinator)
    assert ids(client.get(f"/api/v1/pupils/?school={world.school.id}&sen_status=ehcp")) == {ehcp.id}
    assert client.get("/api/v1/pupils/?sen_status=unknown").status_code == 400


# --- Providers ---------------------------------------------------------------------------------

NEW_PROVIDER = {
    "name": "Harbour Tuition",
    "registration_status": "unregistered",
    "provider_type": "tuition",
    "urn": "",
    "ukprn": "10012345",
    "address": "1 Quay Street, Northport",
}


@pytest.mark.parametrize("role", ["coordinator", "partnership_coordinator", "superuser"])
def test_a_coordinator_adds_a_provider_to_the_register(api, world, role):
    client = api(getattr(world, role))
    response = client.post("/api/v1/providers/", NEW_PROVIDER, format="json")
    assert response.status_code == 201, response.json()
    row = client.get(f"/api/v1/providers/{response.json()['id']}/").json()
    assert row == {**row, **NEW_PROVIDER}


@pytest.mark.parametrize("role", ["dsl", "head", "provider_staff"])
def test_other_roles_cannot_add_or_change_providers(api, world, role):
    client = api(getattr(world, role))
    assert client.post("/api/v1/providers/", NEW_PROVIDER, format="json").status_code == 403
    patch = client.patch(f"/api/v1/providers/{world.provider.id}/", {"name": "Renamed"}, format="json")
    assert patch.status_code in (403, 404)
    assert not Provider.objects.filter(name__in=["Harbour Tuition", "Renamed"]).exists()


def test_an_unknown_registration_status_is_a_field_error(api, world):
    response = api(world.coordinator).post(
        "/api/v1/providers/", {**NEW_PROVIDER, "registration_status": "pending"}, format="json"
    )
    assert response.status_code == 400
    assert "registration_status" in response.json()


def test_school_staff_read_the_shared_register_and_provider_staff_do_not_browse_it(api, world):
    assert world.provider.id in ids(api(world.dsl).get("/api/v1/providers/"))
    assert api(world.provider_staff).get("/api/v1/providers/").status_code == 403
    assert api(world.provider_staff).get(f"/api/v1/providers/{world.provider.id}/").status_code == 403


def test_a_coordinator_records_a_registration_check_and_filters_the_register(api, world):
    placement_with_timetable(pupil=PupilFactory(school=world.school), provider=world.provider)
    client = api(world.coordinator)
    response = client.patch(
        f"/api/v1/providers/{world.provider.id}/",
        {
            "registration_status": "registered",
            "urn": "148000",
            "registration_checked_on": "2026-11-02",
            "registration_check_notes": "GIAS: independent school, open.",
        },
        format="json",
    )
    assert response.status_code == 200
    assert [
        row["name"] for row in results(client.get("/api/v1/providers/?registration_status=registered"))
    ] == ["Forge Skills Centre"]


def test_provider_staff_of_another_provider_see_nothing_of_this_one(api, world):
    stranger = member(Role.PROVIDER_STAFF, provider=placement_with_timetable().provider)
    # Provider staff reach only their register (issue 13 #12): refused before any lookup.
    assert api(stranger).get(f"/api/v1/providers/{world.provider.id}/").status_code == 403


def test_a_coordinator_cannot_change_the_registration_of_a_provider_their_schools_do_not_use(api, world):
    elsewhere = placement_with_timetable(pupil=PupilFactory(school=world.other), provider=world.provider)
    assert elsewhere.provider == world.provider
    response = api(world.coordinator).patch(
        f"/api/v1/providers/{world.provider.id}/",
        {"registration_status": "registered", "urn": "148000", "registration_check_notes": "trust me"},
        format="json",
    )
    assert response.status_code == 403
    world.provider.refresh_from_db()
    assert world.provider.registration_status == "unregistered" and world.provider.urn == ""


def test_the_partnership_that_added_a_provider_may_change_it_and_the_change_is_audited(api, world):
    from apdash.models import AuditEvent

    created = api(world.coordinator).post("/api/v1/providers/", NEW_PROVIDER, format="json").json()
    sister = member(Role.SCHOOL_COORDINATOR, school=world.sister)
    unexplained = api(sister).patch(
        f"/api/v1/providers/{created['id']}/", {"registration_status": "registered"}, format="json"
    )
    assert unexplained.status_code == 400 and "registration_check_notes" in unexplained.json()
    changed = api(sister).patch(
        f"/api/v1/providers/{created['id']}/",
        {"registration_status": "registered", "registration_check_notes": "GIAS 148001: open"},
        format="json",
    )
    assert changed.status_code == 200
    event = AuditEvent.objects.get(action="provider_registration_changed", object_id=str(created["id"]))
    assert event.actor == sister
    assert event.details["changes"] == {"registration_status": ["unregistered", "registered"]}
    assert event.details["evidence"] == "GIAS 148001: open"
    assert (
        api(world.other_coordinator)
        .patch(f"/api/v1/providers/{created['id']}/", {"registration_status": "unregistered"}, format="json")
        .status_code
        == 403
    )


def test_a_date_of_birth_outside_ages_9_to_20_is_a_field_error(api, world):
    client = api(world.coordinator)
    for typo in ("1911-03-14", "2021-03-14"):
        response = client.post(
            "/api/v1/pupils/", {**NEW_PUPIL, "date_of_birth": typo, "school": world.school.id}, format="json"
        )
        assert response.status_code == 400 and "date_of_birth" in response.json(), typo
    assert not Pupil.objects.exists()
