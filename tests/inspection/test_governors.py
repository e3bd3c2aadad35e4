"""The termly report to governors: what it counts, who may read it, and a fixed number of queries."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from apdash.models import HalfTerm, Role
from inspection.governors import governor_report, school_terms
from tests.factories import (
    AttendanceMarkFactory,
    LearningPlanFactory,
    MilestoneFactory,
    OutcomeFactory,
    PartnershipFactory,
    ProviderAuditFactory,
    ProviderFactory,
    PupilFactory,
    QAVisitFactory,
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

TODAY = date(2026, 12, 10)  # Autumn 2 2026/27


@pytest.fixture
def calendar():
    seed_calendar(2026)
    return {h.name: h for h in HalfTerm.objects.filter(academic_year__label="2026/27")}


def build_school(rows, calendar):
    """A school with `rows` placements, each with a plan, milestones, a review, registers, a visit,
    qualifications and an outcome; the providers audited and QA-visited."""
    partnership = PartnershipFactory()
    school = SchoolFactory(partnership=partnership, name="Wendlow Academy")
    autumn_1 = calendar["Autumn 1"]
    providers = [ProviderFactory(registration_status="registered"), ProviderFactory()]
    for provider in providers:
        ProviderAuditFactory(provider=provider, audited_on=TODAY - timedelta(days=100))
        QAVisitFactory(
            provider=provider, partnership=partnership, visited_on=autumn_1.start_date + timedelta(days=7)
        )
    for n in range(rows):
        pupil = PupilFactory(
            school=school, year_group=10 + n % 2, sen_status="ehcp" if n % 5 == 0 else "none"
        )
        placement = placement_with_timetable(
            pupil=pupil, provider=providers[n % 2], start_date=autumn_1.start_date, days=(0, 2)
        )
        plan = LearningPlanFactory(pupil=pupil)
        MilestoneFactory(plan=plan, status="met", met_on=autumn_1.start_date + timedelta(days=20))
        MilestoneFactory(plan=plan, status="on_track")
        ReviewFactory(plan=plan, date=autumn_1.end_date - timedelta(days=3))
        AttendanceMarkFactory(placement=placement, date=autumn_1.start_date + timedelta(days=5), code="B")
        AttendanceMarkFactory(placement=placement, date=autumn_1.start_date + timedelta(days=7), code="N")
        VisitFactory(placement=placement, date=autumn_1.start_date + timedelta(days=12))
        QualificationFactory(pupil=pupil, area="english")
        if n % 3 == 0:
            QualificationFactory(
                pupil=pupil, area="maths", subject="GCSE Mathematics", level="GCSE", entered=True
            )
        if n % 4 == 0:
            OutcomeFactory(
                pupil=pupil, recorded_on=autumn_1.end_date, destination="apprenticeship", sustained=True
            )
    return school


def test_the_report_counts_the_terms_pupils_attendance_milestones_and_quality_assurance(calendar):
    school = build_school(6, calendar)
    head = member(Role.HEAD, school=school)
    term = school_terms(school, today=TODAY)[0]
    assert term.name == "Autumn term 2026/27"
    report = governor_report(head, school=school, term=term, today=TODAY)
    assert (report.pupils, report.placements, report.with_ehcp) == (6, 6, 2)
    assert report.attendance == 50.0
    assert (report.milestones_met, report.milestones_total, report.plans, report.reviews) == (6, 12, 6, 6)
    assert (report.ks4_pupils, report.ks4_english, report.ks4_maths, report.entries) == (6, 6, 2, 2)
    assert report.outcomes == [("Apprenticeship", 2)]
    assert report.sustained == 2
    assert (report.visits, report.qa_visits, report.providers_audited) == (6, 2, 2)
    # Seen in Autumn 1, not yet in Autumn 2 (still running): not every half term so far.
    assert report.placements_seen_each_half_term == 0


def test_a_qa_visit_kept_by_another_school_is_not_counted_for_this_one(calendar):
    school = build_school(2, calendar)
    provider = school.pupils.first().placements.first().provider
    QAVisitFactory(provider=provider, partnership=None, school=SchoolFactory(), visited_on=TODAY)
    report = governor_report(
        member(Role.HEAD, school=school),
        school=school,
        term=school_terms(school, today=TODAY)[0],
        today=TODAY,
    )
    assert report.qa_visits == 2


def test_the_report_page_is_printable_and_other_schools_get_a_404(client, calendar, settings):
    school = build_school(3, calendar)
    sign_in_with_two_factor(client, member(Role.HEAD, school=school))
    body = client.get(reverse("inspection:governor_report")).content.decode()
    assert "Alternative provision: report to governors" in body
    assert "@media print" in body
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=SchoolFactory()))
    assert client.get(reverse("inspection:governor_report"), {"school": school.pk}).status_code == 404
    client.force_login(member(Role.PROVIDER_STAFF, provider=ProviderFactory()))
    assert client.get(reverse("inspection:governor_report")).status_code == 404


@pytest.mark.parametrize("rows", [10, 200])
def test_the_governor_report_runs_a_constant_number_of_queries(
    client, calendar, django_assert_max_num_queries, rows
):
    school = build_school(rows, calendar)
    sign_in_with_two_factor(client, member(Role.HEAD, school=school))
    # 20: with the timetables and the school's days the half-termly visit rule reads.
    with django_assert_max_num_queries(20):
        response = client.get(reverse("inspection:governor_report"), {"term": "2026/27-autumn"})
    assert response.status_code == 200
    assert f"{rows} pupils in {rows} placements" in response.content.decode()


def test_service_staff_choose_a_partnership_and_are_offered_only_its_schools(client, calendar):
    north, south = PartnershipFactory(name="North"), PartnershipFactory(name="South")
    alder = SchoolFactory(partnership=north, name="Alder School")
    SchoolFactory(partnership=north, name="Ash School")
    birch = SchoolFactory(partnership=south, name="Birch Academy")
    client.force_login(member(Role.SUPERUSER))
    url = reverse("inspection:governor_report")
    first = client.get(url).content.decode()
    assert ">North</option>" in first and ">South</option>" in first
    assert '<span class="govuk-caption-l">Alder School</span>' in first
    assert ">Ash School</option>" in first and "Birch Academy" not in first
    south_page = client.get(url, {"partnership": south.pk}).content.decode()
    assert (
        '<span class="govuk-caption-l">Birch Academy</span>' in south_page and "Ash School" not in south_page
    )
    # A link to one school's report finds it, with its partnership's schools beside it.
    linked = client.get(url, {"school": birch.pk}).content.decode()
    assert '<span class="govuk-caption-l">Birch Academy</span>' in linked and "Alder School" not in linked
    assert client.get(url, {"school": alder.pk, "term": "2026/27-autumn"}).status_code == 200
