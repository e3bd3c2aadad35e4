"""The day's register in a browser: the provider marks an absence through the emailed link, and the
school's coordinator follows it up the same day."""

from datetime import date, time

import pytest
from django.utils import timezone

from apdash.models import Role
from placements.attendance import services as attendance_services
from placements.models import AttendanceMark
from tests.e2e.conftest import axe_violations, screenshot, sign_in
from tests.factories import PASSWORD, PupilFactory, member, placement_with_timetable, seed_calendar

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WEDNESDAY = date(2026, 11, 18)


def test_provider_reports_an_absence_and_the_coordinator_follows_it_up(page, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: WEDNESDAY)
    seed_calendar(2026)
    absent = placement_with_timetable(
        days=(2,),
        start=time(9, 0),
        end=time(12, 0),
        start_date=date(2026, 9, 7),
        pupil=PupilFactory(first_name="Kacey", last_name="Walsh"),
    )
    present = placement_with_timetable(
        days=(2,),
        start=time(9, 0),
        end=time(12, 0),
        start_date=date(2026, 9, 7),
        provider=absent.provider,
        pupil=PupilFactory(first_name="Ellis", last_name="Morgan", school=absent.pupil.school),
    )
    coordinator = member(Role.SCHOOL_COORDINATOR, school=absent.pupil.school, email="sam@wendlow.example")
    _, token = attendance_services.register_link_create(provider=absent.provider, date=WEDNESDAY)

    # The provider opens the emailed link: no account, just that day's register.
    page.goto(f"/register/{token}/")
    assert page.get_by_role("heading", name="Register for Wednesday 18 November 2026").is_visible()
    assert axe_violations(page) == []
    kacey = page.get_by_role("group", name="Kacey Walsh, morning")
    kacey.get_by_label("Absent").check()
    kacey.get_by_label("Reason for absence").select_option("no_contact")
    page.get_by_role("group", name="Ellis Morgan, morning").get_by_label("Attended").check()
    screenshot(page, "register-by-link")
    page.get_by_role("button", name="Send register").click()
    assert page.get_by_text("Register sent: 2 marks recorded").is_visible()
    assert AttendanceMark.objects.get(placement=absent).code == "N"
    assert AttendanceMark.objects.get(placement=present).code == "B"

    # The coordinator sees the N on the week's grid and follows it up.
    sign_in(page, coordinator.email, PASSWORD)
    page.goto("/attendance/register/?week=2026-11-16")
    cell = page.get_by_label("Kacey Walsh, Wednesday 18 November, AM")
    assert cell.input_value() == "N"
    assert page.get_by_label("Ellis Morgan, Wednesday 18 November, AM").input_value() == "B"
    assert axe_violations(page) == []
    page.get_by_role("link", name="Follow up Kacey Walsh, Wednesday 18 November AM").click()
    assert page.get_by_text("provider said: no contact").is_visible()
    page.get_by_label("Who did you contact?").fill("Mother by phone")
    page.get_by_label("Safe and well").check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Record follow-up").click()

    assert page.get_by_text("Follow-up recorded for Kacey Walsh").is_visible()
    row = page.get_by_role("row", name="Kacey Walsh")
    assert row.get_by_text("Followed up").is_visible()
    assert row.get_by_text("after ").first.inner_text().strip().endswith(("minute", "minutes"))
    assert page.get_by_role("link", name="Follow up Kacey Walsh, Wednesday 18 November AM").count() == 0
    assert axe_violations(page) == []
    screenshot(page, "register-grid-followed-up")
