from datetime import date

import pytest

from apdash.models import AcademicYear, Closure, HalfTerm, School
from tests.api.helpers import ids, results
from tests.factories import ClosureFactory, HalfTermFactory, PartnershipFactory, SchoolFactory

pytestmark = pytest.mark.django_db


# --- Partnerships and schools ------------------------------------------------------------------


def test_each_role_lists_only_its_own_schools(api, world):
    assert ids(api(world.coordinator).get("/api/v1/schools/")) == {world.school.id}
    assert ids(api(world.partnership_coordinator).get("/api/v1/schools/")) == {
        world.school.id,
        world.sister.id,
    }
    assert api(world.provider_staff).get("/api/v1/schools/").status_code == 403
    assert ids(api(world.superuser).get("/api/v1/schools/")) >= {world.school.id, world.other.id}


def test_a_school_outside_your_view_is_404(api, world):
    assert api(world.coordinator).get(f"/api/v1/schools/{world.other.id}/").status_code == 404
    row = api(world.coordinator).get(f"/api/v1/schools/{world.school.id}/").json()
    assert row == {
        **row,
        "name": "Castle Hill Academy",
        "urn": world.school.urn,
        "partnership": world.partnership.id,
    }


def test_partnerships_show_the_users_own(api, world):
    assert ids(api(world.coordinator).get("/api/v1/partnerships/")) == {world.partnership.id}
    assert ids(api(world.other_coordinator).get("/api/v1/partnerships/")) == {world.other.partnership_id}
    row = api(world.partnership_coordinator).get(f"/api/v1/partnerships/{world.partnership.id}/").json()
    assert row["name"] == "Northshire AP Partnership"


@pytest.mark.parametrize("role", ["coordinator", "partnership_coordinator", "dsl", "head", "provider_staff"])
def test_only_a_superuser_creates_or_changes_schools(api, world, role):
    user = getattr(world, role)
    response = api(user).post("/api/v1/schools/", {"name": "New School", "urn": "999001"}, format="json")
    assert response.status_code == 403
    patch = api(user).patch(f"/api/v1/schools/{world.school.id}/", {"name": "Renamed"}, format="json")
    assert patch.status_code in (403, 404)
    assert api(user).post("/api/v1/partnerships/", {"name": "Another"}, format="json").status_code == 403
    world.school.refresh_from_db()
    assert world.school.name == "Castle Hill Academy"
    assert not School.objects.filter(urn="999001").exists()


def test_a_superuser_creates_a_partnership_and_a_school_in_it(api, world):
    client = api(world.superuser)
    partnership = client.post("/api/v1/partnerships/", {"name": "Eastvale Partnership"}, format="json")
    assert partnership.status_code == 201
    school = client.post(
        "/api/v1/schools/",
        {"name": "Eastvale Academy", "urn": "138001", "partnership": partnership.json()["id"]},
        format="json",
    )
    assert school.status_code == 201
    assert School.objects.get(urn="138001").partnership.name == "Eastvale Partnership"
    renamed = client.patch(
        f"/api/v1/schools/{school.json()['id']}/", {"name": "Eastvale Park"}, format="json"
    )
    assert renamed.json()["name"] == "Eastvale Park"


def test_a_duplicate_urn_is_a_field_error(api, world):
    response = api(world.superuser).post(
        "/api/v1/schools/", {"name": "Copy", "urn": world.school.urn}, format="json"
    )
    assert response.status_code == 400
    assert "urn" in response.json()


# --- Half terms --------------------------------------------------------------------------------


def test_a_partnership_coordinator_adds_a_half_term_and_the_academic_year_is_created(api, world):
    response = api(world.partnership_coordinator).post(
        "/api/v1/half-terms/",
        {
            "academic_year": "2027/28",
            "name": "Autumn 1",
            "start_date": "2027-09-02",
            "end_date": "2027-10-22",
            "partnership": world.partnership.id,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["academic_year"] == "2027/28"
    year = AcademicYear.objects.get(label="2027/28")
    assert (year.start_date.isoformat(), year.end_date.isoformat()) == ("2027-09-01", "2028-08-31")
    assert HalfTerm.objects.get(pk=response.json()["id"]).partnership == world.partnership


@pytest.mark.parametrize("label", ["2027-28", "2027/29", "27/28", ""])
def test_a_badly_written_academic_year_is_a_field_error_and_creates_nothing(api, world, label):
    response = api(world.partnership_coordinator).post(
        "/api/v1/half-terms/",
        {
            "academic_year": label,
            "name": "Autumn 1",
            "start_date": "2027-09-02",
            "end_date": "2027-10-22",
            "partnership": world.partnership.id,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "academic_year" in response.json()
    assert not HalfTerm.objects.exists()


def test_a_half_term_ending_before_it_starts_is_refused_and_the_year_is_not_left_behind(api, world):
    response = api(world.partnership_coordinator).post(
        "/api/v1/half-terms/",
        {
            "academic_year": "2030/31",
            "name": "Autumn 1",
            "start_date": "2030-10-22",
            "end_date": "2030-09-02",
            "partnership": world.partnership.id,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "non_field_errors" in response.json() or "end_date" in response.json()
    assert not HalfTerm.objects.exists()
    assert not AcademicYear.objects.filter(label="2030/31").exists()


def test_a_partnership_coordinator_cannot_write_another_partnerships_or_the_national_dates(api, world):
    client = api(world.partnership_coordinator)
    body = {
        "academic_year": "2026/27",
        "name": "Spring 1",
        "start_date": "2027-01-05",
        "end_date": "2027-02-12",
    }
    other = client.post(
        "/api/v1/half-terms/", {**body, "partnership": PartnershipFactory().id}, format="json"
    )
    assert other.status_code == 400 and "partnership" in other.json()
    national = client.post("/api/v1/half-terms/", body, format="json")
    assert national.status_code == 400 and "partnership" in national.json()
    assert not HalfTerm.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "dsl", "head"])
def test_school_roles_read_but_do_not_write_the_calendar(api, world, role):
    national = HalfTermFactory()
    client = api(getattr(world, role))
    listed = client.get("/api/v1/half-terms/")
    assert ids(listed) == {national.id}
    created = client.post(
        "/api/v1/half-terms/",
        {
            "academic_year": "2026/27",
            "name": "Spring 1",
            "start_date": "2027-01-05",
            "end_date": "2027-02-12",
            "partnership": world.partnership.id,
        },
        format="json",
    )
    assert created.status_code == 403
    assert (
        client.post(
            "/api/v1/closures/",
            {"date": "2026-11-23", "school": world.school.id, "reason": "INSET"},
            format="json",
        ).status_code
        == 403
    )


def test_a_partnership_coordinator_cannot_take_or_change_a_national_half_term(api, world):
    national = HalfTermFactory()
    client = api(world.partnership_coordinator)
    taken = client.patch(
        f"/api/v1/half-terms/{national.id}/", {"partnership": world.partnership.id}, format="json"
    )
    moved = client.patch(f"/api/v1/half-terms/{national.id}/", {"end_date": "2026-12-31"}, format="json")
    assert taken.status_code == 403 and moved.status_code == 403
    national.refresh_from_db()
    assert national.partnership is None and national.end_date != date(2026, 12, 31)


def test_a_partnership_coordinator_edits_their_own_copy_and_a_superuser_the_national_row(api, world):
    own = HalfTermFactory(partnership=world.partnership)
    national = HalfTermFactory(name="Spring 1")
    changed = api(world.partnership_coordinator).patch(
        f"/api/v1/half-terms/{own.id}/", {"end_date": own.end_date.isoformat()}, format="json"
    )
    assert changed.status_code == 200
    assert (
        api(world.superuser)
        .patch(
            f"/api/v1/half-terms/{national.id}/", {"end_date": national.end_date.isoformat()}, format="json"
        )
        .status_code
        == 200
    )


def test_the_admin_shows_national_half_terms_read_only_to_staff_who_are_not_superusers(client, world):
    from django.contrib.auth.models import Permission

    national = HalfTermFactory()
    staff = world.partnership_coordinator
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["change_halfterm", "view_halfterm"]))
    client.force_login(staff)
    url = f"/admin/apdash/halfterm/{national.id}/change/"
    response = client.post(
        url,
        {
            "name": national.name,
            "academic_year": national.academic_year_id,
            "start_date": national.start_date.isoformat(),
            "end_date": "2026-12-31",
            "partnership": world.partnership.id,
        },
    )
    assert response.status_code == 403
    national.refresh_from_db()
    assert national.partnership is None


def test_a_partnerships_own_half_terms_are_hidden_from_other_partnerships(api, world):
    own = HalfTermFactory(partnership=world.partnership)
    assert own.id in ids(api(world.coordinator).get("/api/v1/half-terms/"))
    assert own.id not in ids(api(world.other_coordinator).get("/api/v1/half-terms/"))
    assert api(world.other_coordinator).get(f"/api/v1/half-terms/{own.id}/").status_code == 404
    filtered = results(api(world.coordinator).get("/api/v1/half-terms/?academic_year=2026/27"))
    assert [row["name"] for row in filtered] == ["Autumn 2"]


def test_a_superuser_changes_the_national_half_terms(api, world):
    term = HalfTermFactory()
    response = api(world.superuser).patch(
        f"/api/v1/half-terms/{term.id}/", {"end_date": "2026-12-17"}, format="json"
    )
    assert response.status_code == 200
    term.refresh_from_db()
    assert term.end_date.isoformat() == "2026-12-17"


# --- Closures ----------------------------------------------------------------------------------


def test_a_partnership_coordinator_closes_one_school_or_the_whole_partnership(api, world):
    client = api(world.partnership_coordinator)
    inset = client.post(
        "/api/v1/closures/",
        {"date": "2026-11-23", "school": world.school.id, "reason": "INSET day"},
        format="json",
    )
    assert inset.status_code == 201
    bank = client.post(
        "/api/v1/closures/",
        {"date": "2026-12-28", "partnership": world.partnership.id, "reason": "Bank holiday"},
        format="json",
    )
    assert bank.status_code == 201
    assert ids(api(world.coordinator).get("/api/v1/closures/")) == {inset.json()["id"], bank.json()["id"]}
    assert ids(api(world.other_coordinator).get("/api/v1/closures/")) == set()
    assert client.delete(f"/api/v1/closures/{inset.json()['id']}/").status_code == 204


def test_a_closure_names_exactly_one_school_or_partnership(api, world):
    client = api(world.partnership_coordinator)
    both = client.post(
        "/api/v1/closures/",
        {
            "date": "2026-11-23",
            "school": world.school.id,
            "partnership": world.partnership.id,
            "reason": "INSET",
        },
        format="json",
    )
    assert both.status_code == 400 and "partnership" in both.json()
    neither = client.post("/api/v1/closures/", {"date": "2026-11-23", "reason": "INSET"}, format="json")
    assert neither.status_code == 400 and "school" in neither.json()
    elsewhere = client.post(
        "/api/v1/closures/",
        {"date": "2026-11-23", "school": world.other.id, "reason": "INSET"},
        format="json",
    )
    assert elsewhere.status_code == 400 and "school" in elsewhere.json()
    assert not Closure.objects.exists()


def test_a_closure_outside_your_view_is_404(api, world):
    closure = ClosureFactory(school=SchoolFactory())
    assert api(world.partnership_coordinator).get(f"/api/v1/closures/{closure.id}/").status_code == 404
    assert api(world.partnership_coordinator).delete(f"/api/v1/closures/{closure.id}/").status_code == 404


def test_a_partnership_coordinator_corrects_a_closure_and_a_school_coordinator_may_not(api, world):
    closure = ClosureFactory(school=world.school, reason="INSET")
    response = api(world.partnership_coordinator).patch(
        f"/api/v1/closures/{closure.id}/", {"reason": "INSET day: safeguarding training"}, format="json"
    )
    assert response.status_code == 200
    refused = api(world.coordinator).patch(
        f"/api/v1/closures/{closure.id}/", {"reason": "Snow"}, format="json"
    )
    assert refused.status_code == 403
    closure.refresh_from_db()
    assert closure.reason == "INSET day: safeguarding training"


def test_a_superuser_renames_a_partnership(api, world):
    response = api(world.superuser).patch(
        f"/api/v1/partnerships/{world.partnership.id}/", {"name": "Northshire Partnership"}, format="json"
    )
    assert response.status_code == 200
    world.partnership.refresh_from_db()
    assert world.partnership.name == "Northshire Partnership"
