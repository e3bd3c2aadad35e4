"""qa-visits, provider-audits, risk-assessments, inductions, learning-plans, reviews, qualifications
and outcomes: the pages' visibility, the pages' validation (400 in the pages' words), few queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apdash.models import Role
from placements.models import LearningPlan, Milestone, MilestoneProgress, Outcome, Qualification, Review
from providers.models import ProviderAudit, QAVisit
from safeguarding.models import Induction, RiskAssessment
from tests.api.helpers import ids
from tests.factories import (
    InductionFactory,
    LearningPlanFactory,
    MilestoneFactory,
    OutcomeFactory,
    PartnershipFactory,
    PlacementFactory,
    ProviderAuditFactory,
    PupilFactory,
    QAVisitFactory,
    QualificationFactory,
    ReviewFactory,
    RiskAssessmentFactory,
    SchoolFactory,
    member,
)

pytestmark = pytest.mark.django_db


def day(offset=0):
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


@pytest.fixture
def stranger(world):
    """A school co-ordinator in another partnership, with a pupil of their own."""
    school = SchoolFactory(partnership=PartnershipFactory(name="Southshire"))
    user = member(Role.SCHOOL_COORDINATOR, school=school)
    user.pupil = PupilFactory(school=school)
    return user


def _placement(world):
    return PlacementFactory(pupil=PupilFactory(school=world.school), provider=world.provider)


# Each resource: how to make one record of the world's school, and how to make one for a pupil.
RECORDS = {
    "qa-visits": lambda w: QAVisitFactory(provider=w.provider, partnership=w.partnership),
    "risk-assessments": lambda w: RiskAssessmentFactory(placement=_placement(w)),
    "inductions": lambda w: InductionFactory(placement=_placement(w)),
    "learning-plans": lambda w: MilestoneFactory(
        plan=LearningPlanFactory(pupil=PupilFactory(school=w.school))
    ).plan,
    "reviews": lambda w: ReviewFactory(plan=LearningPlanFactory(pupil=PupilFactory(school=w.school))),
    "qualifications": lambda w: QualificationFactory(pupil=PupilFactory(school=w.school)),
    "outcomes": lambda w: OutcomeFactory(pupil=PupilFactory(school=w.school)),
}


@pytest.mark.parametrize("resource", sorted(RECORDS))
def test_a_record_of_another_partnership_is_not_found(api, world, stranger, resource):
    record = RECORDS[resource](world)
    mine = api(world.coordinator)
    assert mine.get(f"/api/v1/{resource}/{record.pk}/").status_code == 200
    assert record.pk in ids(mine.get(f"/api/v1/{resource}/"))
    theirs = api(stranger)
    assert theirs.get(f"/api/v1/{resource}/{record.pk}/").status_code == 404
    assert record.pk not in ids(theirs.get(f"/api/v1/{resource}/"))
    assert theirs.patch(f"/api/v1/{resource}/{record.pk}/", {}, format="json").status_code in (404, 405)


@pytest.mark.parametrize("rows", [3, 40])
@pytest.mark.parametrize("resource", sorted(RECORDS))
def test_a_list_costs_the_same_few_queries_at_any_size(
    api, world, django_assert_max_num_queries, resource, rows
):
    for _ in range(rows):
        RECORDS[resource](world)
    client = api(world.partnership_coordinator)
    with django_assert_max_num_queries(7):
        response = client.get(f"/api/v1/{resource}/")
    assert response.json()["count"] == rows


def test_provider_staff_see_no_plans_reviews_qualifications_outcomes_or_risk_assessments(api, world):
    for resource in (
        "learning-plans",
        "reviews",
        "qualifications",
        "outcomes",
        "risk-assessments",
        "qa-visits",
    ):
        record = RECORDS[resource](world)
        # Provider staff reach the API only at their register (issue 13 #12): refused before any lookup.
        assert api(world.provider_staff).get(f"/api/v1/{resource}/{record.pk}/").status_code == 403, resource


# --- Provider audits ------------------------------------------------------------------------------

AUDIT_FIELDS = {
    "id",
    "provider",
    "audited_on",
    "single_central_record_checked",
    "dsl_confirmed",
    "insurance_expires_on",
    "health_and_safety_checked",
    "registration_law_understood",
    "safeguarding_checks_confirmed_in_writing",
    "outcome",
    "next_due_on",
    "notes",
}


def _audit(world, **fields):
    return {
        "provider": world.provider.id,
        "audited_on": day(-3),
        "single_central_record_checked": True,
        "dsl_confirmed": True,
        "insurance_expires_on": day(200),
        "health_and_safety_checked": True,
        "registration_law_understood": True,
        "safeguarding_checks_confirmed_in_writing": False,
        "outcome": "unsatisfactory",
        "next_due_on": day(360),
        "notes": "Written confirmation of staff checks not seen.",
        **fields,
    }


def test_a_coordinator_records_a_provider_audit_with_exactly_the_issue_fields(api, world):
    response = api(world.coordinator).post("/api/v1/provider-audits/", _audit(world), format="json")
    assert response.status_code == 201, response.json()
    assert set(response.json()) == AUDIT_FIELDS
    audit = ProviderAudit.objects.get()
    assert (audit.outcome, audit.safeguarding_checks_confirmed_in_writing) == ("unsatisfactory", False)
    assert audit.recorded_by == world.coordinator
    assert audit.auditor  # the caller, as on the page's "who audited"


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"audited_on": day(2)}, "audited_on", "today or in the past"),
        ({"next_due_on": day(-10)}, "next_due_on", "due after this one"),
        ({"outcome": "fine"}, "outcome", "not a valid choice"),
    ],
)
def test_an_audit_the_page_would_refuse_is_a_400_in_its_words(api, world, fields, field, words):
    response = api(world.coordinator).post("/api/v1/provider-audits/", _audit(world, **fields), format="json")
    assert response.status_code == 400
    assert words in " ".join(response.json()[field])
    assert not ProviderAudit.objects.exists()


def test_audits_are_shared_on_the_register_but_provider_staff_see_only_their_own(api, world, stranger):
    ours = ProviderAuditFactory(provider=world.provider)
    elsewhere = ProviderAuditFactory()
    assert {ours.pk, elsewhere.pk} <= ids(api(stranger).get("/api/v1/provider-audits/"))
    # Provider staff do not read the register (as on the pages).
    assert api(world.provider_staff).get("/api/v1/provider-audits/").status_code == 403
    assert api(world.dsl).post("/api/v1/provider-audits/", _audit(world), format="json").status_code == 403


def test_the_provider_audit_list_costs_the_same_queries_at_any_size(
    api, world, django_assert_max_num_queries
):
    ProviderAuditFactory.create_batch(30, provider=world.provider)
    # Token, user, roles (provider staff are kept to their register), scope, count, page.
    with django_assert_max_num_queries(9):
        assert api(world.coordinator).get("/api/v1/provider-audits/").json()["count"] == 30


# --- QA visits -----------------------------------------------------------------------------------


def _qa(world, **fields):
    scores = dict.fromkeys(
        [
            "safeguarding_score",
            "curriculum_score",
            "teaching_score",
            "attendance_behaviour_score",
            "personal_development_score",
            "leadership_score",
        ],
        3,
    )
    return {
        "provider": world.provider.id,
        "visited_on": day(-1),
        "visitor": "Ann Lee",
        **scores,
        "strengths": "Calm workshop",
        "actions": "Share registers daily",
        "judgement": "secure",
        **fields,
    }


def test_a_school_records_a_qa_visit_shared_with_its_partnership(api, world):
    response = api(world.coordinator).post("/api/v1/qa-visits/", _qa(world), format="json")
    assert response.status_code == 201, response.json()
    visit = QAVisit.objects.get()
    assert (visit.school, visit.partnership, visit.teaching_score) == (world.school, world.partnership, 3)
    # The sister school of the partnership reads it.
    sister = member(Role.SCHOOL_COORDINATOR, school=world.sister)
    assert visit.pk in ids(api(sister).get("/api/v1/qa-visits/"))


def test_a_qa_visit_kept_to_one_school_is_not_read_by_its_sister_school(api, world):
    response = api(world.coordinator).post(
        "/api/v1/qa-visits/", _qa(world, share_with_partnership=False), format="json"
    )
    assert response.status_code == 201
    sister = member(Role.SCHOOL_COORDINATOR, school=world.sister)
    assert api(sister).get(f"/api/v1/qa-visits/{response.json()['id']}/").status_code == 404


def test_a_qa_visit_without_scores_or_in_the_future_is_a_400(api, world):
    response = api(world.coordinator).post(
        "/api/v1/qa-visits/", _qa(world, visited_on=day(3), teaching_score=None), format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert "today or in the past" in " ".join(body["visited_on"])
    assert "Score teaching" in " ".join(body["teaching_score"])
    assert not QAVisit.objects.exists()


# --- Risk assessments and inductions --------------------------------------------------------------


def test_a_coordinator_records_and_approves_a_risk_assessment(api, world):
    placement = _placement(world)
    body = {
        "placement": placement.id,
        "journey": "Taxi",
        "at_setting": "Workshop",
        "hazards": "Tools",
        "controls": "Supervision",
        "review_date": day(90),
        "approve": True,
    }
    response = api(world.coordinator).post("/api/v1/risk-assessments/", body, format="json")
    assert response.status_code == 201, response.json()
    assessment = RiskAssessment.objects.get()
    assert (assessment.placement, assessment.approved_by) == (placement, world.coordinator)


def test_a_risk_assessment_the_page_would_refuse_is_a_400(api, world):
    body = {"placement": _placement(world).id, "journey": "", "at_setting": "Workshop", "hazards": "Tools"}
    response = api(world.coordinator).post(
        "/api/v1/risk-assessments/", {**body, "controls": "x", "review_date": day(-5)}, format="json"
    )
    assert response.status_code == 400
    assert "Describe the journey" in " ".join(response.json()["journey"])
    response = api(world.coordinator).post(
        "/api/v1/risk-assessments/",
        {**body, "journey": "Taxi", "controls": "x", "review_date": day(-5)},
        format="json",
    )
    assert response.status_code == 400
    assert "today or later" in " ".join(response.json()["review_date"])
    assert not RiskAssessment.objects.exists()


def test_provider_staff_record_an_induction_but_not_one_that_skips_the_dsl(api, world):
    placement = PlacementFactory(
        pupil=PupilFactory(school=world.school), provider=world.provider, start_date=timezone.localdate()
    )
    body = {
        "placement": placement.id,
        "date": day(),
        "told_who_dsl_is": True,
        "told_what_to_do_if_unsafe": True,
        "provider_dsl_name": "Dee Marsh",
    }
    client = api(world.provider_staff)
    refused = client.post("/api/v1/inductions/", {**body, "told_who_dsl_is": False}, format="json")
    assert refused.status_code == 400
    assert "told who the DSL is" in " ".join(refused.json()["told_who_dsl_is"])
    response = client.post("/api/v1/inductions/", body, format="json")
    assert response.status_code == 201, response.json()
    assert Induction.objects.get().recorded_by == world.provider_staff


def test_a_stranger_cannot_record_for_another_partnerships_placement(api, world, stranger):
    placement = _placement(world)
    response = api(stranger).post(
        "/api/v1/inductions/",
        {
            "placement": placement.id,
            "date": day(),
            "told_who_dsl_is": True,
            "told_what_to_do_if_unsafe": True,
            "provider_dsl_name": "Dee",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "placement" in response.json()


# --- Learning plans, reviews, qualifications, outcomes -------------------------------------------


def _plan(pupil, **fields):
    return {
        "pupil": pupil.id,
        "needs_summary": "Anxiety in large groups",
        "rationale": "Small groups keep the pupil learning",
        "goal": "reintegration",
        "goal_target_date": day(200),
        "milestones": [
            {"description": "Attends every session", "measure": "Registers", "target_date": day(40)},
        ],
        **fields,
    }


def test_a_learning_plan_is_written_with_its_milestones_and_changed_later(api, world):
    pupil = PupilFactory(school=world.school)
    client = api(world.coordinator)
    response = client.post("/api/v1/learning-plans/", _plan(pupil), format="json")
    assert response.status_code == 201, response.json()
    plan = response.json()
    assert [m["description"] for m in plan["milestones"]] == ["Attends every session"]
    milestone = plan["milestones"][0]
    changed = client.patch(
        f"/api/v1/learning-plans/{plan['id']}/",
        {
            "milestones": [
                {**milestone, "status": "on_track"},
                {"description": "Reads with an adult", "measure": "Log", "target_date": day(80)},
            ]
        },
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    assert {(m.description, m.status) for m in Milestone.objects.all()} == {
        ("Attends every session", "on_track"),
        ("Reads with an adult", "not_started"),
    }


def test_a_plan_with_a_bad_milestone_or_missing_goal_is_a_400_and_nothing_is_saved(api, world):
    pupil = PupilFactory(school=world.school)
    body = _plan(pupil, goal="")
    body["milestones"][0]["description"] = ""
    response = api(world.coordinator).post("/api/v1/learning-plans/", body, format="json")
    assert response.status_code == 400
    assert not LearningPlan.objects.exists() and not Milestone.objects.exists()


def test_a_dsl_reads_a_plan_but_cannot_write_one(api, world):
    plan = LearningPlanFactory(pupil=PupilFactory(school=world.school))
    assert api(world.dsl).get(f"/api/v1/learning-plans/{plan.pk}/").status_code == 200
    response = api(world.dsl).post(
        "/api/v1/learning-plans/", _plan(PupilFactory(school=world.school)), format="json"
    )
    assert response.status_code == 403


def test_a_review_records_progress_against_the_plans_milestones(api, world):
    milestone = MilestoneFactory(plan=LearningPlanFactory(pupil=PupilFactory(school=world.school)))
    other = MilestoneFactory(plan=milestone.plan, status="at_risk")
    body = {
        "plan": milestone.plan_id,
        "date": day(),
        "attended_school": True,
        "attended_pupil": True,
        "decisions": "Carry on",
        "next_review_on": day(42),
        "progress": [{"milestone": milestone.pk, "status": "met", "note": "Done"}],
    }
    response = api(world.coordinator).post("/api/v1/reviews/", body, format="json")
    assert response.status_code == 201, response.json()
    review = Review.objects.get()
    assert (review.attended_school, review.attended_pupil, review.attended_parent) == (True, True, False)
    milestone.refresh_from_db()
    other.refresh_from_db()
    assert (milestone.status, milestone.met_on) == ("met", timezone.localdate())
    assert other.status == "at_risk"  # left out: keeps the status the page pre-fills
    assert MilestoneProgress.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"next_review_on": day(-1)}, "next_review_on", "after this one"),
        ({"date": day(3), "next_review_on": day(40)}, "date", "today or in the past"),
        ({"attended_school": False}, "attendees", "who attended"),
    ],
)
def test_a_review_the_page_would_refuse_is_a_400_in_its_words(api, world, fields, field, words):
    plan = LearningPlanFactory(pupil=PupilFactory(school=world.school))
    body = {
        "plan": plan.pk,
        "date": day(),
        "attended_school": True,
        "decisions": "Carry on",
        "next_review_on": day(42),
        **fields,
    }
    response = api(world.coordinator).post("/api/v1/reviews/", body, format="json")
    assert response.status_code == 400
    assert words in " ".join(response.json()[field])
    assert not Review.objects.exists()


def test_a_qualification_with_a_result_but_no_entry_is_a_400(api, world):
    pupil = PupilFactory(school=world.school)
    body = {"pupil": pupil.id, "area": "maths", "subject": "GCSE Maths", "level": "GCSE", "entered": False}
    client = api(world.coordinator)
    refused = client.post("/api/v1/qualifications/", {**body, "result": "5"}, format="json")
    assert refused.status_code == 400
    assert "must have been entered" in " ".join(refused.json()["entered"])
    created = client.post("/api/v1/qualifications/", body, format="json")
    assert created.status_code == 201, created.json()
    changed = client.patch(
        f"/api/v1/qualifications/{created.json()['id']}/", {"entered": True, "result": "5"}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    assert (Qualification.objects.get().entered, Qualification.objects.get().result) == (True, "5")


def test_an_outcome_needs_a_return_date_or_a_destination_and_one_of_the_pupils_placements(api, world):
    placement = _placement(world)
    other = _placement(world)
    client = api(world.coordinator)
    body = {"pupil": placement.pupil_id, "recorded_on": day(), "sustained": None}
    nothing = client.post("/api/v1/outcomes/", body, format="json")
    assert nothing.status_code == 400
    assert "post-16 destination" in str(nothing.json())
    wrong = client.post(
        "/api/v1/outcomes/", {**body, "destination": "fe", "placement": other.id}, format="json"
    )
    assert wrong.status_code == 400
    assert "placement" in wrong.json()
    right = client.post(
        "/api/v1/outcomes/", {**body, "reintegrated_on": day(-2), "placement": placement.id}, format="json"
    )
    assert right.status_code == 201, right.json()
    assert Outcome.objects.get().sustained is None
