import pytest
from django.urls import reverse

from apdash.models import Role
from tests.factories import PartnershipFactory, SchoolFactory, member, placement_with_timetable

pytestmark = pytest.mark.django_db


def test_signed_out_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        (Role.SCHOOL_COORDINATOR, "Today"),
        (Role.HEAD, "Alternative provision at a glance"),
        (Role.DSL, "Safeguarding"),
        (Role.PARTNERSHIP_COORDINATOR, "Partnership overview"),
    ],
)
def test_each_role_reaches_its_home_page(client, role, heading):
    school = SchoolFactory(partnership=PartnershipFactory())
    where = (
        {"partnership": school.partnership} if role == Role.PARTNERSHIP_COORDINATOR else {"school": school}
    )
    client.force_login(member(role, **where))
    assert heading in client.get(reverse("home")).content.decode()


def test_provider_staff_home_lists_only_their_pupils_today(client):
    placement = placement_with_timetable()
    other = placement_with_timetable()
    client.force_login(member(Role.PROVIDER_STAFF, provider=placement.provider))
    page = client.get(reverse("home")).content.decode()
    assert placement.pupil.full_name in page
    assert other.pupil.full_name not in page
