from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from apdash.models import Role
from inspection import selectors
from tests.factories import (
    InductionFactory,
    ProviderAuditFactory,
    ProviderFactory,
    PupilFactory,
    QAVisitFactory,
    RiskAssessmentFactory,
    SchoolFactory,
    VisitFactory,
    member,
    placement_with_timetable,
    seed_calendar,
)
from tests.safeguarding.conftest import sign_in_with_two_factor

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)  # Autumn 2; Autumn 1 ran to 23 October
NOW = timezone.make_aware(datetime.combine(TODAY, time(16, 0)))


def _well_kept_placement(pupil, provider, *, days):
    placement = placement_with_timetable(
        pupil=pupil,
        provider=provider,
        days=days,
        start=time(9, 0),
        end=time(12, 0),
        start_date=date(2026, 9, 7),
        rationale="Practical setting agreed at the panel.",
        goal="reintegration",
        qualifications="Functional Skills maths",
    )
    RiskAssessmentFactory(placement=placement, review_date=date(2027, 2, 1))
    InductionFactory(placement=placement)
    return placement


@pytest.fixture
def pupil_at_two_settings():
    seed_calendar(2026)
    school = SchoolFactory(dsl_name="Priya Shah")
    pupil = PupilFactory(school=school, first_name="Kai", last_name="Walsh")
    ride = ProviderFactory(name="Style My Ride", dsl_name="Lee Carter", registration_checked_on=TODAY)
    forge = ProviderFactory(name="Forge Ahead", dsl_name="Dana Fox", registration_checked_on=TODAY)
    for provider in (ride, forge):
        ProviderAuditFactory(provider=provider, audited_on=date(2026, 9, 1))
        QAVisitFactory(provider=provider, visited_on=date(2026, 10, 1))
    at_ride = _well_kept_placement(pupil, ride, days=(0,))
    at_forge = _well_kept_placement(pupil, forge, days=(2,))
    VisitFactory(placement=at_forge, date=date(2026, 10, 7))
    user = member(Role.SCHOOL_COORDINATOR, school=school)
    return user, school, at_ride, at_forge


def _row(user, school):
    result = selectors.readiness_for_user(user, school_ids=[school.pk], today=TODAY, now=NOW)
    assert len(result.rows) == 1
    return result.rows[0]


def test_a_pupil_is_red_on_visits_when_one_of_two_settings_was_not_visited_last_half_term(
    pupil_at_two_settings,
):
    user, school, at_ride, _ = pupil_at_two_settings
    cell = _row(user, school).cells["e"]
    assert cell.status == "red"
    assert cell.reason == "No visit to Style My Ride during Autumn 1 2026/27."
    assert (cell.fix.kind, cell.fix.object_id) == ("visit", at_ride.pk)


def test_recording_a_visit_dated_inside_the_half_term_turns_the_visits_cell_green(pupil_at_two_settings):
    user, school, at_ride, _ = pupil_at_two_settings
    VisitFactory(placement=at_ride, date=date(2026, 10, 12))
    row = _row(user, school)
    assert row.cells["e"].status == "green"
    assert "Style My Ride 12 October 2026" in row.cells["e"].reason


def test_a_visit_outside_the_half_term_does_not_count(pupil_at_two_settings):
    user, school, at_ride, _ = pupil_at_two_settings
    VisitFactory(placement=at_ride, date=date(2026, 10, 28))  # half-term holiday
    assert _row(user, school).cells["e"].status == "red"


def test_a_well_kept_pupil_is_green_on_every_other_column_and_the_rollup_counts_it(pupil_at_two_settings):
    user, school, at_ride, _ = pupil_at_two_settings
    VisitFactory(placement=at_ride, date=date(2026, 10, 12))
    result = selectors.readiness_for_user(user, school_ids=[school.pk], today=TODAY, now=NOW)
    row = result.rows[0]
    not_green = {key: cell.reason for key, cell in row.cells.items() if key != "c" and cell.status != "green"}
    assert not_green == {}
    assert result.overall["e"] == 100 and result.overall["rationale"] == 100


def test_the_grid_says_what_is_missing_in_words_and_links_to_where_to_fix_it(pupil_at_two_settings, client):
    user, school, at_ride, _ = pupil_at_two_settings
    at_ride.rationale = ""
    at_ride.save()
    at_ride.risk_assessments.all().delete()
    client.force_login(user)
    page = client.get(reverse("inspection:readiness")).content.decode()
    assert "No rationale recorded for the placement at Style My Ride." in page
    assert "No risk assessment for the journey to and at Style My Ride." in page
    assert reverse("placements:placement_edit", args=[at_ride.pk]) in page
    assert reverse("safeguarding:placement", args=[at_ride.pk]) in page


def test_an_unregistered_setting_over_the_hours_limit_is_red_on_registration():
    seed_calendar(2026)
    school = SchoolFactory()
    user = member(Role.SCHOOL_COORDINATOR, school=school)
    provider = ProviderFactory(name="Greenhands", registration_checked_on=TODAY)
    placement_with_timetable(
        pupil=PupilFactory(school=school), provider=provider, days=(0, 1, 2, 3), start_date=date(2026, 9, 7)
    )
    cell = _row(user, school).cells["registration"]
    assert cell.status == "red"
    assert "24 hours a week (more than 18)" in cell.reason and "4 days a week (3 or more)" in cell.reason


def test_another_schools_readiness_is_not_found(client):
    mine, theirs = SchoolFactory(), SchoolFactory()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=mine))
    assert client.get(reverse("inspection:readiness"), {"school": theirs.pk}).status_code == 404


def test_provider_staff_cannot_open_the_readiness_grid(client):
    provider = ProviderFactory()
    client.force_login(member(Role.PROVIDER_STAFF, provider=provider))
    assert client.get(reverse("inspection:readiness")).status_code == 404


def test_a_partnership_coordinator_sees_each_school_and_the_partnership_rollup(client):
    seed_calendar(2026)
    first = SchoolFactory(name="Alder School")
    second = SchoolFactory(name="Birch School", partnership=first.partnership)
    for school in (first, second):
        placement_with_timetable(pupil=PupilFactory(school=school), start_date=timezone.localdate())
    client.force_login(member(Role.PARTNERSHIP_COORDINATOR, partnership=first.partnership))
    page = client.get(reverse("inspection:readiness")).content.decode()
    assert "Alder School" in page and "Birch School" in page and "All schools" in page


def test_the_head_sees_the_readiness_summary_on_their_home_page(client):
    seed_calendar(2026)
    school = SchoolFactory()
    placement_with_timetable(pupil=PupilFactory(school=school), start_date=timezone.localdate())
    sign_in_with_two_factor(client, member(Role.HEAD, school=school))
    page = client.get(reverse("home")).content.decode()
    assert "Inspection readiness" in page and "1 pupil in alternative provision today" in page
    assert reverse("inspection:pack_list") in page


def _school_with_pupils(count):
    seed_calendar(2026)
    school = SchoolFactory()
    providers = [ProviderFactory() for _ in range(3)]
    start = timezone.localdate() - timezone.timedelta(days=30)
    for n in range(count):
        placement = placement_with_timetable(
            pupil=PupilFactory(school=school), provider=providers[n % 3], start_date=start
        )
        RiskAssessmentFactory(placement=placement)
        VisitFactory(placement=placement, date=start)
    return school


@pytest.mark.parametrize("pupils", [10, 200])
def test_the_readiness_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, pupils):
    school = _school_with_pupils(pupils)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    with django_assert_max_num_queries(18):
        response = client.get(reverse("inspection:readiness"))
    assert response.content.decode().count('data-column="e"') == pupils
