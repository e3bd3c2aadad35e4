import pytest
from django.urls import reverse

from apdash.models import Membership, Role
from placements.models import Pupil
from tests.factories import (
    FlagFactory,
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
    # One school: the form does not ask, and a school posted anyway is replaced by their own.
    assert not Pupil.objects.filter(school=other).exists()


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


@pytest.fixture
def school_and_client(client):
    school = SchoolFactory()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    return school


def listed(client, **params):
    return client.get(reverse("placements:pupil_list"), params).content.decode()


def test_the_pupil_list_filters_by_year_group_sen_and_looked_after(client, school_and_client):
    school = school_and_client
    PupilFactory(school=school, last_name="Yearten", year_group=10)
    PupilFactory(school=school, last_name="Ehcpson", year_group=11, sen_status="ehcp", looked_after=True)
    assert "Yearten" in listed(client, year_group=10) and "Ehcpson" not in listed(client, year_group=10)
    assert "Ehcpson" in listed(client, sen_status="ehcp") and "Yearten" not in listed(
        client, sen_status="ehcp"
    )
    assert "Ehcpson" in listed(client, looked_after="yes") and "Yearten" not in listed(
        client, looked_after="yes"
    )


def test_the_pupil_list_filters_by_current_provider_and_open_flags(client, school_and_client):
    school = school_and_client
    placed = placement_with_timetable(pupil=PupilFactory(school=school, last_name="Placed"))
    flagged = PupilFactory(school=school, last_name="Flagged")
    FlagFactory(school=school, pupil=flagged)
    page = listed(client, provider=placed.provider.pk)
    assert "Placed" in page and "Flagged" not in page
    page = listed(client, has_open_flags="yes")
    assert "Flagged" in page and "Placed" not in page
    assert "Placed" in listed(client, has_open_flags="no")


def test_the_pupil_list_searches_by_name_and_upn(client, school_and_client):
    school = school_and_client
    kacey = PupilFactory(school=school, first_name="Kacey", last_name="Walsh")
    PupilFactory(school=school, first_name="Jordan", last_name="Okafor")
    assert "Walsh" in listed(client, q="kacey") and "Okafor" not in listed(client, q="kacey")
    assert "Walsh" in listed(client, q=kacey.upn.lower()) and "Okafor" not in listed(client, q=kacey.upn)


def test_the_pupil_list_is_paginated(client, school_and_client):
    for _ in range(55):
        PupilFactory(school=school_and_client)
    first = listed(client)
    assert "55 pupils" in first and 'aria-label="Page 2"' in first
    assert listed(client, page=2).count('href="/pupils/') >= 5


def test_the_pupil_export_follows_the_filters(client, school_and_client):
    school = school_and_client
    PupilFactory(school=school, last_name="Yearten", year_group=10)
    PupilFactory(school=school, last_name="Yeareleven", year_group=11)
    text = client.get(reverse("placements:pupil_export"), {"year_group": 10}).content.decode()
    assert text.splitlines()[0].startswith("UPN,Forename,Surname,Date of birth,Year group")
    assert "Yearten" in text and "Yeareleven" not in text and "Year 10" in text


def test_the_pupil_page_shows_timetable_grid_visits_attendance_and_flags(client, school_and_client):
    from datetime import date

    from tests.factories import AttendanceMarkFactory, VisitFactory, seed_calendar

    seed_calendar(2026)
    pupil = PupilFactory(school=school_and_client)
    placement = placement_with_timetable(pupil=pupil, days=(0, 2))
    VisitFactory(placement=placement, date=date(2026, 11, 12))
    AttendanceMarkFactory(placement=placement, date=date(2026, 11, 16), session="AM", code="B")
    AttendanceMarkFactory(placement=placement, date=date(2026, 11, 16), session="PM", code="N")
    FlagFactory(school=pupil.school, pupil=pupil, message="Visit due this half term")
    FlagFactory(school=pupil.school, pupil=pupil, message="Old news", resolved_at="2026-11-01T10:00:00Z")
    page = client.get(reverse("placements:pupil_detail", args=[pupil.pk])).content.decode()
    assert f"{placement.provider.name} 09:00–15:00" in page
    assert "Seen 12 Nov" in page
    assert "50.0%" in page
    assert "Visit due this half term" in page and "Old news" not in page


def _pupil_details(pupil, **changes):
    return {
        "upn": pupil.upn,
        "first_name": pupil.first_name,
        "last_name": pupil.last_name,
        "date_of_birth": pupil.date_of_birth.strftime("%d/%m/%Y"),
        "year_group": str(pupil.year_group),
        "school": pupil.school_id,
        "sen_status": pupil.sen_status,
        **changes,
    }


def test_a_coordinator_changes_a_pupils_details_from_the_pupil_page(client):
    pupil = PupilFactory(year_group=9)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=pupil.school))
    page = client.get(reverse("placements:pupil_detail", args=[pupil.pk])).content.decode()
    assert reverse("placements:pupil_edit", args=[pupil.pk]) in page
    form = client.get(reverse("placements:pupil_edit", args=[pupil.pk])).content.decode()
    assert "Change pupil details" in form and pupil.upn in form
    response = client.post(
        reverse("placements:pupil_edit", args=[pupil.pk]),
        _pupil_details(pupil, year_group="10", sen_status="ehcp", looked_after="on"),
    )
    assert response.status_code == 302
    assert response.url == reverse("placements:pupil_detail", args=[pupil.pk])
    pupil.refresh_from_db()
    assert (pupil.year_group, pupil.sen_status, pupil.looked_after) == (10, "ehcp", True)


def test_changing_a_pupil_rechecks_the_upn_and_saves_nothing_when_it_is_wrong(client):
    pupil = PupilFactory(first_name="Kacey")
    taken = PupilFactory(school=pupil.school)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=pupil.school))
    url = reverse("placements:pupil_edit", args=[pupil.pk])
    bad = client.post(url, _pupil_details(pupil, upn="A801200005001", first_name="Kacie"))
    assert bad.status_code == 200
    assert "check letter does not match" in bad.content.decode()
    duplicate = client.post(url, _pupil_details(pupil, upn=taken.upn.lower()))
    assert "A pupil with this UPN is already on apdash." in duplicate.content.decode()
    before = pupil.upn
    pupil.refresh_from_db()
    assert (pupil.upn, pupil.first_name) == (before, "Kacey")


def test_a_coordinator_cannot_move_a_pupil_to_a_school_they_cannot_see(client):
    pupil = PupilFactory()
    other = SchoolFactory()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=pupil.school))
    response = client.post(
        reverse("placements:pupil_edit", args=[pupil.pk]), _pupil_details(pupil, school=other.pk)
    )
    # With one school the form does not ask: a school posted anyway is replaced by their own.
    assert response.status_code == 302
    pupil.refresh_from_db()
    assert pupil.school_id != other.pk


def test_a_coordinator_of_two_schools_cannot_move_a_pupil_to_a_third(client):
    pupil = PupilFactory()
    user = member(Role.SCHOOL_COORDINATOR, school=pupil.school)
    Membership.objects.create(user=user, role=Role.SCHOOL_COORDINATOR, school=SchoolFactory())
    other = SchoolFactory()
    client.force_login(user)
    response = client.post(
        reverse("placements:pupil_edit", args=[pupil.pk]), _pupil_details(pupil, school=other.pk)
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    pupil.refresh_from_db()
    assert pupil.school_id != other.pk


def test_changing_another_schools_pupil_is_404(client):
    pupil = PupilFactory(first_name="Kacey")
    placement = placement_with_timetable(pupil=pupil)
    url = reverse("placements:pupil_edit", args=[pupil.pk])
    for user in (
        member(Role.SCHOOL_COORDINATOR, school=SchoolFactory()),
        member(Role.PROVIDER_STAFF, provider=placement.provider),
    ):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, _pupil_details(pupil, first_name="Kacie")).status_code == 404
    pupil.refresh_from_db()
    assert pupil.first_name == "Kacey"
