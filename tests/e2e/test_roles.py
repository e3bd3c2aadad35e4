"""Every role's day, end to end, in real Chromium (issue 17): each journey visits the pages its
role uses, runs axe on each (no serious or critical violations) and saves a screenshot of each at
1280 px and at 390 px wide in artefacts/screenshots/."""

from datetime import date, time, timedelta

import pyotp
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apdash.models import Role
from placements.attendance import services as attendance_services
from placements.models import Flag
from safeguarding.models import Concern, ConcernEntry
from tests.e2e.conftest import axe_violations, screenshot, sign_in
from tests.factories import (
    PASSWORD,
    AttendanceMarkFactory,
    ConcernFactory,
    FlagFactory,
    PartnershipFactory,
    ProviderFactory,
    PupilFactory,
    SchoolFactory,
    VisitFactory,
    member,
    placement_with_timetable,
    seed_calendar,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MONDAY = date(2026, 11, 23)  # in Autumn 2: every journey sees the same school days
WIDE, PHONE = 1280, 390
LONG_NAME = "Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaft"


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: MONDAY)
    seed_calendar(2026)
    return MONDAY


WIDE_ELEMENTS = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.govuk-main-wrapper *'))
  .slice(0, 5).map(e => e.tagName + '.' + e.className)"""


def look(page, name):
    """The page as it is, at both widths: axe finds nothing serious, nothing widens a phone's
    page, and a screenshot of each width is saved."""
    for width in (WIDE, PHONE):
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == [], f"{name} at {width} px"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} is {overflow} px wider than a {width} px screen: " + str(
            page.evaluate(WIDE_ELEMENTS)
        )
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": WIDE, "height": 900})


def assert_navigation_fits_and_collapses(page):
    """One line of navigation at 1280 px; behind a Menu button on a phone; Sign out always on screen."""
    page.set_viewport_size({"width": WIDE, "height": 900})
    tops = page.locator(".govuk-service-navigation__item").evaluate_all(
        "items => [...new Set(items.map(item => item.getBoundingClientRect().top))]"
    )
    assert len(tops) == 1, "the service navigation wraps at 1280 px"
    expect(page.get_by_role("button", name="Sign out")).to_be_in_viewport()
    page.set_viewport_size({"width": PHONE, "height": 900})
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(page.locator("#navigation")).to_be_hidden()
    expect(page.get_by_role("button", name="Sign out")).to_be_in_viewport()
    menu.click()
    expect(page.locator("#navigation")).to_be_visible()
    menu.click()
    page.set_viewport_size({"width": WIDE, "height": 900})


def sign_in_with_two_factor(page, email):
    """Sign in, then set up two-factor with a code generated here (a DSL's or head's first time)."""
    sign_in(page, email, PASSWORD)
    page.goto("/safeguarding/")
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    secret = page.locator("#otp-secret").inner_text()
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    page.wait_for_load_state()


def school_with_pupils(*, name="Wendlow Academy", partnership=None):
    """A school with a pupil at a setting every weekday since 2 November (visited, flagged for
    a risk assessment, registers mostly missing) and two pupils of the same name."""
    school = SchoolFactory(name=name, partnership=partnership or PartnershipFactory())
    provider = ProviderFactory(name="Forge Vocational")
    pupil = PupilFactory(school=school, first_name="Kacey", last_name=LONG_NAME, year_group=10)
    placement = placement_with_timetable(
        pupil=pupil,
        provider=provider,
        days=(0, 1, 2, 3, 4),
        start=time(9, 0),
        end=time(12, 0),
        start_date=date(2026, 11, 2),
    )
    AttendanceMarkFactory(placement=placement, date=date(2026, 11, 2), session="AM", code="B")
    VisitFactory(
        placement=placement,
        date=date(2026, 11, 12),
        visitor_name="Sam Patel",
        wellbeing="Settled, chatty with staff",
        learning="Finished the brickwork unit",
        behaviour="No incidents",
        pupil_view="Likes the practical work",
    )
    FlagFactory(
        kind=Flag.Kind.RISK_ASSESSMENT_MISSING,
        severity=Flag.Severity.RED,
        school=school,
        pupil=pupil,
        placement=placement,
        provider=provider,
        message="No risk assessment for the journey or the setting.",
    )
    twins = [
        PupilFactory(school=school, first_name="Jordan", last_name="Okafor", year_group=y) for y in (9, 11)
    ]
    return school, provider, placement, twins


def test_a_school_coordinators_day(page, today):
    school, provider, placement, twins = school_with_pupils()
    member(Role.SCHOOL_COORDINATOR, school=school, email="sam@wendlow.example", full_name="Sam Patel")
    sign_in(page, "sam@wendlow.example", PASSWORD)
    look(page, "coordinator-home")
    assert_navigation_fits_and_collapses(page)

    # Same-name pupils told apart in the list.
    page.get_by_role("link", name="Pupils", exact=True).click()
    for twin in twins:
        expect(page.get_by_text(twin.told_apart)).to_be_visible()
    look(page, "coordinator-pupils")

    # The pupil page: visits read back, registers owned up to, the week on five lines.
    page.get_by_role("link", name=f"{LONG_NAME}, Kacey").click()
    expect(page.locator(".govuk-warning-text").get_by_text("sessions without a register")).to_be_visible()
    expect(page.locator(".apdash-week .govuk-summary-list__row")).to_have_count(5)
    page.get_by_text("12 November 2026 at Forge Vocational").click()
    expect(page.get_by_text("Likes the practical work")).to_be_visible()
    look(page, "coordinator-pupil")

    # The risk assessment is one click away, from the placement and from its flag.
    expect(page.get_by_role("link", name="Record the risk assessment")).to_have_count(2)
    page.get_by_role("link", name="Record the risk assessment").first.click()
    expect(page.get_by_role("heading", name="Add a risk assessment")).to_be_visible()
    look(page, "coordinator-risk-assessment")
    page.go_back()

    page.get_by_text("12 November 2026 at Forge Vocational").click()
    page.get_by_role("link", name="Open this visit").click()
    expect(page.get_by_text("Finished the brickwork unit")).to_be_visible()
    look(page, "coordinator-visit")

    page.get_by_role("link", name="Flags", exact=True).click()
    expect(page.get_by_role("link", name="Record the risk assessment")).to_be_visible()
    look(page, "coordinator-flags")

    # A form: the error summary, no school question for one school, a date typed as its hint.
    page.get_by_role("link", name="Pupils", exact=True).click()
    page.get_by_role("link", name="Add a pupil").click()
    expect(page.get_by_label("School", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Save pupil").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    look(page, "coordinator-pupil-form-errors")
    page.get_by_label("UPN (unique pupil number)").fill("B801200005001")
    page.get_by_label("First name").fill("Riley")
    page.get_by_label("Last name").fill("Marsh")
    page.get_by_label("Date of birth").fill("27 3 2011")
    page.get_by_label("Year group").select_option(label="Year 10")
    page.get_by_role("button", name="Save pupil").click()
    expect(page.get_by_role("heading", name="Riley Marsh")).to_be_visible()


def test_a_partnership_coordinators_day(page, today):
    partnership = PartnershipFactory(name="Wendlow Partnership")
    school, provider, placement, _ = school_with_pupils(partnership=partnership)
    other = SchoolFactory(name="Birch Academy", partnership=partnership)
    for _ in range(4):
        placement_with_timetable(
            pupil=PupilFactory(school=other, date_of_birth=date(2012, 1, 5)),
            provider=provider,
            days=(0, 1, 2, 3),
            start=time(9, 0),
            end=time(14, 0),
            start_date=date(2026, 11, 2),
        )
    member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership, email="lee@county.example")
    sign_in(page, "lee@county.example", PASSWORD)
    expect(page.get_by_role("heading", name="Open flags", exact=True)).to_be_visible()
    look(page, "partnership-home")
    assert_navigation_fits_and_collapses(page)

    # The overview's "at a setting today" agrees with the today board.
    row = page.locator("table").first.get_by_role("row", name="Birch Academy")
    expect(row.get_by_role("cell").nth(2)).to_have_text("4")
    page.get_by_role(
        "link", name=f"{Flag.Kind.RISK_ASSESSMENT_MISSING.label.lower()} at Wendlow Academy"
    ).click()
    expect(page.get_by_text("No risk assessment for the journey or the setting.")).to_be_visible()
    look(page, "partnership-flags-filtered")

    page.get_by_role("link", name="Today", exact=True).click()
    expect(page.get_by_text("5 of 7 pupils at a setting")).to_be_visible()
    look(page, "partnership-today")

    # The provider page: the registration test as it stands, and who counts.
    page.goto(f"/providers/{provider.pk}/")
    expect(
        page.get_by_text("4 of 5 full-time pupils of compulsory school age; 0 looked after")
    ).to_be_visible()
    expect(page.get_by_text("Not on the county directory")).to_be_visible()
    look(page, "partnership-provider")

    # Readiness: the partnership's schools a row each, then one school's pupils.
    page.get_by_role("link", name="Inspection", exact=True).click()
    expect(page.get_by_role("heading", name="Each school")).to_be_visible()
    look(page, "partnership-readiness")
    page.get_by_role("link", name="Birch Academy", exact=True).click()
    expect(page.get_by_role("link", name="All schools in Wendlow Partnership")).to_be_visible()
    expect(page.locator('td[data-column="e"]')).to_have_count(4)
    look(page, "partnership-readiness-school")


def test_a_dsls_day(page, today):
    school, provider, placement, _ = school_with_pupils()
    raiser = member(
        Role.SCHOOL_COORDINATOR, school=school, email="sam@wendlow.example", full_name="Sam Patel"
    )
    member(Role.DSL, school=school, email="priya@wendlow.example", full_name="Priya Shah")
    now = timezone.now()
    ConcernFactory(
        pupil=placement.pupil, placement=placement, raised_by=raiser, raised_at=now - timedelta(hours=3)
    )
    sign_in_with_two_factor(page, "priya@wendlow.example")
    expect(page.get_by_role("heading", name="DSL inbox")).to_be_visible()
    page.locator("#navigation").get_by_role("link", name="Home", exact=True).click()
    expect(page.locator("main h2").first).to_have_text("Concerns")
    expect(page.get_by_text("1 concern waiting for you to acknowledge it")).to_be_visible()
    look(page, "dsl-home")
    assert_navigation_fits_and_collapses(page)

    page.get_by_role("link", name="Safeguarding", exact=True).click()
    expect(page.get_by_role("heading", name="DSL inbox")).to_be_visible()
    expect(page.get_by_text("3 hours")).to_be_visible()
    look(page, "dsl-inbox")
    page.get_by_role("link", name=f"Kacey {LONG_NAME}").click()
    page.get_by_role("button", name="Acknowledge").click()
    look(page, "dsl-concern")

    page.get_by_role("link", name="Add to the chronology").click()
    expect(page.get_by_label("Decision", exact=True)).to_be_hidden()
    page.get_by_label("A decision, with the reason").check()
    expect(page.get_by_label("Decision", exact=True)).to_be_visible()
    expect(page.get_by_label("Referred to")).to_be_hidden()
    look(page, "dsl-chronology-form")
    page.get_by_label("Decision", exact=True).select_option(label="Decision not to refer")
    page.get_by_label("Details").fill("Spoke with mum; consistent account. Threshold not met.")
    page.get_by_role("button", name="Add to the chronology").click()

    page.get_by_role("link", name="Who has read this concern").click()
    expect(page.get_by_text("Priya Shah viewed the concern, ").first).to_be_visible()
    look(page, "dsl-access-log")
    page.go_back()
    page.get_by_role("link", name=f"Chronology for Kacey {LONG_NAME}").click()
    expect(page.get_by_text("Priya Shah recorded a decision not to refer, ")).to_be_visible()
    look(page, "dsl-chronology")
    assert ConcernEntry.objects.filter(kind="decision").exists()
    assert Concern.objects.get().status == Concern.Status.ACKNOWLEDGED


def test_a_heads_day(page, today):
    school, provider, placement, _ = school_with_pupils()
    member(Role.HEAD, school=school, email="head@wendlow.example")
    sign_in_with_two_factor(page, "head@wendlow.example")
    page.locator("#navigation").get_by_role("link", name="Home", exact=True).click()
    expect(page.get_by_role("heading", name="Pupils placed today")).to_be_visible()
    look(page, "head-home")
    assert_navigation_fits_and_collapses(page)
    page.get_by_role("link", name="Inspection", exact=True).click()
    look(page, "head-readiness")
    page.goto(f"/providers/{provider.pk}/")
    expect(page.get_by_text("full-time pupils of compulsory school age")).to_be_visible()
    look(page, "head-provider")


def test_provider_staffs_day(page, today):
    school, provider, placement, _ = school_with_pupils()
    tuesdays_only = placement_with_timetable(
        pupil=PupilFactory(school=school, first_name="Tuesday", last_name="Only"),
        provider=provider,
        days=(1,),
        start_date=date(2026, 11, 2),
    )
    member(Role.PROVIDER_STAFF, provider=provider, email="office@forge.example")

    # An expired link explains itself.
    _, token = attendance_services.register_link_create(provider=provider, date=MONDAY - timedelta(days=7))
    page.goto(f"/register/{token}/")
    expect(
        page.get_by_text("This link has expired or is not valid. Ask Wendlow Academy for a new one")
    ).to_be_visible()
    look(page, "provider-link-expired")

    sign_in(page, "office@forge.example", PASSWORD)
    expect(page.get_by_text(f"Kacey {LONG_NAME}")).to_be_visible()
    expect(page.get_by_text(tuesdays_only.pupil.full_name)).to_have_count(0)
    look(page, "provider-home")
    page.get_by_role("link", name="Record today's attendance").click()
    reason = page.get_by_label("Reason for absence")
    expect(reason).to_be_hidden()
    expect(page.get_by_label("Minutes late")).to_be_hidden()
    page.get_by_label("Absent", exact=True).check()
    expect(reason).to_be_visible()
    look(page, "provider-register")
    reason.select_option(label="Ill")
    page.get_by_role("button", name="Send register").click()
    expect(page.get_by_text("Register sent")).to_be_visible()
