"""Visits to see each pupil at each setting, and the half-term coverage grid (G §1e)."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apdash.models import Role
from placements.models import Placement, TimetableSlot, Visit
from placements.visits import selectors as visits_selectors
from tests.factories import (
    ProviderFactory,
    PupilFactory,
    SchoolFactory,
    VisitFactory,
    member,
    placement_with_timetable,
    seed_calendar,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 18)  # Autumn 2 of 2026/27


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    seed_calendar(2026)
    return TODAY


def _visit_post(**overrides):
    data = {
        "date": "16/11/2026",
        "visitor_name": "Sam Whitfield",
        "pupil_seen": "yes",
        "wellbeing": "Settled and chatty; says the journey is fine.",
        "learning": "Working on the brake assembly unit.",
        "behaviour": "No incidents this half term.",
        "pupil_view": "Enjoys the practical work.",
    }
    return {**data, **overrides}


def test_a_coordinator_records_a_visit_and_the_half_term_turns_green(client, today):
    placement = placement_with_timetable(start_date=date(2026, 9, 7))
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school))
    coverage = reverse("placements:visit_coverage")
    assert "Due" in client.get(coverage).content.decode()
    response = client.post(
        reverse("placements:visit_create", args=[placement.pk]), _visit_post(), follow=True
    )
    page = response.content.decode()
    assert f"Visit to {placement.pupil.full_name} at {placement.provider.name} saved" in page
    assert "Seen" in page and "16 November 2026" in page
    visit = Visit.objects.get()
    assert visit.pupil_seen and visit.pupil_view == "Enjoys the practical work."


def test_a_visit_form_without_a_date_or_visitor_or_in_the_future_is_refused(client, today):
    placement = placement_with_timetable(start_date=date(2026, 9, 7))
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school))
    url = reverse("placements:visit_create", args=[placement.pk])
    page = client.post(url, _visit_post(date="", visitor_name="", pupil_seen="")).content.decode()
    assert "Enter the date of the visit" in page
    assert "Enter who visited" in page
    assert "Say whether you saw the pupil" in page
    page = client.post(url, _visit_post(date="25/11/2026")).content.decode()
    assert "The date of the visit cannot be in the future" in page
    assert not Visit.objects.exists()


def test_a_visit_where_the_pupil_was_not_seen_does_not_count(client, today):
    placement = placement_with_timetable(start_date=date(2026, 9, 7))
    VisitFactory(placement=placement, date=date(2026, 11, 10), pupil_seen=False)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school))
    page = client.get(reverse("placements:visit_coverage")).content.decode()
    assert "Due" in page and "Seen" not in page


def test_coverage_shows_seen_missed_and_due_for_each_half_term(today):
    school = SchoolFactory()
    seen_then_due = placement_with_timetable(start_date=date(2026, 9, 7), pupil=PupilFactory(school=school))
    VisitFactory(placement=seen_then_due, date=date(2026, 10, 1))
    started_late = placement_with_timetable(start_date=date(2026, 11, 9), pupil=PupilFactory(school=school))
    user = member(Role.SCHOOL_COORDINATOR, school=school)
    terms, rows = visits_selectors.coverage_grid(user, school=school, today=today)
    assert [t.name for t in terms][:2] == ["Autumn 1", "Autumn 2"]
    by_placement = {row.placement.pk: row.cells[:3] for row in rows}
    assert by_placement[seen_then_due.pk] == ["seen", "due", None]
    assert by_placement[started_late.pk] == [None, "due", None]

    missed = placement_with_timetable(start_date=date(2026, 9, 7), pupil=PupilFactory(school=school))
    terms, rows = visits_selectors.coverage_grid(user, school=school, today=date(2027, 1, 6))
    assert {row.placement.pk: row.cells[:2] for row in rows}[missed.pk] == ["missed", "missed"]


def test_a_half_term_whose_days_at_the_setting_were_never_timetabled_is_not_missed_anywhere(today):
    # Mondays only, from Tuesday 20 October: Autumn 1 (to Friday 23rd) held no Monday there, so no
    # visit was owed in it. The grid, the home page's list and the visits check agree.
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from placements.compliance.checks import visits as visits_checks
    from placements.models import Flag

    school = SchoolFactory()
    late = placement_with_timetable(
        start_date=date(2026, 10, 20), days=(0,), pupil=PupilFactory(school=school)
    )
    VisitFactory(placement=late, date=date(2026, 11, 9))  # seen in Autumn 2
    user = member(Role.SCHOOL_COORDINATOR, school=school)
    _, rows = visits_selectors.coverage_grid(user, school=school, today=today)
    assert {row.placement.pk: row.cells[:2] for row in rows}[late.pk] == [None, "seen"]
    assert visits_selectors.visits_due_this_half_term(user, today=today) == []
    visits_checks.run_visits(datetime(2026, 11, 18, 18, tzinfo=ZoneInfo("Europe/London")))
    assert not Flag.objects.filter(placement=late, resolved_at__isnull=True).exists()


def test_the_home_list_of_visits_due_is_the_grids_due_cells(today):
    school = SchoolFactory()
    unseen = placement_with_timetable(start_date=date(2026, 9, 7), pupil=PupilFactory(school=school))
    seen = placement_with_timetable(start_date=date(2026, 9, 7), pupil=PupilFactory(school=school))
    VisitFactory(placement=seen, date=date(2026, 11, 10))
    user = member(Role.SCHOOL_COORDINATOR, school=school)
    terms, rows = visits_selectors.coverage_grid(user, school=school, today=today)
    current = next(i for i, t in enumerate(terms) if t.start_date <= today <= t.end_date)
    due_in_grid = {row.placement.pk for row in rows if row.cells[current] == "due"}
    due_at_home = {p.pk for p, _ in visits_selectors.visits_due_this_half_term(user, today=today)}
    assert due_at_home == due_in_grid == {unseen.pk}


def test_another_schools_coordinator_cannot_see_or_record_visits_for_the_pupil(client, today):
    placement = placement_with_timetable(start_date=date(2026, 9, 7))
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=SchoolFactory()))
    assert placement.pupil.full_name not in client.get(reverse("placements:visit_coverage")).content.decode()
    url = reverse("placements:visit_create", args=[placement.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _visit_post()).status_code == 404
    assert not Visit.objects.exists()


def test_provider_staff_cannot_record_visits(client, today):
    placement = placement_with_timetable(start_date=date(2026, 9, 7))
    client.force_login(member(Role.PROVIDER_STAFF, provider=placement.provider))
    assert client.get(reverse("placements:visit_create", args=[placement.pk])).status_code == 404
    assert client.get(reverse("placements:visit_coverage")).status_code == 404


def _school_with_pupils(n):
    school = SchoolFactory()
    providers = [ProviderFactory() for _ in range(3)]
    pupils = [PupilFactory(school=school) for _ in range(n)]
    placements = Placement.objects.bulk_create(
        Placement(pupil=p, provider=providers[i % 3], start_date=date(2026, 9, 7), reason="Vocational")
        for i, p in enumerate(pupils)
    )
    TimetableSlot.objects.bulk_create(
        TimetableSlot(placement=p, weekday=d, start=time(9, 0), end=time(15, 0))
        for p in placements
        for d in (0, 2)
    )
    Visit.objects.bulk_create(
        Visit(placement=p, date=TODAY - timedelta(days=3 + i % 20), visitor_name="Coordinator")
        for i, p in enumerate(placements)
        if i % 2
    )
    return school


@pytest.mark.parametrize("pupils", [10, 200])
def test_the_coverage_grid_runs_a_fixed_number_of_queries(
    client, today, django_assert_max_num_queries, pupils
):
    school = _school_with_pupils(pupils)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    # The visits, the timetables and the school's days are read once for every pupil.
    with django_assert_max_num_queries(13):
        response = client.get(reverse("placements:visit_coverage"))
    assert response.content.decode().count("Record visit<") == pupils


@pytest.mark.parametrize("pupils", [10, 200])
def test_the_home_list_of_visits_due_runs_a_fixed_number_of_queries(
    today, django_assert_max_num_queries, pupils
):
    school = _school_with_pupils(pupils)
    user = member(Role.SCHOOL_COORDINATOR, school=school)
    # The user's schools, the placements, the half term, the visits, the timetables and the
    # school's days (two): once each, however many pupils.
    with django_assert_max_num_queries(7):
        due = visits_selectors.visits_due_this_half_term(user, today=today)
    terms, rows = visits_selectors.coverage_grid(user, school=school, today=today)
    current = next(i for i, t in enumerate(terms) if t.start_date <= today <= t.end_date)
    assert due and len(due) == sum(1 for row in rows if row.cells[current] == "due")
