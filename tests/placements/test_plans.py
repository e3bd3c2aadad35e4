"""Learning plans, milestones, reviews, qualifications and outcomes: the review_overdue check,
recording a review, the pupil page's plan section and who may see and change it."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from apdash.models import HalfTerm, Role
from placements.compliance.checks import reviews as reviews_checks
from placements.models import Flag, LearningPlan, Milestone, Outcome, Qualification, Review
from placements.plans.services import review_record
from tests.factories import (
    AttendanceMarkFactory,
    LearningPlanFactory,
    MilestoneFactory,
    PupilFactory,
    QualificationFactory,
    ReviewFactory,
    SchoolFactory,
    VisitFactory,
    member,
    placement_with_timetable,
    seed_calendar,
    sign_in_with_two_factor,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 18, 0, tzinfo=LONDON)


@pytest.fixture
def calendar():
    seed_calendar(2026)
    return {h.name: h for h in HalfTerm.objects.filter(academic_year__label="2026/27")}


def open_reviews_overdue():
    return list(Flag.objects.filter(kind=Flag.Kind.REVIEW_OVERDUE, resolved_at__isnull=True))


# --- review_overdue ------------------------------------------------------------------------------


def test_an_active_placement_without_a_review_in_an_ended_half_term_gets_a_red_flag(calendar):
    autumn_1 = calendar["Autumn 1"]
    placement = placement_with_timetable(start_date=autumn_1.start_date, days=(0, 2))
    reviews_checks.run_reviews(at(autumn_1.end_date))
    assert open_reviews_overdue() == []
    reviews_checks.run_reviews(at(calendar["Autumn 2"].start_date))
    [flag] = open_reviews_overdue()
    assert (flag.severity, flag.pupil, flag.placement, flag.subject_date) == (
        Flag.Severity.RED,
        placement.pupil,
        placement,
        autumn_1.end_date,
    )
    assert flag.details["half_term_name"] == "Autumn 1 2026/27"
    assert "was not reviewed during Autumn 1 2026/27" in flag.message


def test_a_review_dated_inside_the_half_term_resolves_the_flag(calendar):
    autumn_1, autumn_2 = calendar["Autumn 1"], calendar["Autumn 2"]
    placement = placement_with_timetable(start_date=autumn_1.start_date)
    reviews_checks.run_reviews(at(autumn_2.start_date))
    assert len(open_reviews_overdue()) == 1
    ReviewFactory(plan=LearningPlanFactory(pupil=placement.pupil), date=autumn_1.end_date)
    [result] = reviews_checks.run_reviews(at(autumn_2.start_date))
    assert (result.resolved, result.still_open) == (1, 0)


def test_a_pupil_at_two_settings_gets_one_flag_per_half_term(calendar):
    autumn_1 = calendar["Autumn 1"]
    first = placement_with_timetable(start_date=autumn_1.start_date, days=(0,))
    placement_with_timetable(pupil=first.pupil, start_date=autumn_1.start_date, days=(3,))
    reviews_checks.run_reviews(at(calendar["Autumn 2"].start_date))
    assert len(open_reviews_overdue()) == 1


def test_an_ended_placement_needs_no_review(calendar):
    autumn_1 = calendar["Autumn 1"]
    placement_with_timetable(start_date=autumn_1.start_date, end_date=autumn_1.end_date)
    reviews_checks.run_reviews(at(calendar["Autumn 2"].start_date + timedelta(days=3)))
    assert open_reviews_overdue() == []


def test_the_review_check_is_registered_and_runs_in_a_fixed_number_of_queries(
    calendar, django_assert_max_num_queries
):
    from apdash.checks import get_check

    assert get_check("reviews").run is reviews_checks.run_reviews
    autumn_1 = calendar["Autumn 1"]
    schools = [SchoolFactory(), SchoolFactory()]
    for n in range(15):
        placement_with_timetable(pupil=PupilFactory(school=schools[n % 2]), start_date=autumn_1.start_date)
    with django_assert_max_num_queries(12):
        reviews_checks.run_reviews(at(calendar["Autumn 2"].start_date))
    assert len(open_reviews_overdue()) == 15


# --- Recording a review ----------------------------------------------------------------------------


def test_a_review_sets_each_milestone_to_the_progress_agreed_and_dates_a_met_one():
    plan = LearningPlanFactory()
    attend, read = MilestoneFactory(plan=plan), MilestoneFactory(plan=plan, status="on_track")
    day = timezone.localdate()
    review_record(
        plan=plan,
        progress={attend.pk: ("met", "90% for six weeks"), read.pk: ("at_risk", "")},
        date=day,
        decisions="Carry on.",
        next_review_on=day + timedelta(days=40),
    )
    attend.refresh_from_db()
    read.refresh_from_db()
    assert (attend.status, attend.met_on, read.status, read.met_on) == ("met", day, "at_risk", None)
    assert [p.note for p in Review.objects.get().progress.order_by("pk")] == ["90% for six weeks", ""]


def test_a_review_refuses_a_milestone_of_another_pupils_plan_and_saves_nothing():
    from django.core.exceptions import ValidationError

    plan, stranger = LearningPlanFactory(), MilestoneFactory()
    day = timezone.localdate()
    with pytest.raises(ValidationError):
        review_record(
            plan=plan,
            progress={stranger.pk: ("met", "")},
            date=day,
            decisions="x",
            next_review_on=day + timedelta(days=40),
        )
    assert not Review.objects.exists()
    stranger.refresh_from_db()
    assert stranger.status == "not_started"


@pytest.fixture
def coordinator_and_pupil(client):
    school = SchoolFactory()
    pupil = PupilFactory(school=school, year_group=10, first_name="Kai", last_name="Morgan")
    user = member(Role.SCHOOL_COORDINATOR, school=school)
    client.force_login(user)
    return user, pupil


def review_post(plan_milestones, **overrides):
    today = timezone.localdate()
    data = {
        "date": today.strftime("%d/%m/%Y"),
        "attendees": ["attended_school", "attended_pupil", "attended_parent"],
        "attendance_summary": "Good",
        "behaviour_summary": "Settled",
        "pupil_view": "Enjoys the workshop.",
        "decisions": "Continue; add a reading target.",
        "next_review_on": (today + timedelta(days=42)).strftime("%d/%m/%Y"),
    }
    for milestone in plan_milestones:
        data[f"milestone_{milestone.pk}"] = milestone.status
        data[f"milestone_{milestone.pk}_note"] = ""
    data.update(overrides)
    return data


def test_the_review_form_starts_from_the_registers_and_visit_notes_since_the_last_review(
    client, coordinator_and_pupil
):
    _, pupil = coordinator_and_pupil
    plan = LearningPlanFactory(pupil=pupil)
    placement = placement_with_timetable(pupil=pupil)
    today = timezone.localdate()
    ReviewFactory(plan=plan, date=today - timedelta(days=10), next_review_on=today + timedelta(days=30))
    AttendanceMarkFactory(placement=placement, date=today - timedelta(days=20), code="N")
    AttendanceMarkFactory(placement=placement, date=today - timedelta(days=2), code="B")
    AttendanceMarkFactory(placement=placement, date=today - timedelta(days=1), code="I")
    VisitFactory(placement=placement, date=today - timedelta(days=1), behaviour="Calm and on task.")
    body = client.get(reverse("placements:review_create", args=[pupil.pk])).content.decode()
    assert "50% of 2 possible sessions since" in body
    assert "Calm and on task." in body


def test_a_coordinator_records_a_review_that_marks_a_milestone_met(client, coordinator_and_pupil):
    _, pupil = coordinator_and_pupil
    plan = LearningPlanFactory(pupil=pupil)
    first, second = MilestoneFactory(plan=plan, description="Attend 90%"), MilestoneFactory(plan=plan)
    data = review_post([first, second], **{f"milestone_{first.pk}": "met"})
    response = client.post(reverse("placements:review_create", args=[pupil.pk]), data)
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.attended_school, review.attended_pupil, review.attended_provider) == (True, True, False)
    first.refresh_from_db()
    assert first.status == "met"
    page = client.get(reverse("placements:pupil_detail", args=[pupil.pk])).content.decode()
    assert "1 of 2 milestones met" in page


def test_a_review_whose_next_date_is_not_after_it_is_refused_and_changes_nothing(
    client, coordinator_and_pupil
):
    _, pupil = coordinator_and_pupil
    plan = LearningPlanFactory(pupil=pupil)
    milestone = MilestoneFactory(plan=plan)
    today = timezone.localdate().strftime("%d/%m/%Y")
    data = review_post([milestone], next_review_on=today, **{f"milestone_{milestone.pk}": "met"})
    response = client.post(reverse("placements:review_create", args=[pupil.pk]), data)
    assert "The next review must be after this one" in response.content.decode()
    assert not Review.objects.exists()
    milestone.refresh_from_db()
    assert milestone.status == "not_started"


def test_a_coordinator_of_another_school_gets_a_404_for_the_plan_pages(client):
    plan = LearningPlanFactory()
    milestone = MilestoneFactory(plan=plan)
    review = ReviewFactory(plan=plan)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=SchoolFactory()))
    pupil_id = plan.pupil_id
    for url in [
        reverse("placements:plan_edit", args=[pupil_id]),
        reverse("placements:plan_document", args=[pupil_id]),
        reverse("placements:review_create", args=[pupil_id]),
        reverse("placements:review_detail", args=[review.pk]),
        reverse("placements:milestone_edit", args=[milestone.pk]),
        reverse("placements:qualification_create", args=[pupil_id]),
        reverse("placements:outcome_create", args=[pupil_id]),
    ]:
        assert client.get(url).status_code == 404, url


def test_a_head_reads_the_plan_but_may_not_change_it(client):
    plan = LearningPlanFactory()
    review = ReviewFactory(plan=plan)
    sign_in_with_two_factor(client, member(Role.HEAD, school=plan.pupil.school))
    assert client.get(reverse("placements:review_detail", args=[review.pk])).status_code == 200
    page = client.get(reverse("placements:pupil_detail", args=[plan.pupil_id])).content.decode()
    assert "Record a review" not in page
    assert client.get(reverse("placements:review_create", args=[plan.pupil_id])).status_code == 404


def test_writing_the_plan_then_adding_a_milestone(client, coordinator_and_pupil):
    _, pupil = coordinator_and_pupil
    assert client.get(reverse("placements:milestone_create", args=[pupil.pk])).status_code == 302
    response = client.post(
        reverse("placements:plan_edit", args=[pupil.pk]),
        {
            "needs_summary": "Dyslexia; anxiety in large groups.",
            "rationale": "Small practical groups keep Kai learning.",
            "goal": "post_16",
            "goal_target_date": "01/07/2027",
        },
    )
    assert response.status_code == 302
    plan = LearningPlan.objects.get(pupil=pupil)
    assert (plan.goal, plan.goal_target_date) == ("post_16", date(2027, 7, 1))
    client.post(
        reverse("placements:milestone_create", args=[pupil.pk]),
        {
            "description": "Level 1 maths",
            "measure": "Passes the exam",
            "target_date": "01/06/2027",
            "status": "on_track",
        },
    )
    assert Milestone.objects.get().plan == plan


def test_a_key_stage_4_pupil_without_english_and_maths_is_flagged_on_the_pupil_page(
    client, coordinator_and_pupil
):
    _, pupil = coordinator_and_pupil
    LearningPlanFactory(pupil=pupil)
    url = reverse("placements:pupil_detail", args=[pupil.pk])
    assert "Not working towards English and maths" in client.get(url).content.decode()
    QualificationFactory(pupil=pupil, area="english")
    assert "Not working towards maths" in client.get(url).content.decode()
    QualificationFactory(pupil=pupil, area="maths", subject="GCSE Mathematics", level="GCSE")
    assert "Not working towards" not in client.get(url).content.decode()


def test_a_qualification_with_a_result_must_have_been_entered(client, coordinator_and_pupil):
    _, pupil = coordinator_and_pupil
    response = client.post(
        reverse("placements:qualification_create", args=[pupil.pk]),
        {
            "area": "maths",
            "subject": "Functional Skills maths",
            "level": "Level 1",
            "entered": "no",
            "result": "Pass",
        },
    )
    assert "A pupil with a result must have been entered" in response.content.decode()
    assert not Qualification.objects.exists()


def test_an_outcome_needs_a_reintegration_date_or_a_destination(client, coordinator_and_pupil):
    _, pupil = coordinator_and_pupil
    url = reverse("placements:outcome_create", args=[pupil.pk])
    base = {"recorded_on": timezone.localdate().strftime("%d/%m/%Y"), "sustained": "unknown"}
    refused = client.post(url, base)
    assert "returned to mainstream school, or their post-16 destination" in refused.content.decode()
    assert not Outcome.objects.exists()
    assert (
        client.post(
            url, {**base, "destination": "apprenticeship", "destination_name": "Apprentice Garage"}
        ).status_code
        == 302
    )
    outcome = Outcome.objects.get()
    assert (outcome.destination, outcome.sustained) == ("apprenticeship", None)
