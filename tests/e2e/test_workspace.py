"""The coordinator's daily workspace in a real browser: add a pupil, place them at an
unregistered provider, find them on the today board, and be warned before a timetable change
breaks the limits; partnership and other-school views."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from apdash.models import Role
from placements.models import Placement, Pupil
from tests.e2e.conftest import axe_violations, screenshot, sign_in
from tests.factories import (
    PASSWORD,
    PartnershipFactory,
    ProviderFactory,
    PupilFactory,
    SchoolFactory,
    member,
    seed_calendar,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MONDAY = date(2026, 11, 23)


def assert_accessible(page):
    assert axe_violations(page) == []


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def fill_session(page, number, day, start, end):
    page.get_by_label(f"Day of session {number}").select_option(label=day)
    page.get_by_label(f"Start of session {number}").fill(start)
    page.get_by_label(f"End of session {number}").fill(end)


def test_a_coordinator_places_a_pupil_and_is_warned_before_a_breach(page):
    seed_calendar(2026)
    partnership = PartnershipFactory(name="Wendlow Partnership")
    school = SchoolFactory(name="Wendlow Academy", partnership=partnership)
    ProviderFactory(
        name="Forge Vocational",
        registration_status="unregistered",
        contact_name="Dee Carter",
        contact_phone="01632 960123",
    )
    member(Role.SCHOOL_COORDINATOR, school=school, email="sam@wendlow.example")

    sign_in(page, "sam@wendlow.example", PASSWORD)
    assert_accessible(page)

    # A new pupil.
    page.get_by_role("link", name="Pupils", exact=True).click()
    page.get_by_role("link", name="Add a pupil").click()
    assert_accessible(page)
    page.get_by_label("UPN (unique pupil number)").fill("B801200005001")
    page.get_by_label("First name").fill("Kacey")
    page.get_by_label("Last name").fill("Walsh")
    page.get_by_label("Date of birth").fill("17/05/2011")
    page.get_by_label("Year group").select_option(label="Year 10")
    page.get_by_label("SEN status").select_option(label="EHC plan")
    page.get_by_role("button", name="Save pupil").click()
    expect(page.get_by_role("heading", name="Kacey Walsh", level=1)).to_be_visible()
    pupil = Pupil.objects.get(upn="B801200005001")

    # A placement with a two-day timetable at an unregistered provider.
    page.get_by_role("link", name="Add a placement").click()
    expect(page.get_by_label("Pupil", exact=True)).to_have_value(str(pupil.pk))
    page.get_by_label("Provider (setting)").select_option(label="Forge Vocational (unregistered)")
    page.get_by_label("Start date").fill("02/11/2026")
    page.get_by_label("Primary reason for placement (school census)").select_option(
        label="Social, emotional and mental health"
    )
    page.get_by_label("Why this placement").fill("Re-engage through a practical course")
    page.get_by_label("Why this is the best option for the pupil").fill(
        "Small group, hands-on learning, two days so school keeps the core curriculum"
    )
    page.get_by_label("Agreed goal").select_option(label="Reintegration to mainstream")
    page.get_by_label("Qualifications the pupil will work towards here").fill("BTEC Level 1 Construction")
    page.get_by_role("group", name="Will the provider have main responsibility").get_by_label("No").check()
    fill_session(page, 1, "Monday", "09:00", "15:00")
    page.get_by_role("button", name="Add another session").click()
    fill_session(page, 2, "Wednesday", "09:00", "12:00")
    expect(page.locator("#hours-warning")).not_to_contain_text("breaks")
    assert_accessible(page)
    page.get_by_role("button", name="Save placement").click()
    expect(page.get_by_text("Placement at Forge Vocational added for Kacey Walsh")).to_be_visible()
    placement = Placement.objects.get(pupil=pupil)
    assert sorted(placement.timetable.values_list("weekday", flat=True)) == [0, 2]
    assert_accessible(page)
    screenshot(page, "pupil-page")

    # The today board puts them at the setting on Monday and in school on Tuesday.
    page.goto("/today/?date=23/11/2026")
    row = page.get_by_role("row", name=re.compile("Kacey Walsh"))
    expect(row).to_contain_text("Forge Vocational")
    expect(row).to_contain_text("09:00–15:00")
    expect(row).to_contain_text("Dee Carter")
    assert_accessible(page)
    screenshot(page, "today-board")
    page.get_by_role("link", name=re.compile("Next school day")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tuesday 24 November 2026")
    expect(page.get_by_role("row", name=re.compile("Kacey Walsh"))).to_contain_text("In school")

    # A third day is a breach at an unregistered provider: warned before saving.
    page.goto(f"/pupils/{pupil.pk}/")
    page.get_by_role("link", name="Change placement at Forge Vocational").click()
    page.get_by_role("button", name="Add another session").click()
    fill_session(page, 3, "Friday", "09:00", "12:00")
    warning = page.locator("#hours-warning")
    expect(warning).to_contain_text("3 days a week (3 or more)")
    assert placement.timetable.count() == 2
    assert_accessible(page)
    screenshot(page, "placement-form")

    # Saving without confirming is refused with the same warning; the timetable is unchanged.
    page.get_by_role("button", name="Save placement").click()
    expect(page.get_by_role("alert")).to_contain_text("3 days a week")
    assert placement.timetable.count() == 2
    assert_accessible(page)


def test_a_partnership_coordinator_sees_pupils_of_two_schools(page):
    partnership = PartnershipFactory()
    first = PupilFactory(school=SchoolFactory(partnership=partnership), last_name="Ashdown")
    second = PupilFactory(school=SchoolFactory(partnership=partnership), last_name="Brackley")
    PupilFactory(last_name="Outsider")
    member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership, email="pat@partnership.example")
    sign_in(page, "pat@partnership.example", PASSWORD)
    assert_accessible(page)
    page.goto("/pupils/")
    expect(page.get_by_role("link", name=f"Ashdown, {first.first_name}")).to_be_visible()
    expect(page.get_by_role("link", name=f"Brackley, {second.first_name}")).to_be_visible()
    expect(page.get_by_text("Outsider")).to_have_count(0)
    assert_accessible(page)


def test_a_coordinator_of_another_school_gets_not_found_for_that_pupil(page):
    pupil = PupilFactory()
    member(Role.SCHOOL_COORDINATOR, school=SchoolFactory(), email="other@school.example")
    sign_in(page, "other@school.example", PASSWORD)
    response = page.goto(f"/pupils/{pupil.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_text(pupil.last_name)).to_have_count(0)
    assert_accessible(page)
