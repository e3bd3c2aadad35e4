"""Each domain question has one answer, and every page, check, API call, readiness cell and pack
section that asks it gets the same one (issue 12)."""

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apdash.models import Role
from inspection import packs as inspection_packs
from inspection import selectors as inspection_selectors
from placements.attendance import selectors as attendance_selectors
from placements.attendance import services as attendance_services
from placements.compliance.checks import attendance as attendance_checks
from placements.compliance.checks import hours as hours_checks
from placements.core import views as core_views
from placements.models import AttendanceMark, Flag, FollowUp
from placements.workspace import selectors as workspace_selectors
from tests.factories import (
    ProviderFactory,
    PupilFactory,
    SchoolFactory,
    member,
    placement_with_timetable,
    seed_calendar,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)  # a Monday in Autumn 2, which began on 2 November
NOW = timezone.make_aware(datetime.combine(TODAY, time(16, 0)))
AUTUMN_2_MONDAYS = [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16), TODAY]


@pytest.fixture
def absent_on_monday():
    """A pupil at a setting on Mondays, present every Monday this half term but today (N)."""
    seed_calendar(2026)
    school = SchoolFactory()
    placement = placement_with_timetable(
        pupil=PupilFactory(school=school), days=(0,), start=time(9), end=time(12), start_date=date(2026, 9, 7)
    )
    for day in AUTUMN_2_MONDAYS[:-1]:
        attendance_services.attendance_record(
            placement=placement, date=day, session="AM", code="B", source=AttendanceMark.Source.COORDINATOR
        )
    attendance_services.attendance_record(
        placement=placement, date=TODAY, session="AM", code="N", source=AttendanceMark.Source.COORDINATOR
    )
    return school, placement, member(Role.SCHOOL_COORDINATOR, school=school)


def _follow_up(placement, outcome, minutes):
    attendance_services.follow_up_record(
        placement=placement,
        date=TODAY,
        session="AM",
        contacted="Mother by phone",
        contacted_at=timezone.make_aware(datetime.combine(TODAY, time(10))) + timedelta(minutes=minutes),
        outcome=outcome,
    )


def _answers(school, placement, user):
    """What the flag, the register grid, readiness (c) and the pack each say about the absence."""
    attendance_checks.run_attendance(NOW)
    flag_open = Flag.objects.filter(
        kind=Flag.Kind.ABSENCE_UNEXPLAINED, placement=placement, resolved_at__isnull=True
    ).exists()
    (row,) = attendance_selectors.register_grid(user, school=school, week_start=TODAY, now=NOW)
    cell = next(c for c in row.cells if c.day == TODAY and c.session == "AM")
    readiness = inspection_selectors.readiness_for_user(user, school_ids=[school.pk], today=TODAY, now=NOW)
    pack = inspection_packs.pack_data(
        inspection_packs.PackScope(
            title=school.name, schools=[school], date_from=AUTUMN_2_MONDAYS[0], date_to=TODAY
        ),
        today=TODAY,
        now=NOW,
    )
    (entry,) = pack["pupils"][0]["placements"]
    return {
        "flag open": flag_open,
        "grid says chase": cell.needs_follow_up and not cell.followed_up,
        "readiness (c)": readiness.rows[0].cells["c"].status,
        "pack followed up": (entry["followed_up"], entry["absences"]),
    }


def test_a_not_yet_contacted_follow_up_leaves_the_absence_unexplained_everywhere(absent_on_monday):
    school, placement, user = absent_on_monday
    _follow_up(placement, FollowUp.Outcome.NOT_CONTACTED, minutes=5)
    assert _answers(school, placement, user) == {
        "flag open": True,
        "grid says chase": True,
        "readiness (c)": "red",
        "pack followed up": (0, 1),
    }


def test_a_follow_up_that_reached_the_family_explains_the_absence_everywhere(absent_on_monday):
    school, placement, user = absent_on_monday
    _follow_up(placement, FollowUp.Outcome.NOT_CONTACTED, minutes=5)
    _follow_up(placement, FollowUp.Outcome.SAFE_AND_WELL, minutes=45)
    assert _answers(school, placement, user) == {
        "flag open": False,
        "grid says chase": False,
        "readiness (c)": "green",
        "pack followed up": (1, 1),
    }


def test_a_u_code_needs_a_follow_up_like_n_and_o(absent_on_monday):
    school, placement, user = absent_on_monday
    attendance_services.attendance_record(
        placement=placement, date=TODAY, session="AM", code="U", source=AttendanceMark.Source.COORDINATOR
    )
    assert _answers(school, placement, user)["flag open"] is True


@pytest.fixture
def twenty_hours_at_an_unregistered_provider():
    """Four days of five hours at one unregistered provider: over 18 hours and 3 days."""
    seed_calendar(2026)
    school = SchoolFactory()
    provider = ProviderFactory()
    placement = placement_with_timetable(
        pupil=PupilFactory(school=school),
        provider=provider,
        days=(0, 1, 2, 3),
        start=time(9),
        end=time(14),
        start_date=date(2026, 9, 7),
    )
    return school, provider, placement, member(Role.SCHOOL_COORDINATOR, school=school)


def test_every_caller_judges_a_pupils_week_at_a_provider_the_same(
    client, twenty_hours_at_an_unregistered_provider
):
    school, provider, placement, user = twenty_hours_at_an_unregistered_provider
    hours_checks.run_hours(NOW)
    (flag,) = Flag.objects.filter(kind=Flag.Kind.HOURS_BREACH_PUPIL, resolved_at__isnull=True)
    (row,) = workspace_selectors.provider_pupils_section(user, provider, TODAY)["rows"]
    warning = core_views.hours_warning(
        pupil=placement.pupil,
        provider=provider,
        main_responsibility=False,
        slots=[slot.as_rule_slot() for slot in placement.timetable.all()],
        placement=placement,
    )
    client.force_login(user)
    api = client.get(reverse("placement-detail", args=[placement.pk])).json()["hours_warning"]
    readiness = inspection_selectors.readiness_for_user(user, school_ids=[school.pk], today=TODAY, now=NOW)
    pack = inspection_packs.pack_data(
        inspection_packs.PackScope(title=school.name, schools=[school], date_from=TODAY, date_to=TODAY),
        today=TODAY,
        now=NOW,
    )
    (pack_row,) = pack["unregistered"]["rows"]
    words = "20 hours a week (more than 18); 4 days a week (3 or more)"
    assert words in flag.message
    assert words in row["breach"] and words in warning and words in api["message"]
    assert api["limits_breached"] == ["hours", "days"] == list(row["assessment"].limits_breached)
    assert readiness.rows[0].cells["registration"].status == "red"
    assert words in readiness.rows[0].cells["registration"].reason
    assert words in pack_row["breach"]
