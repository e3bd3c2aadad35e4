"""Every form reads the GOV.UK way (issue 17): an error summary, a date hint the field accepts as
shown, choices that say what to choose, and no school question for a user with one school."""

import pytest
from django.urls import reverse

from apdash.forms import DATE_HINT
from apdash.models import Membership, Role
from placements.models import Pupil
from tests.factories import FlagFactory, SchoolFactory, member, placement_with_timetable

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client):
    placement = placement_with_timetable()
    user = member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school)
    client.force_login(user)
    return placement, user


def test_forms_without_their_own_summary_now_show_the_govuk_error_summary(client, setup):
    placement, _ = setup
    flag = FlagFactory(school=placement.pupil.school, pupil=placement.pupil)
    for url in (
        reverse("placements:visit_create", args=[placement.pk]),
        reverse("placements:flag_resolve", args=[flag.pk]),
        reverse("placements:register_links"),
        reverse("inspection:census_export"),
    ):
        page = client.post(url, {"submit": "Save"}).content.decode()
        assert "govuk-error-summary" in page and "There is a problem" in page, url


def test_a_date_typed_as_the_hint_shows_it_is_accepted(client, setup):
    placement, _ = setup
    assert "27 3 2026" in DATE_HINT
    response = client.post(
        reverse("placements:pupil_create"),
        {
            "upn": "B801200005001",
            "first_name": "Kacey",
            "last_name": "Walsh",
            "date_of_birth": "27 3 2011",
            "year_group": "10",
            "sen_status": "none",
        },
    )
    assert response.status_code == 302
    assert Pupil.objects.get(upn="B801200005001").date_of_birth.isoformat() == "2011-03-27"


def test_no_form_offers_a_dashed_choice_and_one_school_is_not_asked(client, setup):
    placement, _ = setup
    for url in (
        reverse("placements:pupil_create"),
        reverse("placements:placement_create"),
        reverse("placements:pupil_import"),
        reverse("placements:attendance_import"),
        reverse("placements:register_links"),
        reverse("placements:qualification_create", args=[placement.pupil_id]),
        reverse("providers:qa_visit_create", args=[placement.provider_id]),
        reverse("inspection:census_export"),
        reverse("placements:flag_list"),
    ):
        page = client.get(url).content.decode()
        assert "---------" not in page, url
        assert '<select name="school"' not in page, url


def test_a_coordinator_of_two_schools_is_asked_which(client, setup):
    _, user = setup
    Membership.objects.create(user=user, role=Role.SCHOOL_COORDINATOR, school=SchoolFactory())
    page = client.get(reverse("placements:pupil_create")).content.decode()
    assert '<select name="school"' in page and "Choose school" in page
