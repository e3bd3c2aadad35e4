import pytest
from django.urls import reverse

from apdash.models import Role
from tests.factories import (
    PartnershipFactory,
    SchoolFactory,
    member,
    placement_with_timetable,
    sign_in_with_two_factor,
)

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
def test_each_role_reaches_its_home_page(sign_in, role, heading):
    school = SchoolFactory(partnership=PartnershipFactory())
    where = (
        {"partnership": school.partnership} if role == Role.PARTNERSHIP_COORDINATOR else {"school": school}
    )
    client = sign_in(member(role, **where))
    assert heading in client.get(reverse("home")).content.decode()


def test_provider_staff_home_lists_only_their_pupils_today(client):
    placement = placement_with_timetable()
    other = placement_with_timetable()
    client.force_login(member(Role.PROVIDER_STAFF, provider=placement.provider))
    page = client.get(reverse("home")).content.decode()
    assert placement.pupil.full_name in page
    assert other.pupil.full_name not in page


def test_a_school_coordinators_home_has_the_board_open_flags_and_visits_due(client):
    from datetime import date

    from tests.factories import FlagFactory, PupilFactory, VisitFactory, seed_calendar

    seed_calendar(2026)
    school = SchoolFactory()
    unseen = placement_with_timetable(pupil=PupilFactory(school=school, last_name="Unseen"))
    seen = placement_with_timetable(pupil=PupilFactory(school=school, last_name="Seenwell"))
    VisitFactory(placement=seen, date=date(2026, 11, 10))
    FlagFactory(school=school, pupil=unseen.pupil, message="Attendance not received on Friday")
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    page = client.get(reverse("home")).content.decode()
    assert "Where pupils are" in page and unseen.provider.name in page
    assert "Attendance not received on Friday" in page
    visits = page.split("Visits due this half term")[1]
    assert "Unseen" in visits and "Seenwell" not in visits


def test_a_partnership_coordinators_home_counts_each_school_and_lists_providers_with_issues(client):
    from tests.factories import FlagFactory, ProviderFactory, PupilFactory

    partnership = PartnershipFactory()
    a, b = SchoolFactory(partnership=partnership, name="Alder School"), SchoolFactory(partnership=partnership)
    placement_with_timetable(pupil=PupilFactory(school=a))
    PupilFactory(school=a)
    PupilFactory(school=b)
    troubled = ProviderFactory(name="Troubled Provider")
    FlagFactory(school=None, provider=troubled, message="Five full-time pupils across schools")
    placement_with_timetable(pupil=PupilFactory(school=b), provider=troubled)
    client.force_login(member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership))
    page = client.get(reverse("home")).content.decode()
    assert "Alder School" in page and b.name in page
    # A summary, not a wall of messages: the provider, and its flags counted by kind.
    assert "Troubled Provider" in page and "1 visit due" in page.lower()
    assert "Five full-time pupils across schools" not in page


def test_a_coordinators_home_lists_the_ten_providers_with_most_open_flags_counted_by_kind(client):
    """At England scale a partnership's settings carry thousands of open flags: the home page shows
    the worst ten settings, each with its open flags counted by kind, never the messages."""
    from tests.factories import FlagFactory, ProviderFactory

    school = SchoolFactory()
    providers = [ProviderFactory(name=f"Setting {n:02d}") for n in range(12)]
    for n, provider in enumerate(providers):
        placement_with_timetable(pupil__school=school, provider=provider)
        for i in range(n + 1):
            FlagFactory(school=school, provider=provider, message=f"Issue {i} at {provider.name}")
    FlagFactory(school=school, provider=providers[11], kind="audit_expired", message="The red one")
    client.force_login(member(Role.PARTNERSHIP_COORDINATOR, partnership=school.partnership))
    page = client.get(reverse("home")).content.decode()
    section = page.split("Providers with open flags")[1]
    assert "Setting 11" in section and "Setting 02" in section and "Setting 01" not in section
    assert section.index("Setting 11") < section.index("Setting 10")
    assert "12 visit due" in section.lower() and "1 " in section and "The red one" not in section


def test_a_heads_home_summarises_providers_and_flags(client):
    from tests.factories import FlagFactory, ProviderFactory, PupilFactory

    school = SchoolFactory()
    placement_with_timetable(pupil=PupilFactory(school=school), provider=ProviderFactory(name="Barn Project"))
    FlagFactory(school=school, severity="red", message="Risk assessment missing for the journey")
    sign_in_with_two_factor(client, member(Role.HEAD, school=school))
    page = client.get(reverse("home")).content.decode()
    assert "Barn Project" in page and "0 registered, 1 unregistered" in page
    assert "Risk assessment missing for the journey" in page


def test_provider_staff_home_links_to_their_register(client):
    placement = placement_with_timetable()
    client.force_login(member(Role.PROVIDER_STAFF, provider=placement.provider))
    page = client.get(reverse("home")).content.decode()
    assert reverse("placements:provider_register", args=[placement.provider.pk]) in page
