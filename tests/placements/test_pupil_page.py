"""The pupil page as a coordinator reads it (issue 17): visits read back, the risk assessment and
induction one click away, registers that never came in, same-name pupils told apart, and a
compact week."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apdash.demo import seed_calendar
from apdash.models import Role
from placements.attendance.selectors import sessions_without_register
from placements.models import Flag
from tests.factories import (
    AttendanceMarkFactory,
    FlagFactory,
    PupilFactory,
    SchoolFactory,
    VisitFactory,
    member,
    placement_with_timetable,
)

pytestmark = pytest.mark.django_db


def _page(client, user, pupil):
    client.force_login(user)
    response = client.get(reverse("placements:pupil_detail", args=[pupil.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_pupil_page_and_the_visit_page_read_back_what_was_written_at_a_visit(client):
    placement = placement_with_timetable()
    visit = VisitFactory(
        placement=placement,
        visitor_name="Sam Patel",
        wellbeing="Settled and chatty with staff",
        learning="Finished the brickwork unit",
        behaviour="No incidents this week",
        pupil_view="Says she likes the practical work",
    )
    user = member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school)
    page = _page(client, user, placement.pupil)
    written = ("Sam Patel", "Settled and chatty", "brickwork unit", "No incidents", "likes the practical")
    assert all(text in page for text in written)
    detail = client.get(reverse("placements:visit_detail", args=[visit.pk])).content.decode()
    assert "Says she likes the practical work" in detail and "Sam Patel" in detail


def test_a_visit_of_another_schools_pupil_is_404(client):
    visit = VisitFactory()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=SchoolFactory()))
    assert client.get(reverse("placements:visit_detail", args=[visit.pk])).status_code == 404


def test_the_risk_assessment_and_induction_are_one_click_from_the_pupil_page_and_its_flag(client):
    placement = placement_with_timetable()
    FlagFactory(
        kind=Flag.Kind.RISK_ASSESSMENT_MISSING,
        school=placement.pupil.school,
        pupil=placement.pupil,
        placement=placement,
        message="No risk assessment",
    )
    user = member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school)
    page = _page(client, user, placement.pupil)
    risk = reverse("safeguarding:risk_assessment_create", args=[placement.pk])
    assert page.count(f'href="{risk}"') == 2  # on the placement and on its flag
    assert "Record the risk assessment" in page
    assert reverse("safeguarding:induction_create", args=[placement.pk]) in page
    flags = client.get(reverse("placements:flag_list")).content.decode()
    assert f'href="{risk}">Record the risk assessment' in flags
    form = client.get(reverse("placements:placement_edit", args=[placement.pk])).content.decode()
    assert f'href="{risk}">Record the risk assessment' in form


def test_sessions_without_a_register_are_counted_not_hidden_behind_a_clean_figure():
    today = timezone.localdate()
    seed_calendar(today)
    monday = today - timedelta(days=today.weekday() + 14)
    placement = placement_with_timetable(days=(0,), start_date=monday)  # mornings and afternoons
    AttendanceMarkFactory(placement=placement, date=monday, session="AM", code="B")
    now = timezone.make_aware(datetime.combine(monday + timedelta(days=7), time(18, 0)))
    counts = sessions_without_register([placement], since=monday, today=now.date(), now=now)
    # Two Mondays have passed: four sessions timetabled, one register received.
    school_days = 2 - sum(1 for d in (monday, monday + timedelta(days=7)) if not _open(placement, d))
    assert counts == {placement.pk: 2 * school_days - 1}


def _open(placement, day):
    from apdash.selectors import school_days

    return day in school_days(placement.pupil.school, day, day)


def test_the_pupil_page_says_how_many_sessions_have_no_register(client):
    today = timezone.localdate()
    seed_calendar(today)
    placement = placement_with_timetable(days=(0, 1, 2, 3, 4), start_date=today - timedelta(days=40))
    AttendanceMarkFactory(placement=placement, date=placement.start_date, code="B")
    user = member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school)
    page = _page(client, user, placement.pupil)
    assert "sessions without a register" in page


def test_two_pupils_of_the_same_name_are_told_apart_wherever_they_are_listed(client):
    school = SchoolFactory()
    kacey = PupilFactory(school=school, first_name="Kacey", last_name="Walsh", year_group=9)
    other = PupilFactory(school=school, first_name="Kacey", last_name="Walsh", year_group=11)
    user = member(Role.SCHOOL_COORDINATOR, school=school)
    client.force_login(user)
    listing = client.get(reverse("placements:pupil_list")).content.decode()
    assert f"Year 9, UPN ending {kacey.upn[-4:]}" in listing
    assert f"Year 11, UPN ending {other.upn[-4:]}" in listing
    choices = client.get(reverse("placements:placement_create")).content.decode()
    assert kacey.listed_name in choices and other.listed_name in choices


def test_the_week_is_one_line_a_weekday_not_a_row_an_hour(client):
    placement = placement_with_timetable(days=(0, 2), start=time(9, 0), end=time(15, 0))
    placement.provider.name = "Style My Ride"
    placement.provider.save()
    user = member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school)
    page = _page(client, user, placement.pupil)
    assert page.count("Style My Ride 09:00–15:00") == 2
    assert ">13:00<" not in page  # no hour-by-hour rows
    assert "In school" in page
