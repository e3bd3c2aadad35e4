from datetime import date, time, timedelta

import pytest
from django.urls import reverse

from apdash.models import Role
from tests.factories import (
    ClosureFactory,
    PartnershipFactory,
    ProviderFactory,
    PupilFactory,
    SchoolFactory,
    member,
    placement_with_timetable,
    seed_calendar,
)

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def calendar():
    seed_calendar(2026)


def board(client, day, **params):
    return client.get(reverse("placements:today"), {"date": f"{day:%d/%m/%Y}", **params}).content.decode()


def test_the_board_shows_who_is_at_a_setting_that_weekday_and_who_is_in_school(client):
    school = SchoolFactory()
    provider = ProviderFactory(
        name="Forge Vocational", contact_name="Dee Carter", contact_phone="01632 960123"
    )
    away = placement_with_timetable(
        pupil=PupilFactory(school=school, last_name="Away"), provider=provider, days=(0,), end=time(12, 0)
    )
    PupilFactory(school=school, last_name="Inschool")
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    page = board(client, MONDAY)
    assert "Monday 23 November 2026" in page
    assert "Forge Vocational" in page and "Dee Carter" in page and "01632 960123" in page
    assert "AM: 09:00–12:00" in page
    assert page.count("In school") == 1
    assert "1 of 2 pupils at a setting" in page
    tuesday = board(client, TUESDAY)
    assert "Dee Carter" not in tuesday and tuesday.count("In school") == 2
    assert away.pupil.full_name in tuesday


def test_a_closure_day_is_not_a_school_day_on_the_board(client):
    school = SchoolFactory()
    PupilFactory(school=school)
    ClosureFactory(date=MONDAY, school=school)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    page = board(client, MONDAY)
    assert "Not a school day" in page and "In school" not in page


def test_the_board_filters_by_provider_and_year_group(client):
    school = SchoolFactory()
    forge, stables = ProviderFactory(name="Forge"), ProviderFactory(name="Stables")
    placement_with_timetable(
        pupil=PupilFactory(school=school, last_name="Ashby", year_group=10), provider=forge
    )
    placement_with_timetable(
        pupil=PupilFactory(school=school, last_name="Brook", year_group=11), provider=stables
    )
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    page = board(client, MONDAY, provider=forge.pk)
    assert "Ashby" in page and "Brook" not in page
    page = board(client, MONDAY, year_group=11)
    assert "Brook" in page and "Ashby" not in page


def test_the_board_never_shows_another_schools_pupils(client):
    school = SchoolFactory()
    placement_with_timetable(pupil=PupilFactory(last_name="Elsewhere"))
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    assert "Elsewhere" not in board(client, MONDAY)


def test_a_partnership_coordinator_sees_every_school_on_the_board(client):
    partnership = PartnershipFactory()
    a = PupilFactory(school=SchoolFactory(partnership=partnership), last_name="Alpha")
    b = PupilFactory(school=SchoolFactory(partnership=partnership), last_name="Beta")
    client.force_login(member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership))
    page = board(client, MONDAY)
    assert "Alpha" in page and "Beta" in page and a.school.name in page and b.school.name in page


def test_the_print_view_has_no_navigation(client):
    school = SchoolFactory()
    placement_with_timetable(pupil=PupilFactory(school=school))
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    page = board(client, MONDAY, print="1")
    assert "Where pupils are on Monday 23 November 2026" in page
    assert "govuk-service-navigation" not in page and "keep it secure" in page


def test_a_bad_date_is_explained(client):
    school = SchoolFactory()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    page = client.get(reverse("placements:today"), {"date": "31/02/2026"}).content.decode()
    assert "Enter the date as a real date" in page and "There is a problem" in page


def test_provider_staff_cannot_open_the_board(client):
    placement = placement_with_timetable()
    client.force_login(member(Role.PROVIDER_STAFF, provider=placement.provider))
    assert client.get(reverse("placements:today")).status_code == 404


@pytest.mark.parametrize("rows", [10, 200])
def test_the_board_runs_a_constant_number_of_queries(client, django_assert_max_num_queries, rows):
    school = SchoolFactory()
    for i in range(rows):
        pupil = PupilFactory(school=school)
        if i % 2:
            placement_with_timetable(pupil=pupil, days=(0, 2))
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("placements:today"), {"date": "23/11/2026"})
    assert response.status_code == 200
    assert f"{rows // 2} of {rows} pupils at a setting" in response.content.decode()


def test_a_pupil_at_two_settings_on_one_day_has_both_rows_in_time_order(client):
    school = SchoolFactory()
    pupil = PupilFactory(school=school)
    placement_with_timetable(
        pupil=pupil,
        provider=ProviderFactory(name="Zephyr Farm"),
        days=(0,),
        start=time(9),
        end=time(12),
        start_date=date(2026, 9, 7),
    )
    placement_with_timetable(
        pupil=pupil,
        provider=ProviderFactory(name="Anvil Motors"),
        days=(0,),
        start=time(13),
        end=time(15),
        start_date=date(2026, 11, 23),
    )
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    page = board(client, MONDAY)
    assert "Zephyr Farm" in page and "Anvil Motors" in page
    assert page.index("AM: 09:00–12:00") < page.index("PM: 13:00–15:00")
    assert 'rowspan="2"' in page and "In school" not in page


def test_a_running_placement_with_no_timetable_shows_on_the_board_not_as_in_school(client):
    from tests.factories import PlacementFactory

    school = SchoolFactory()
    PlacementFactory(
        pupil=PupilFactory(school=school),
        provider=ProviderFactory(name="Loose Ends"),
        start_date=date(2026, 9, 7),
    )
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    page = board(client, MONDAY)
    assert "Loose Ends" in page and "No timetable" in page and "In school" not in page


def test_the_pupil_page_marks_a_placement_that_has_not_started(client):
    from django.utils import timezone

    school = SchoolFactory()
    pupil = PupilFactory(school=school)
    today = timezone.localdate()
    placement_with_timetable(
        pupil=pupil, provider=ProviderFactory(name="Later Ltd"), start_date=today + timedelta(days=1)
    )
    placement_with_timetable(pupil=pupil, provider=ProviderFactory(name="Now Ltd"), start_date=today)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    page = client.get(reverse("placements:pupil_detail", args=[pupil.pk])).content.decode()
    tomorrow = today + timedelta(days=1)
    assert f"Starts on {tomorrow.day} {tomorrow:%B %Y}" in page
    assert page.count("Starts on") == 1


def partnership_with_pupils(count, *, schools=2):
    """A partnership co-ordinator's `count` pupils spread over `schools` schools, every other one
    at a setting on Mondays; named so that name order is the order they were made."""
    partnership = PartnershipFactory()
    made = [SchoolFactory(partnership=partnership, name=f"School {i}") for i in range(schools)]
    for i in range(count):
        pupil = PupilFactory(school=made[i % schools], last_name=f"Pupil{i:04d}", first_name="Ann")
        if i % 2:
            placement_with_timetable(pupil=pupil, days=(0,))
    return member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership), made


def test_many_pupils_come_a_page_at_a_time_in_name_order_with_counts_for_them_all(client):
    user, _ = partnership_with_pupils(120)
    client.force_login(user)
    first = board(client, MONDAY)
    assert "60 of 120 pupils at a setting" in first
    assert "Pupil0000" in first and "Pupil0049" in first and "Pupil0050" not in first
    assert first.index("Pupil0000") < first.index("Pupil0049")
    # The pages keep the date: page 3 of the same day holds the last 20.
    assert 'href="?date=23%2F11%2F2026&amp;page=3"' in first
    last = board(client, MONDAY, page=3)
    assert "60 of 120 pupils at a setting" in last
    assert "Pupil0100" in last and "Pupil0119" in last and "Pupil0099" not in last
    assert "Print this page" in last


def test_a_partnership_coordinator_can_narrow_the_board_to_one_school_and_keeps_it_from_day_to_day(client):
    user, (first, second) = partnership_with_pupils(6)
    client.force_login(user)
    page = board(client, MONDAY, school=second.pk)
    assert "Pupil0001" in page and "Pupil0000" not in page
    assert "3 of 3 pupils at a setting" in page
    assert f'<option value="{second.pk}" selected>{second.name}</option>' in page
    assert f'school={second.pk}">Next school day' in page


def test_a_school_coordinator_is_not_asked_which_school(client):
    school = SchoolFactory()
    PupilFactory(school=school)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    assert 'name="school"' not in board(client, MONDAY)


def test_the_board_asks_as_many_queries_for_a_partnership_of_many_pupils_as_of_few(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (4, 130):
        user, _ = partnership_with_pupils(size)
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            page = board(client, MONDAY)
        assert f"{size // 2} of {size} pupils" in page
        counts.append(len(queries))
    assert counts[0] == counts[1]
