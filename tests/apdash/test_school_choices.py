"""Filtering list pages by school when a user sees many schools: a superuser is asked for the
partnership first, and then offered only its schools."""

import pytest
from django.urls import reverse

from apdash import school_choices as choices
from apdash.models import Role
from placements.models import Flag
from tests.factories import FlagFactory, PartnershipFactory, PupilFactory, SchoolFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def few(monkeypatch):
    """Two schools count as many here, so a test needs no hundred schools."""
    monkeypatch.setattr(choices, "SCHOOL_CHOICES_LIMIT", 2)


def two_partnerships():
    north, south = PartnershipFactory(name="North"), PartnershipFactory(name="South")
    schools = {
        "Ash": SchoolFactory(name="Ash", partnership=north),
        "Birch": SchoolFactory(name="Birch", partnership=north),
        "Cedar": SchoolFactory(name="Cedar", partnership=south),
    }
    return north, south, schools


def test_a_user_of_few_schools_is_offered_them_all_and_no_partnership():
    north, _, schools = two_partnerships()
    user = member(Role.PARTNERSHIP_COORDINATOR, partnership=north)
    offered = choices.school_choices(user, {})
    assert offered.partnerships is None and offered.ask_school
    assert [s.name for s in offered.schools] == ["Ash", "Birch"]


def test_a_user_of_many_schools_chooses_a_partnership_then_its_schools(few):
    north, south, schools = two_partnerships()
    user = member(Role.SUPERUSER)
    offered = choices.school_choices(user, {})
    assert [p.name for p in offered.partnerships] == ["North", "South"] and not offered.ask_school
    offered = choices.school_choices(user, {"partnership": str(south.pk)})
    assert [s.name for s in offered.schools] == ["Cedar"]
    # A link to one school's rows (from the home page) offers that school's partnership.
    offered = choices.school_choices(user, {"school": str(schools["Birch"].pk)})
    assert [s.name for s in offered.schools] == ["Ash", "Birch"]


def test_a_superuser_narrows_the_flags_to_a_partnership_and_a_school_link_still_works(client, few):
    north, south, schools = two_partnerships()
    for name, school in schools.items():
        FlagFactory(school=school, kind=Flag.Kind.VISIT_OVERDUE, message=f"Visit overdue at {name}")
    client.force_login(member(Role.SUPERUSER))
    url = reverse("placements:flag_list")
    page = client.get(url).content.decode()
    assert 'name="partnership"' in page and 'name="school"' not in page
    assert "3 flags" in page
    page = client.get(url, {"partnership": north.pk}).content.decode()
    assert "at Ash" in page and "at Birch" in page and "at Cedar" not in page
    assert '<option value="{}">Birch</option>'.format(schools["Birch"].pk) in page
    page = client.get(url, {"school": schools["Cedar"].pk}).content.decode()
    assert "at Cedar" in page and "at Ash" not in page


def test_a_superuser_narrows_the_pupils_and_the_today_board_to_a_partnership(client, few):
    north, south, schools = two_partnerships()
    PupilFactory(school=schools["Ash"], last_name="Northerner")
    PupilFactory(school=schools["Cedar"], last_name="Southerner")
    client.force_login(member(Role.SUPERUSER))
    for name in ("placements:pupil_list", "placements:today"):
        page = client.get(reverse(name), {"partnership": south.pk}).content.decode()
        assert "Southerner" in page and "Northerner" not in page, name
        assert 'name="partnership"' in page, name


def test_a_superusers_attendance_picker_offers_one_partnerships_schools_at_a_time(client, few):
    north, south, schools = two_partnerships()
    client.force_login(member(Role.SUPERUSER))
    url = reverse("placements:register_grid")
    page = client.get(url).content.decode()
    # The first school by name, and the schools of its partnership only.
    assert '<span class="govuk-caption-l">Ash</span>' in page
    assert f'<option value="{schools["Birch"].pk}">Birch</option>' in page and ">Cedar<" not in page
    assert f'<option value="{north.pk}" selected>North</option>' in page
    # Choosing another partnership (the picker still sends the school shown) shows its first school.
    page = client.get(url, {"partnership": south.pk, "school": schools["Ash"].pk}).content.decode()
    assert '<span class="govuk-caption-l">Cedar</span>' in page
    assert client.get(url, {"school": "999999"}).status_code == 404


def test_service_staff_choose_a_partnership_first_however_few_the_schools():
    north, south, schools = two_partnerships()
    offered = choices.school_choices(member(Role.SUPERUSER), {})
    assert [p.name for p in offered.partnerships] == ["North", "South"] and not offered.ask_school
    offered = choices.school_choices(member(Role.SUPERUSER), {"partnership": str(north.pk)})
    assert [s.name for s in offered.schools] == ["Ash", "Birch"]
