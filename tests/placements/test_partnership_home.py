"""The partnership co-ordinator's overview and provider page (issue 17): numbers that agree with
the today board, flags counted by kind and school, and the registration test as it stands."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apdash.models import Role
from placements.models import Flag
from placements.workspace.selectors import partnership_overview, school_overview, today_board
from tests.factories import (
    FlagFactory,
    PartnershipFactory,
    ProviderFactory,
    PupilFactory,
    SchoolFactory,
    member,
    placement_with_timetable,
)

pytestmark = pytest.mark.django_db

# Service staff's home: the same queries for one partnership as for six (no query per row).
QUERIES_SERVICE_HOME = 11


def test_placed_today_agrees_with_the_today_board_and_pupils_without_a_placement_are_not_counted():
    today = timezone.localdate()
    today -= timedelta(days=today.weekday())  # a Monday, whatever day the test runs
    partnership = PartnershipFactory()
    school = SchoolFactory(partnership=partnership)
    placement_with_timetable(pupil=PupilFactory(school=school), days=(0,))  # at the setting today
    placement_with_timetable(pupil=PupilFactory(school=school), days=(1,))  # not today
    PupilFactory(school=school)  # on roll, no placement: not an AP pupil
    user = member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership)
    overview = {s.pk: s for s in school_overview(user, today=today)}[school.pk]
    board = today_board(user, day=today)
    assert overview.placed_count == board.away_count == sum(1 for row in board.rows if row.entries) == 1
    assert overview.pupil_count == 2


def test_the_partnership_home_counts_flags_by_kind_and_school_linking_to_the_filtered_list(client):
    partnership = PartnershipFactory()
    a = SchoolFactory(partnership=partnership, name="Alder School")
    b = SchoolFactory(partnership=partnership, name="Birch Academy")
    for _ in range(3):
        FlagFactory(school=a, kind=Flag.Kind.VISIT_OVERDUE, severity=Flag.Severity.RED)
    FlagFactory(school=b, kind=Flag.Kind.VISIT_OVERDUE, severity=Flag.Severity.RED)
    client.force_login(member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership))
    page = client.get(reverse("home")).content.decode()
    flags = reverse("placements:flag_list")
    assert f'href="{flags}?kind=visit_overdue&amp;school={a.pk}">3<' in page
    assert f'href="{flags}?kind=visit_overdue&amp;school={b.pk}">1<' in page
    assert f'href="{flags}?kind=visit_overdue">4<' in page
    assert f'href="{reverse("placements:pupil_list")}?school={a.pk}">Alder School</a>' in page
    listed = client.get(f"{flags}?kind=visit_overdue&school={b.pk}").content.decode()
    assert listed.count("· Birch Academy") == 1 and "· Alder School" not in listed


def test_service_staff_see_a_row_per_partnership_agreeing_with_its_schools_rows():
    today = timezone.localdate()
    today -= timedelta(days=today.weekday())
    north, south = PartnershipFactory(name="North"), PartnershipFactory(name="South")
    for school in (SchoolFactory(partnership=north), SchoolFactory(partnership=north)):
        placement_with_timetable(pupil=PupilFactory(school=school), days=(0,))
        FlagFactory(school=school)
    placement_with_timetable(pupil=PupilFactory(school=SchoolFactory(partnership=south)), days=(1,))
    placement_with_timetable(pupil=PupilFactory(school=SchoolFactory(partnership=None)), days=(0,))
    rows = {row.name: row for row in partnership_overview(member(Role.SUPERUSER), today=today)}
    assert list(rows) == ["North", "South", "Schools in no partnership"]
    coordinator = member(Role.PARTNERSHIP_COORDINATOR, partnership=north)
    schools = list(school_overview(coordinator, today=today))
    north_row = rows["North"]
    assert north_row.school_count == len(schools) == 2
    assert north_row.pupil_count == sum(s.pupil_count for s in schools) == 2
    assert north_row.placed_count == sum(s.placed_count for s in schools) == 2
    assert north_row.open_flag_count == sum(s.open_flag_count for s in schools) == 2
    assert (rows["South"].pupil_count, rows["South"].placed_count) == (1, 0)
    assert rows["Schools in no partnership"].pupil_count == 1


def test_service_staffs_home_counts_flags_by_kind_and_partnership_linking_to_that_partnerships_flags(
    client,
):
    north, south = PartnershipFactory(name="North"), PartnershipFactory(name="South")
    alder = SchoolFactory(partnership=north, name="Alder School")
    cedar = SchoolFactory(partnership=south, name="Cedar School")
    for school in (alder, alder, SchoolFactory(partnership=north), cedar):
        FlagFactory(school=school, kind=Flag.Kind.VISIT_OVERDUE, severity=Flag.Severity.RED)
    client.force_login(member(Role.SUPERUSER))
    page = client.get(reverse("home")).content.decode()
    flags = reverse("placements:flag_list")
    assert f'href="{flags}?kind=visit_overdue&amp;partnership={north.pk}">3<' in page
    assert f'href="{flags}?kind=visit_overdue&amp;partnership={south.pk}">1<' in page
    assert f'href="{reverse("placements:pupil_list")}?partnership={north.pk}">North</a>' in page
    assert "Alder School" not in page  # a row per partnership, not per school
    listed = client.get(f"{flags}?kind=visit_overdue&partnership={south.pk}").content.decode()
    assert listed.count("· Cedar School") == 1 and "· Alder School" not in listed


def test_the_provider_page_shows_the_registration_test_as_it_stands_and_marks_who_counts(client):
    partnership = PartnershipFactory()
    school = SchoolFactory(partnership=partnership)
    other_school = SchoolFactory()
    provider = ProviderFactory(name="Forge Vocational")
    born = date.today() - timedelta(days=365 * 14)
    full_time = dict(days=(0, 1, 2, 3), start=time(9, 0), end=time(14, 0), provider=provider)  # 20 h
    counted = placement_with_timetable(pupil=PupilFactory(school=school, date_of_birth=born), **full_time)
    placement_with_timetable(pupil=PupilFactory(school=other_school, date_of_birth=born), **full_time)
    part_time = placement_with_timetable(
        pupil=PupilFactory(school=school, date_of_birth=born), provider=provider, days=(0,)
    )
    client.force_login(member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership))
    page = client.get(reverse("providers:provider_detail", args=[provider.pk])).content.decode()
    assert "2 of 5 full-time pupils of compulsory school age; 0 looked after or with an EHC plan" in page
    row_of = lambda p: page[page.index(p.pupil.full_name) :].split("</tr>")[0]  # noqa: E731
    assert "Counts" in row_of(counted) and "Does not count" in row_of(part_time)
    assert "Not a registered school" in page and "Not on the county directory" in page


def test_the_provider_page_and_the_hours_check_count_the_same_pupils(client, monkeypatch):
    """Five full-time pupils across schools: the check flags the provider, and the page, from the
    same rows and rule, says 5 of 5 and marks all five."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from placements.compliance.checks import hours as hours_checks
    from placements.workspace.selectors import registration_test_standing

    monday = date(2026, 11, 23)
    provider = ProviderFactory()
    born = date(2012, 1, 5)
    for _ in range(5):
        placement_with_timetable(
            pupil=PupilFactory(date_of_birth=born),
            provider=provider,
            days=(0, 1, 2, 3),
            start=time(9, 0),
            end=time(14, 0),
            start_date=date(2026, 11, 2),
        )
    hours_checks.run_hours(datetime(2026, 11, 23, 18, tzinfo=ZoneInfo("Europe/London")))
    flag = Flag.objects.get(kind=Flag.Kind.HOURS_BREACH_PROVIDER, resolved_at__isnull=True)
    standing = registration_test_standing(provider, today=monday)
    assert standing["breach"] and len(standing["counted"]) == flag.details["full_time_pupils"] == 5
    assert standing["standing"].startswith("5 of 5 full-time pupils")


@pytest.mark.parametrize("partnerships", [1, 6])
def test_service_staffs_home_takes_the_same_queries_however_many_partnerships(
    client, django_assert_max_num_queries, partnerships
):
    for n in range(partnerships):
        school = SchoolFactory(partnership=PartnershipFactory(name=f"Partnership {n}"))
        placement = placement_with_timetable(pupil=PupilFactory(school=school), days=(0,))
        FlagFactory(school=school, pupil=placement.pupil, placement=placement)
    client.force_login(member(Role.SUPERUSER))
    with django_assert_max_num_queries(QUERIES_SERVICE_HOME):
        page = client.get(reverse("home")).content.decode()
    assert page.count("Partnership ") >= partnerships


# A partnership co-ordinator's home: the schools table, flags by kind and school, and the
# providers with most open flags, in the same queries for one school and provider as for five.
QUERIES_COORDINATOR_HOME = 10


@pytest.mark.parametrize("size", [1, 5])
def test_a_coordinators_home_takes_the_same_queries_however_many_schools_and_providers(
    client, django_assert_max_num_queries, size
):
    partnership = PartnershipFactory()
    for n in range(size):
        school = SchoolFactory(partnership=partnership, name=f"School {n}")
        provider = ProviderFactory(name=f"Provider {n}")
        placement = placement_with_timetable(pupil=PupilFactory(school=school), provider=provider, days=(0,))
        FlagFactory(school=school, pupil=placement.pupil, placement=placement, provider=provider)
    client.force_login(member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership))
    with django_assert_max_num_queries(QUERIES_COORDINATOR_HOME):
        page = client.get(reverse("home")).content.decode()
    assert all(f"Provider {n}" in page and f"School {n}" in page for n in range(size))
