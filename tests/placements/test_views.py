import pytest
from django.urls import reverse

from apdash.models import Role
from placements.models import Pupil
from tests.factories import (
    PartnershipFactory,
    PupilFactory,
    SchoolFactory,
    UserFactory,
    member,
    placement_with_timetable,
)

pytestmark = pytest.mark.django_db


def test_school_a_coordinator_gets_404_for_a_school_b_pupil(client):
    school_a, school_b = SchoolFactory(), SchoolFactory()
    pupil_b = PupilFactory(school=school_b)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school_a))
    assert client.get(reverse("placements:pupil_detail", args=[pupil_b.pk])).status_code == 404


def test_coordinator_opens_their_own_pupil(client):
    pupil = PupilFactory()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=pupil.school))
    response = client.get(reverse("placements:pupil_detail", args=[pupil.pk]))
    assert response.status_code == 200
    assert pupil.upn in response.content.decode()


def test_partnership_coordinator_lists_pupils_of_every_school_in_the_partnership_only(client):
    partnership = PartnershipFactory()
    a = PupilFactory(school=SchoolFactory(partnership=partnership), last_name="Alderman")
    b = PupilFactory(school=SchoolFactory(partnership=partnership), last_name="Brightwell")
    outsider = PupilFactory(last_name="Outhwaite")
    client.force_login(member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership))
    page = client.get(reverse("placements:pupil_list")).content.decode()
    assert a.last_name in page and b.last_name in page
    assert outsider.last_name not in page
    assert client.get(reverse("placements:pupil_detail", args=[outsider.pk])).status_code == 404


def test_provider_staff_cannot_open_the_pupil_list_or_a_pupil(client):
    placement = placement_with_timetable()
    client.force_login(member(Role.PROVIDER_STAFF, provider=placement.provider))
    assert client.get(reverse("placements:pupil_list")).status_code == 404
    assert client.get(reverse("placements:pupil_detail", args=[placement.pupil.pk])).status_code == 404


def test_the_pupil_form_refuses_a_bad_upn_and_saves_nothing(client):
    school = SchoolFactory()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    response = client.post(
        reverse("placements:pupil_create"),
        {
            "upn": "A801200005001",
            "first_name": "Kacey",
            "last_name": "Walsh",
            "date_of_birth": "17/05/2011",
            "year_group": "10",
            "school": school.pk,
            "sen_status": "none",
        },
    )
    assert response.status_code == 200
    assert "check letter does not match" in response.content.decode()
    assert not Pupil.objects.exists()


def test_the_pupil_form_adds_a_pupil_with_a_good_upn(client):
    school = SchoolFactory()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    response = client.post(
        reverse("placements:pupil_create"),
        {
            "upn": "b801200005001",
            "first_name": "Kacey",
            "last_name": "Walsh",
            "date_of_birth": "17/05/2011",
            "year_group": "10",
            "school": school.pk,
            "sen_status": "ehcp",
        },
    )
    assert response.status_code == 302
    assert Pupil.objects.get().upn == "B801200005001"


def test_a_coordinator_cannot_add_a_pupil_to_another_school(client):
    school, other = SchoolFactory(), SchoolFactory()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    client.post(
        reverse("placements:pupil_create"),
        {
            "upn": "B801200005001",
            "first_name": "A",
            "last_name": "B",
            "date_of_birth": "17/05/2011",
            "year_group": "10",
            "school": other.pk,
            "sen_status": "none",
        },
    )
    assert not Pupil.objects.exists()


def test_the_admin_refuses_a_bad_upn(client):
    school = SchoolFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:placements_pupil_add"),
        {
            "upn": "A801200005001",
            "first_name": "A",
            "last_name": "B",
            "date_of_birth": "2011-05-17",
            "year_group": "10",
            "school": school.pk,
            "sen_status": "none",
        },
    )
    assert response.status_code == 200
    assert "check letter does not match" in response.content.decode()
    assert not Pupil.objects.exists()


@pytest.mark.parametrize("rows", [10, 200])
def test_pupil_list_runs_a_constant_number_of_queries(client, django_assert_max_num_queries, rows):
    school = SchoolFactory()
    for _ in range(rows):
        placement_with_timetable(pupil=PupilFactory(school=school))
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("placements:pupil_list"))
    assert response.status_code == 200
