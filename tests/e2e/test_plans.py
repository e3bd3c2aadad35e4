"""Plan–do–review in a real browser: a coordinator records a review that marks one milestone met,
and the pupil page and the governor report show it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apdash.models import Role
from placements.models import Milestone, Review
from tests.e2e.conftest import axe_violations, screenshot, sign_in
from tests.factories import (
    PASSWORD,
    LearningPlanFactory,
    MilestoneFactory,
    PartnershipFactory,
    ProviderFactory,
    PupilFactory,
    SchoolFactory,
    member,
    placement_with_timetable,
    seed_calendar,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def assert_accessible(page):
    assert axe_violations(page) == []


def test_a_coordinator_records_a_review_that_marks_a_milestone_met(page):
    today = timezone.localdate()
    seed_calendar(today.year if today.month >= 9 else today.year - 1)
    school = SchoolFactory(name="Wendlow Academy", partnership=PartnershipFactory(name="Wendlow Partnership"))
    pupil = PupilFactory(school=school, first_name="Kacey", last_name="Walsh", year_group=10)
    placement_with_timetable(
        pupil=pupil, provider=ProviderFactory(name="Forge Vocational"), start_date=today - timedelta(days=30)
    )
    plan = LearningPlanFactory(pupil=pupil)
    attend = MilestoneFactory(plan=plan, description="Attend 90% of sessions at Forge", status="on_track")
    MilestoneFactory(plan=plan, description="Complete the Level 1 maths unit")
    member(Role.SCHOOL_COORDINATOR, school=school, email="sam@wendlow.example")

    sign_in(page, "sam@wendlow.example", PASSWORD)
    page.goto(f"/pupils/{pupil.pk}/")
    expect(page.locator("#plan-progress")).to_contain_text("0 of 2 milestones met")
    page.get_by_role("link", name="Record a review").click()
    expect(page.get_by_role("heading", name="Record a review", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Pupil", exact=True).check()
    page.get_by_label("Provider", exact=True).check()
    page.get_by_role("group", name="Attend 90% of sessions at Forge").get_by_label("Met").check()
    page.get_by_label("The pupil's view").fill("I like the workshop and want to go to college.")
    page.get_by_label("Decisions").fill("Keep two days at Forge; start the maths unit next half term.")
    page.get_by_label("Date of the next review").fill((today + timedelta(days=42)).strftime("%d/%m/%Y"))
    screenshot(page, "review-form")
    page.get_by_role("button", name="Save review").click()

    expect(page.get_by_text("Review saved.")).to_be_visible()
    expect(page.locator("#plan-progress")).to_contain_text("1 of 2 milestones met")
    row = page.get_by_role("row", name=re.compile("Attend 90% of sessions at Forge"))
    expect(row).to_contain_text("Met")
    review = Review.objects.get()
    assert (review.attended_school, review.attended_pupil, review.attended_provider) == (True, True, True)
    assert Milestone.objects.get(pk=attend.pk).met_on == today
    assert_accessible(page)
    screenshot(page, "pupil-page-plan")

    page.goto("/inspection/governors/")
    expect(page.get_by_role("heading", name="Alternative provision: report to governors")).to_be_visible()
    expect(page.locator("#milestones-met")).to_contain_text("1 (of 2 milestones in the plans)")
    expect(page.locator("#governor-plans")).to_contain_text("Plan reviews held")
    assert_accessible(page)
    screenshot(page, "governor-report")
