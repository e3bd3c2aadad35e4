"""Issue 18: the boundaries of each rule, through the checks, services and pages a user meets."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.urls import reverse

from apdash.models import HalfTerm, Role
from placements.attendance import services as attendance_services
from placements.attendance.models import AttendanceMark
from placements.compliance.checks import attendance as attendance_checks
from placements.compliance.checks import reviews as reviews_checks
from placements.compliance.checks import timetable as timetable_checks
from placements.compliance.checks import visits as visits_checks
from placements.compliance.services import flag_resolve
from placements.models import Flag
from tests.factories import (
    LearningPlanFactory,
    PlacementFactory,
    ProviderFactory,
    PupilFactory,
    ReviewFactory,
    SchoolFactory,
    UserFactory,
    VisitFactory,
    member,
    placement_with_timetable,
    seed_calendar,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int = 18) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)


def open_flags(kind):
    return list(Flag.objects.filter(kind=kind, resolved_at__isnull=True))


@pytest.fixture
def calendar():
    seed_calendar(2026)
    return {h.name: h for h in HalfTerm.objects.filter(academic_year__label="2026/27")}


@pytest.fixture
def school():
    return SchoolFactory()


# --- 4. A placement with no timetable -----------------------------------------------------------


def test_a_placement_with_no_timetable_opens_an_amber_timetable_missing_flag_until_one_is_added(school):
    placement = PlacementFactory(pupil=PupilFactory(school=school), start_date=date(2026, 9, 7))
    timetable_checks.run_timetable(at(date(2026, 11, 23)))
    (flag,) = open_flags(Flag.Kind.TIMETABLE_MISSING)
    assert flag.severity == "amber" and flag.placement == placement
    assert "has no timetable" in flag.message
    placement.timetable.create(weekday=0, start=time(9), end=time(12))
    timetable_checks.run_timetable(at(date(2026, 11, 24)))
    assert open_flags(Flag.Kind.TIMETABLE_MISSING) == []


def test_a_placement_that_ended_yesterday_needs_no_timetable_but_one_ending_today_does(school):
    pupil = PupilFactory(school=school)
    PlacementFactory(pupil=pupil, start_date=date(2026, 9, 7), end_date=date(2026, 11, 22))
    ending = PlacementFactory(pupil=pupil, start_date=date(2026, 9, 7), end_date=date(2026, 11, 23))
    timetable_checks.run_timetable(at(date(2026, 11, 23)))
    assert [f.placement for f in open_flags(Flag.Kind.TIMETABLE_MISSING)] == [ending]


def test_a_placement_with_no_timetable_still_needs_its_half_termly_visit(calendar, school):
    PlacementFactory(pupil=PupilFactory(school=school), start_date=date(2026, 9, 7))
    visits_checks.run_visits(at(date(2026, 11, 23)))
    (flag,) = open_flags(Flag.Kind.VISIT_OVERDUE)
    assert flag.details["half_term"] == calendar["Autumn 1"].id


# --- 7. A visit counts for every placement at that setting ---------------------------------------


def test_a_visit_counts_for_every_placement_the_pupil_has_at_that_provider(calendar, school):
    pupil, provider = PupilFactory(school=school), ProviderFactory()
    mornings = placement_with_timetable(
        pupil=pupil, provider=provider, days=(0,), start_date=date(2026, 9, 7)
    )
    placement_with_timetable(pupil=pupil, provider=provider, days=(3,), start_date=date(2026, 9, 7))
    elsewhere = placement_with_timetable(pupil=pupil, days=(4,), start_date=date(2026, 9, 7))
    VisitFactory(placement=mornings, date=date(2026, 10, 5))
    visits_checks.run_visits(at(date(2026, 11, 23)))
    overdue = open_flags(Flag.Kind.VISIT_OVERDUE)
    assert [f.placement for f in overdue] == [elsewhere]


def test_a_visit_on_the_last_day_of_a_half_term_counts_and_the_day_after_does_not(calendar, school):
    autumn1 = calendar["Autumn 1"]
    pupil, provider = PupilFactory(school=school), ProviderFactory()
    on_last = placement_with_timetable(pupil=pupil, provider=provider, start_date=date(2026, 9, 7))
    late = placement_with_timetable(pupil=PupilFactory(school=school), start_date=date(2026, 9, 7))
    VisitFactory(placement=on_last, date=autumn1.end_date)
    VisitFactory(placement=late, date=calendar["Autumn 2"].start_date)
    visits_checks.run_visits(at(date(2026, 11, 23)))
    assert {f.placement for f in open_flags(Flag.Kind.VISIT_OVERDUE)} == {late}


# --- 8. Missed visits and reviews stay open until resolved ---------------------------------------


def test_a_missed_visit_stays_open_after_the_placement_ends_and_across_the_year_rollover(calendar, school):
    seed_calendar(2027)
    placement = placement_with_timetable(
        pupil=PupilFactory(school=school), start_date=date(2026, 9, 7), end_date=date(2026, 12, 18)
    )
    visits_checks.run_visits(at(date(2026, 11, 23)))
    (flag,) = open_flags(Flag.Kind.VISIT_OVERDUE)
    visits_checks.run_visits(at(date(2027, 1, 20)))
    visits_checks.run_visits(at(date(2027, 9, 20)))
    assert flag in open_flags(Flag.Kind.VISIT_OVERDUE)
    flag_resolve(
        actor=UserFactory(), flag=flag, resolution="Seen at the school on 12 October; recorded late."
    )
    visits_checks.run_visits(at(date(2027, 9, 21)))
    assert flag.key not in {f.key for f in open_flags(Flag.Kind.VISIT_OVERDUE)}
    # Autumn 2 was missed too: its flag opened in January and is still open in the next year.
    assert {f.details["half_term"] for f in open_flags(Flag.Kind.VISIT_OVERDUE)} == {calendar["Autumn 2"].id}
    assert {f.placement for f in open_flags(Flag.Kind.VISIT_OVERDUE)} == {placement}


def test_a_missed_visit_clears_when_a_visit_inside_that_half_term_is_recorded(calendar, school):
    placement = placement_with_timetable(pupil=PupilFactory(school=school), start_date=date(2026, 9, 7))
    visits_checks.run_visits(at(date(2026, 11, 23)))
    assert open_flags(Flag.Kind.VISIT_OVERDUE)
    VisitFactory(placement=placement, date=date(2026, 10, 1))
    visits_checks.run_visits(at(date(2026, 11, 24)))
    assert open_flags(Flag.Kind.VISIT_OVERDUE) == []


def test_a_missed_review_stays_open_after_the_placement_ends(calendar, school):
    pupil = PupilFactory(school=school)
    placement = placement_with_timetable(pupil=pupil, start_date=date(2026, 9, 7))
    LearningPlanFactory(pupil=pupil)
    reviews_checks.run_reviews(at(date(2026, 11, 23)))
    (flag,) = open_flags(Flag.Kind.REVIEW_OVERDUE)
    placement.end_date = date(2026, 11, 24)
    placement.save()
    reviews_checks.run_reviews(at(date(2026, 12, 1)))
    assert open_flags(Flag.Kind.REVIEW_OVERDUE) == [flag]


def test_a_missed_review_clears_when_a_review_in_that_half_term_is_recorded(calendar, school):
    pupil = PupilFactory(school=school)
    placement_with_timetable(pupil=pupil, start_date=date(2026, 9, 7))
    plan = LearningPlanFactory(pupil=pupil)
    reviews_checks.run_reviews(at(date(2026, 11, 23)))
    assert open_flags(Flag.Kind.REVIEW_OVERDUE)
    ReviewFactory(plan=plan, date=date(2026, 10, 14))
    reviews_checks.run_reviews(at(date(2026, 11, 24)))
    assert open_flags(Flag.Kind.REVIEW_OVERDUE) == []


# --- 11. An N unreplaced after 5 school days ------------------------------------------------------


def _n_mark(placement, day):
    return attendance_services.attendance_bulk_record(
        entries=[{"placement": placement, "date": day, "session": "AM", "code": "N"}], source="coordinator"
    )[0]


def test_an_n_code_is_flagged_on_the_sixth_school_day_after_its_session_not_the_fifth(calendar, school):
    placement = placement_with_timetable(
        pupil=PupilFactory(school=school), days=(0, 1, 2, 3, 4), start_date=date(2026, 9, 7)
    )
    _n_mark(placement, date(2026, 11, 16))  # a Monday
    attendance_checks.run_attendance(at(date(2026, 11, 23)))  # 5 school days later
    assert open_flags(Flag.Kind.N_CODE_UNRESOLVED) == []
    attendance_checks.run_attendance(at(date(2026, 11, 24)))  # the sixth
    (flag,) = open_flags(Flag.Kind.N_CODE_UNRESOLVED)
    assert flag.severity == "amber" and flag.subject_date == date(2026, 11, 16)


def test_replacing_the_n_with_the_right_code_clears_the_flag(calendar, school):
    placement = placement_with_timetable(
        pupil=PupilFactory(school=school), days=(0, 1, 2, 3, 4), start_date=date(2026, 9, 7)
    )
    _n_mark(placement, date(2026, 11, 16))
    attendance_checks.run_attendance(at(date(2026, 11, 24)))
    assert open_flags(Flag.Kind.N_CODE_UNRESOLVED)
    attendance_services.attendance_bulk_record(
        entries=[{"placement": placement, "date": date(2026, 11, 16), "session": "AM", "code": "I"}],
        source="coordinator",
    )
    attendance_checks.run_attendance(at(date(2026, 11, 25)))
    assert open_flags(Flag.Kind.N_CODE_UNRESOLVED) == []


@override_settings(APDASH_N_CODE_DAYS=2)
def test_the_n_code_limit_is_a_setting(calendar, school):
    placement = placement_with_timetable(
        pupil=PupilFactory(school=school), days=(0, 1, 2, 3, 4), start_date=date(2026, 9, 7)
    )
    _n_mark(placement, date(2026, 11, 16))
    attendance_checks.run_attendance(at(date(2026, 11, 19)))
    assert open_flags(Flag.Kind.N_CODE_UNRESOLVED)


# --- 9, 10. Codes and persistent absence, through the pages --------------------------------------


def test_q_is_accepted_and_is_not_a_possible_session(client, school):
    placement = placement_with_timetable(
        pupil=PupilFactory(school=school), days=(0,), start_date=date(2026, 9, 7)
    )
    marks = attendance_services.attendance_bulk_record(
        entries=[
            {"placement": placement, "date": date(2026, 11, 16), "session": "AM", "code": "Q"},
            {"placement": placement, "date": date(2026, 11, 16), "session": "PM", "code": "B"},
        ],
        source="coordinator",
    )
    assert {m.code for m in marks} == {"Q", "B"}
    from placements.attendance import rules

    assert rules.attendance_percentage(AttendanceMark.objects.values_list("code", flat=True)) == 100.0


def test_the_register_grid_explains_each_code_with_its_group(client, school):
    placement_with_timetable(pupil=PupilFactory(school=school), days=(0,), start_date=date(2026, 9, 7))
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    page = client.get(
        f"{reverse('placements:register_grid')}?school={school.pk}&week=2026-11-16"
    ).content.decode()
    assert "Unable to attend: lack of access arrangements (unable to attend (not a possible session))" in page
    assert "Holiday not granted by the school (unauthorised absence)" in page
