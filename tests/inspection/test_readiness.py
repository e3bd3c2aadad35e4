from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from apdash.models import Role
from inspection import readiness_grid, rules, selectors, views
from tests.factories import (
    InductionFactory,
    LearningPlanFactory,
    MilestoneFactory,
    PartnershipFactory,
    ProviderAuditFactory,
    ProviderFactory,
    PupilFactory,
    QAVisitFactory,
    ReviewFactory,
    RiskAssessmentFactory,
    SchoolFactory,
    VisitFactory,
    member,
    placement_with_timetable,
    seed_calendar,
    sign_in_with_two_factor,
)

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
        QAVisitFactory(provider=provider, visited_on=date(2026, 10, 1), partnership=school.partnership)
    plan = LearningPlanFactory(pupil=pupil, goal_target_date=date(2027, 7, 16))
    MilestoneFactory(plan=plan, description="Attends every timetabled session", target_date=date(2027, 2, 12))
    ReviewFactory(plan=plan, date=date(2026, 10, 14))
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


def test_names_in_the_grid_show_as_typed_and_never_as_markup(pupil_at_two_settings, client):
    user, school, at_ride, _ = pupil_at_two_settings
    at_ride.provider.name = "Ride & <b>Go</b>"
    at_ride.provider.save()
    at_ride.rationale = ""
    at_ride.save()
    pupil = at_ride.pupil
    pupil.first_name = "<i>Kai</i>"
    pupil.save()
    client.force_login(user)
    page = client.get(reverse("inspection:readiness")).content.decode()
    assert "No rationale recorded for the placement at Ride &amp; &lt;b&gt;Go&lt;/b&gt;." in page
    assert "for &lt;i&gt;Kai&lt;/i&gt; Walsh</span>" in page
    assert "<b>Go</b>" not in page and "<i>Kai</i>" not in page


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("placement", lambda pupil: reverse("placements:placement_edit", args=[77])),
        ("visit", lambda pupil: reverse("placements:visit_create", args=[77])),
        ("risk_assessment", lambda pupil: reverse("safeguarding:placement", args=[77])),
        ("induction", lambda pupil: reverse("safeguarding:placement", args=[77])),
        ("provider", lambda pupil: reverse("providers:provider_detail", args=[77])),
        ("register", lambda pupil: f"{reverse('placements:register_grid')}?school={pupil.school_id}"),
        ("pupil", lambda pupil: reverse("placements:pupil_detail", args=[pupil.pk])),
        ("plan", lambda pupil: reverse("placements:plan_edit", args=[pupil.pk])),
        ("milestone", lambda pupil: reverse("placements:milestone_create", args=[pupil.pk])),
        ("review", lambda pupil: reverse("placements:review_create", args=[pupil.pk])),
        ("safeguarding", lambda pupil: reverse("safeguarding:inbox")),
    ],
)
def test_each_put_this_right_link_opens_the_page_for_that_problem(kind, url):
    pupil = PupilFactory()
    row = selectors.ReadinessRow(pupil=pupil, placements=[], cells={})
    assert readiness_grid._FixLinks().url(row, rules.Fix(kind, 77)) == url(pupil)


def test_a_pupil_with_no_learning_plan_is_red_on_plan_and_the_grid_links_to_the_plan_page(
    pupil_at_two_settings, client
):
    user, school, at_ride, _ = pupil_at_two_settings
    pupil = at_ride.pupil
    pupil.learning_plan.delete()
    cell = _row(user, school).cells["b"]
    assert (cell.status, cell.reason) == ("red", "No learning plan recorded.")
    client.force_login(user)
    page = client.get(reverse("inspection:readiness")).content.decode()
    assert reverse("placements:plan_edit", args=[pupil.pk]) in page


def test_a_plan_with_a_goal_milestones_and_last_half_terms_review_is_green(pupil_at_two_settings):
    user, school, *_ = pupil_at_two_settings
    cell = _row(user, school).cells["b"]
    assert cell.status == "green"
    assert cell.reason == (
        "Goal: Reintegration to mainstream by 16 July 2027; 1 milestone (not started). "
        "Last reviewed 14 October 2026."
    )


def test_a_plan_not_reviewed_in_a_half_term_that_has_ended_is_red_with_a_link_to_record_a_review(
    pupil_at_two_settings, client
):
    user, school, at_ride, _ = pupil_at_two_settings
    at_ride.pupil.learning_plan.reviews.all().delete()
    cell = _row(user, school).cells["b"]
    assert (cell.status, cell.reason) == ("red", "The plan was not reviewed during Autumn 1 2026/27.")
    client.force_login(user)
    page = client.get(reverse("inspection:readiness")).content.decode()
    assert reverse("placements:review_create", args=[at_ride.pupil.pk]) in page


def test_a_plan_without_milestones_is_amber(pupil_at_two_settings):
    user, school, at_ride, _ = pupil_at_two_settings
    at_ride.pupil.learning_plan.milestones.all().delete()
    cell = _row(user, school).cells["b"]
    assert (cell.status, cell.reason) == ("amber", "The plan has no milestones towards its goal.")


def test_a_review_due_before_the_half_term_ends_is_amber(pupil_at_two_settings):
    user, school, *_ = pupil_at_two_settings
    today = date(2026, 12, 14)  # five school days of Autumn 2 left, no review in it yet
    result = selectors.readiness_for_user(user, school_ids=[school.pk], today=today, now=NOW)
    cell = result.rows[0].cells["b"]
    assert (cell.status, cell.reason) == ("amber", "No review yet in Autumn 2 2026/27: 5 school days left.")


def test_quality_assurance_counts_visits_shared_across_the_partnership_and_not_another_partnerships(
    pupil_at_two_settings,
):
    user, school, at_ride, at_forge = pupil_at_two_settings
    QAVisitFactory._meta.model.objects.all().delete()
    neighbour = SchoolFactory(partnership=school.partnership)
    elsewhere = SchoolFactory()
    QAVisitFactory(
        provider=at_ride.provider,
        visited_on=date(2026, 10, 1),
        school=neighbour,
        partnership=school.partnership,
    )
    QAVisitFactory(
        provider=at_forge.provider,
        visited_on=date(2026, 10, 1),
        school=elsewhere,
        partnership=elsewhere.partnership,
    )
    QAVisitFactory(
        provider=at_forge.provider, visited_on=date(2026, 10, 2), school=neighbour, partnership=None
    )
    cell = _row(user, school).cells["f"]
    assert (cell.status, cell.reason) == (
        "amber",
        "No quality-assurance visit to Forge Ahead in the last year.",
    )


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


def _partnership_with_schools(names, *, pupils_each=1, partnership=None):
    partnership = partnership or PartnershipFactory()
    schools = []
    for name in names:
        school = SchoolFactory(name=name, partnership=partnership)
        for _ in range(pupils_each):
            placement_with_timetable(pupil=PupilFactory(school=school), start_date=timezone.localdate())
        schools.append(school)
    return partnership, schools


def test_a_partnership_coordinator_sees_a_row_per_school_then_one_schools_pupils(client):
    # Bounded rows on purpose: several schools are rolled up a school a row, each linking to its
    # own grid, rather than every pupil of the partnership in one grid.
    seed_calendar(2026)
    partnership, (alder, birch) = _partnership_with_schools(["Alder School", "Birch School"])
    alder_pupil, birch_pupil = (school.pupils.get() for school in (alder, birch))
    client.force_login(member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership))
    page = client.get(reverse("inspection:readiness")).content.decode()
    assert f'href="?school={alder.pk}">Alder School</a>' in page
    assert f'href="?school={birch.pk}">Birch School</a>' in page
    assert "All schools" in page
    assert alder_pupil.full_name not in page and birch_pupil.full_name not in page
    grid = client.get(reverse("inspection:readiness"), {"school": alder.pk}).content.decode()
    assert alder_pupil.full_name in grid and birch_pupil.full_name not in grid
    assert f"All schools in {partnership.name}" in grid


def test_each_schools_row_counts_what_the_selector_counts_for_its_pupils(client):
    seed_calendar(2026)
    partnership, schools = _partnership_with_schools(["Alder School", "Birch School"], pupils_each=2)
    user = member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership)
    today = timezone.localdate()
    result = selectors.readiness_for_user(user, school_ids=[s.pk for s in schools], today=today)
    (alder, birch) = result.per_school(schools)
    assert (alder["pupils"], birch["pupils"]) == (2, 2)
    alder_rows = [row for row in result.rows if row.pupil.school_id == schools[0].pk]
    assert alder["red"] == sum(1 for row in alder_rows if row.status == "red")
    assert alder["green"] == rules.percent_green(row.cells for row in alder_rows)


def test_service_staff_choose_a_partnership_then_a_school(client):
    seed_calendar(2026)
    north, (alder, birch) = _partnership_with_schools(["Alder School", "Birch School"])
    south, (cedar,) = _partnership_with_schools(["Cedar School"])
    sign_in_with_two_factor(client, member(Role.SUPERUSER))
    page = client.get(reverse("inspection:readiness")).content.decode()
    assert f'href="?partnership={north.pk}">{north.name}</a>' in page
    assert f'href="?partnership={south.pk}">{south.name}</a>' in page
    assert "Alder School" not in page and "Cedar School" not in page
    schools = client.get(reverse("inspection:readiness"), {"partnership": north.pk}).content.decode()
    assert "Alder School" in schools and "Birch School" in schools and "Cedar School" not in schools
    # A partnership of one school goes straight to its pupils, with the way back to the list.
    grid = client.get(reverse("inspection:readiness"), {"partnership": south.pk}).content.decode()
    assert cedar.pupils.get().full_name in grid and "All partnerships" in grid


@pytest.mark.parametrize("asked", [{"partnership": "abc"}, {"school": "abc"}, {"partnership": "other"}])
def test_another_partnership_or_a_made_up_one_is_not_found(client, asked):
    partnership, _ = _partnership_with_schools(["Alder School", "Birch School"])
    other, _ = _partnership_with_schools(["Cedar School"])
    client.force_login(member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership))
    if asked.get("partnership") == "other":
        asked = {"partnership": other.pk}
    assert client.get(reverse("inspection:readiness"), asked).status_code == 404


def test_a_large_schools_pupils_come_a_page_at_a_time_and_its_rollup_counts_them_all(client, monkeypatch):
    monkeypatch.setattr(views, "PUPILS_PER_PAGE", 2)
    seed_calendar(2026)
    _, (school,) = _partnership_with_schools(["Alder School"], pupils_each=3)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    first = client.get(reverse("inspection:readiness")).content.decode()
    second = client.get(reverse("inspection:readiness"), {"school": school.pk, "page": 2}).content.decode()
    assert first.count('data-column="e"') == 2 and second.count('data-column="e"') == 1
    assert "Pupils 1 to 2 of 3." in first and f"?school={school.pk}&amp;page=2" in first
    names = {p.full_name for p in school.pupils.all()}
    assert {n for n in names if n in first} | {n for n in names if n in second} == names
    # The roll-up above the grid is the whole school's, not the page's.
    result = selectors.readiness_for_user(
        member(Role.SCHOOL_COORDINATOR, school=school), school_ids=[school.pk], today=timezone.localdate()
    )
    assert len(result.rows) == 3


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
        plan = LearningPlanFactory(pupil=placement.pupil)
        MilestoneFactory(plan=plan)
        ReviewFactory(plan=plan, date=start)
        QAVisitFactory(provider=providers[n % 3], partnership=school.partnership)
    return school


@pytest.mark.parametrize(("schools", "pupils_each"), [(2, 1), (4, 6)])
def test_the_schools_rollup_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, schools, pupils_each
):
    seed_calendar(2026)
    names = [f"School {n}" for n in range(schools)]
    partnership, _ = _partnership_with_schools(names, pupils_each=pupils_each)
    client.force_login(member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership))
    # The grid's queries, and one for the partnerships among the user's schools.
    with django_assert_max_num_queries(23):
        response = client.get(reverse("inspection:readiness"))
    assert response.content.decode().count("?school=") == schools


@pytest.mark.parametrize("partnerships", [2, 6])
def test_the_partnership_list_runs_a_fixed_number_of_queries_and_no_readiness(
    client, django_assert_max_num_queries, partnerships
):
    for n in range(partnerships):
        _partnership_with_schools([f"School {n}a", f"School {n}b"])
    sign_in_with_two_factor(client, member(Role.SUPERUSER))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("inspection:readiness"))
    assert response.content.decode().count("?partnership=") == partnerships


@pytest.mark.parametrize("pupils", [10, 200])
def test_the_readiness_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, pupils):
    school = _school_with_pupils(pupils)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    # 16 for the grid (one read of the calendar, for the rules and the registers alike), 3 for
    # the learning plans, their milestones and their reviews, and 3 for the facts read with the
    # checks' own selectors (registers and follow-ups over the check's days, placements running
    # later at unregistered providers, concerns past acknowledgement).
    with django_assert_max_num_queries(22):
        response = client.get(reverse("inspection:readiness"))
    # A page of pupils at a time (deliberately: a large school's pupils are paginated).
    assert response.content.decode().count('data-column="e"') == min(pupils, views.PUPILS_PER_PAGE)
