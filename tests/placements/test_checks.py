from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from apdash.models import HalfTerm
from placements.compliance.checks import attendance as attendance_checks
from placements.compliance.checks import audits as audits_checks
from placements.compliance.checks import hours as hours_checks
from placements.compliance.checks import visits as visits_checks
from placements.compliance.services import flag_resolve
from placements.models import Flag
from tests.factories import (
    AttendanceMarkFactory,
    ClosureFactory,
    FollowUpFactory,
    ProviderAuditFactory,
    ProviderFactory,
    PupilFactory,
    SchoolFactory,
    UserFactory,
    VisitFactory,
    placement_with_timetable,
    seed_calendar,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int = 18, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def open_flags(kind):
    return list(Flag.objects.filter(kind=kind, resolved_at__isnull=True))


@pytest.fixture
def calendar():
    seed_calendar(2026)
    return {h.name: h for h in HalfTerm.objects.filter(academic_year__label="2026/27")}


@pytest.fixture
def school():
    return SchoolFactory()


# --- Visits ---------------------------------------------------------------------------------------


def test_a_half_term_without_a_visit_is_overdue_with_its_half_term_in_the_details(calendar, school):
    placement = placement_with_timetable(pupil=PupilFactory(school=school), start_date=date(2026, 9, 7))
    visits_checks.run_visits(at(date(2026, 11, 23)))
    (flag,) = open_flags(Flag.Kind.VISIT_OVERDUE)
    assert flag.severity == Flag.Severity.RED
    assert flag.details["half_term"] == calendar["Autumn 1"].id
    assert (flag.school, flag.pupil, flag.placement, flag.provider) == (
        school,
        placement.pupil,
        placement,
        placement.provider,
    )
    assert flag.key == f"visit_overdue:placement={placement.id}:half_term={calendar['Autumn 1'].id}"


def test_a_visit_at_the_other_setting_or_in_another_half_term_does_not_count(calendar, school):
    pupil = PupilFactory(school=school)
    here = placement_with_timetable(pupil=pupil, start_date=date(2026, 9, 7), days=(0,))
    elsewhere = placement_with_timetable(pupil=pupil, start_date=date(2026, 9, 7), days=(2,))
    VisitFactory(placement=elsewhere, date=date(2026, 10, 7))
    VisitFactory(placement=here, date=date(2026, 11, 4))  # Autumn 2, not Autumn 1
    visits_checks.run_visits(at(date(2026, 11, 23)))
    assert [f.placement for f in open_flags(Flag.Kind.VISIT_OVERDUE)] == [here]


def test_a_visit_recorded_late_but_dated_inside_the_half_term_resolves_the_flag(calendar, school):
    placement = placement_with_timetable(pupil=PupilFactory(school=school), start_date=date(2026, 9, 7))
    visits_checks.run_visits(at(date(2026, 11, 23)))
    VisitFactory(placement=placement, date=date(2026, 10, 20))
    (result, overdue) = visits_checks.run_visits(at(date(2026, 11, 24)))
    assert overdue.resolved == 1
    assert not open_flags(Flag.Kind.VISIT_OVERDUE)


def test_a_visit_where_the_pupil_was_not_seen_does_not_count(calendar, school):
    placement = placement_with_timetable(pupil=PupilFactory(school=school), start_date=date(2026, 9, 7))
    VisitFactory(placement=placement, date=date(2026, 10, 7), pupil_seen=False)
    visits_checks.run_visits(at(date(2026, 11, 23)))
    assert len(open_flags(Flag.Kind.VISIT_OVERDUE)) == 1


def test_a_visit_falls_due_when_ten_school_days_of_the_half_term_remain(calendar, school):
    placement = placement_with_timetable(pupil=PupilFactory(school=school), start_date=date(2026, 11, 2))
    visits_checks.run_visits(at(date(2026, 12, 4)))  # 11 school days left (4 and 7–18 December)
    assert not open_flags(Flag.Kind.VISIT_DUE)
    visits_checks.run_visits(at(date(2026, 12, 7)))  # 10 left, today included
    (flag,) = open_flags(Flag.Kind.VISIT_DUE)
    assert flag.severity == Flag.Severity.AMBER
    assert flag.placement == placement
    assert flag.details["half_term"] == calendar["Autumn 2"].id
    assert flag.details["school_days_left"] == 10


def test_a_placement_that_never_ran_on_a_school_day_of_the_half_term_needs_no_visit(calendar, school):
    # Ended during the October holiday, after Autumn 1 ended: it still needed Autumn 1's visit only.
    placement_with_timetable(
        pupil=PupilFactory(school=school), start_date=date(2026, 10, 26), end_date=date(2026, 10, 30)
    )
    visits_checks.run_visits(at(date(2026, 11, 23)))
    assert not open_flags(Flag.Kind.VISIT_OVERDUE)


@pytest.mark.parametrize("schools", [1, 6])
def test_the_visit_check_reads_a_fixed_number_of_queries_however_many_schools_and_partnerships(
    calendar, schools, django_assert_max_num_queries
):
    for _ in range(schools):
        # Each school has its own partnership: their calendars are read together, not one by one.
        school = SchoolFactory()
        for _ in range(3):
            placement_with_timetable(pupil=PupilFactory(school=school), start_date=date(2026, 9, 7))
    with django_assert_max_num_queries(16):
        visits_checks.run_visits(at(date(2026, 11, 23)))
    assert len(open_flags(Flag.Kind.VISIT_OVERDUE)) == schools * 3


# --- Hours ----------------------------------------------------------------------------------------


def test_a_pupil_over_the_days_limit_gets_a_red_flag_with_the_figures(school):
    placement = placement_with_timetable(pupil=PupilFactory(school=school), days=(0, 1, 2))
    hours_checks.run_hours(at(date(2026, 11, 23)))
    (flag,) = open_flags(Flag.Kind.HOURS_BREACH_PUPIL)
    assert flag.details == {
        "weekly_hours": 18.0,
        "days": 3,
        "limits_breached": ["days"],
        "full_time_hours": 18.0,
        "max_days": 3,
        "from": placement.start_date.isoformat(),
    }
    assert (flag.school, flag.pupil, flag.provider) == (school, placement.pupil, placement.provider)
    # The breach began with the placement, not on the day the check first ran.
    assert flag.subject_date == placement.start_date


def test_hours_at_one_provider_add_up_across_placements_and_sixteen_hours_is_near_the_limit(school):
    pupil, provider = PupilFactory(school=school), ProviderFactory()
    placement_with_timetable(pupil=pupil, provider=provider, days=(0,), start=time(8), end=time(16))
    placement_with_timetable(pupil=pupil, provider=provider, days=(3,), start=time(8), end=time(16))
    hours_checks.run_hours(at(date(2026, 11, 23)))
    (flag,) = open_flags(Flag.Kind.HOURS_NEAR_LIMIT)
    assert flag.details["weekly_hours"] == 16.0 and flag.details["days"] == 2
    assert not open_flags(Flag.Kind.HOURS_BREACH_PUPIL)


def test_an_unregistered_provider_with_one_full_time_ehcp_pupil_from_any_school_must_register():
    provider = ProviderFactory()
    pupil = PupilFactory(sen_status="ehcp")
    placement_with_timetable(pupil=pupil, provider=provider, days=(0, 1, 2, 3), start=time(9), end=time(14))
    placement_with_timetable(pupil=PupilFactory(), provider=provider, days=(0,))
    hours_checks.run_hours(at(date(2026, 11, 23)))
    (flag,) = open_flags(Flag.Kind.HOURS_BREACH_PROVIDER)
    assert flag.school is None and flag.provider == provider and flag.pupil is None
    assert flag.details["full_time_pupils"] == 1 and flag.details["limits_breached"] == ["needs"]
    assert pupil.full_name not in flag.message


def test_a_registered_provider_and_an_ended_placement_raise_no_hours_flags(school):
    pupil = PupilFactory(school=school)
    placement_with_timetable(
        pupil=pupil, provider=ProviderFactory(registration_status="registered"), days=range(5)
    )
    placement_with_timetable(
        pupil=pupil, days=range(5), start_date=date(2026, 9, 7), end_date=date(2026, 10, 1)
    )
    results = hours_checks.run_hours(at(date(2026, 11, 23)))
    assert [r.still_open for r in results] == [0, 0, 0]


# --- Attendance -----------------------------------------------------------------------------------


def test_a_missing_register_is_flagged_only_once_the_session_cut_off_has_passed(calendar, school):
    placement = placement_with_timetable(
        pupil=PupilFactory(school=school), days=(0,), start_date=date(2026, 11, 23)
    )
    monday = date(2026, 11, 23)
    attendance_checks.run_attendance(at(monday, 10, 29))
    assert not open_flags(Flag.Kind.ATTENDANCE_MISSING)
    attendance_checks.run_attendance(at(monday, 10, 30))
    (flag,) = open_flags(Flag.Kind.ATTENDANCE_MISSING)
    assert (flag.subject_date, flag.details["session"], flag.placement) == (monday, "AM", placement)
    assert flag.key == f"attendance_missing:placement={placement.id}:date=2026-11-23:session=AM"
    attendance_checks.run_attendance(at(monday, 14, 30))
    assert sorted(f.details["session"] for f in open_flags(Flag.Kind.ATTENDANCE_MISSING)) == ["AM", "PM"]


def test_the_mark_arriving_resolves_the_missing_register_flag(calendar, school):
    placement = placement_with_timetable(
        pupil=PupilFactory(school=school), days=(0,), start_date=date(2026, 11, 23), end=time(12)
    )
    attendance_checks.run_attendance(at(date(2026, 11, 23), 11))
    AttendanceMarkFactory(placement=placement, date=date(2026, 11, 23), session="AM", code="B")
    results = attendance_checks.run_attendance(at(date(2026, 11, 23), 11, 5))
    assert results[0].resolved == 1 and results[0].still_open == 0


def test_a_closure_day_needs_no_mark(calendar, school):
    ClosureFactory(date=date(2026, 11, 23), school=school, reason="INSET day")
    closed = placement_with_timetable(
        pupil=PupilFactory(school=school), days=(0,), start_date=date(2026, 11, 9)
    )
    open_school = placement_with_timetable(pupil=PupilFactory(), days=(0,), start_date=date(2026, 11, 9))
    attendance_checks.run_attendance(at(date(2026, 11, 23)))
    missing = {(f.placement, f.subject_date) for f in open_flags(Flag.Kind.ATTENDANCE_MISSING)}
    assert (closed, date(2026, 11, 23)) not in missing
    assert (closed, date(2026, 11, 16)) in missing
    assert (open_school, date(2026, 11, 23)) in missing


def test_an_ended_placement_needs_no_mark_after_its_end(calendar, school):
    ended = placement_with_timetable(
        pupil=PupilFactory(school=school),
        days=(1,),
        start_date=date(2026, 11, 2),
        end_date=date(2026, 11, 16),
    )
    running = placement_with_timetable(
        pupil=PupilFactory(school=school), days=(1,), start_date=date(2026, 11, 2)
    )
    attendance_checks.run_attendance(at(date(2026, 11, 23)))
    assert {f.placement for f in open_flags(Flag.Kind.ATTENDANCE_MISSING)} == {running}
    assert ended.end_date < date(2026, 11, 17)


def test_the_look_back_is_the_last_five_school_days_including_today(calendar, school):
    placement_with_timetable(pupil=PupilFactory(school=school), days=range(5), start_date=date(2026, 11, 2))
    attendance_checks.run_attendance(at(date(2026, 11, 23), 9))  # Monday, before today's cut-off
    days = sorted({f.subject_date for f in open_flags(Flag.Kind.ATTENDANCE_MISSING)})
    assert days == [date(2026, 11, d) for d in (17, 18, 19, 20)]


def test_an_unexplained_absence_is_red_until_someone_follows_it_up(calendar, school):
    placement = placement_with_timetable(
        pupil=PupilFactory(school=school), days=(0,), start_date=date(2026, 11, 23), end=time(12)
    )
    mark = AttendanceMarkFactory(placement=placement, date=date(2026, 11, 23), session="AM", code="N")
    attendance_checks.run_attendance(at(date(2026, 11, 23), 11))
    (flag,) = open_flags(Flag.Kind.ABSENCE_UNEXPLAINED)
    assert flag.severity == Flag.Severity.RED and flag.details["session"] == "AM"
    assert not open_flags(Flag.Kind.ATTENDANCE_MISSING)
    FollowUpFactory(attendance=mark)
    attendance_checks.run_attendance(at(date(2026, 11, 23), 11, 30))
    assert not open_flags(Flag.Kind.ABSENCE_UNEXPLAINED)


def test_an_old_missing_register_stays_flagged_until_the_mark_arrives(calendar, school):
    placement = placement_with_timetable(
        pupil=PupilFactory(school=school), days=(0,), start_date=date(2026, 11, 2), end=time(12)
    )
    attendance_checks.run_attendance(at(date(2026, 11, 6)))
    assert [f.subject_date for f in open_flags(Flag.Kind.ATTENDANCE_MISSING)] == [date(2026, 11, 2)]
    attendance_checks.run_attendance(at(date(2026, 12, 1), 11))  # 2 November is long outside the look-back
    assert date(2026, 11, 2) in {f.subject_date for f in open_flags(Flag.Kind.ATTENDANCE_MISSING)}
    AttendanceMarkFactory(placement=placement, date=date(2026, 11, 2), session="AM")
    attendance_checks.run_attendance(at(date(2026, 12, 1), 12))
    assert date(2026, 11, 2) not in {f.subject_date for f in open_flags(Flag.Kind.ATTENDANCE_MISSING)}


# --- Audits ---------------------------------------------------------------------------------------


def test_a_provider_in_use_without_a_current_audit_or_insurance_is_flagged():
    today = date(2026, 11, 23)
    never, old, lapsed, fine = (ProviderFactory(name=n) for n in ("Never", "Old", "Lapsed", "Fine"))
    for provider in (never, old, lapsed, fine):
        placement_with_timetable(provider=provider)
    ProviderAuditFactory(provider=old, audited_on=today - timedelta(days=366))
    ProviderAuditFactory(provider=old, audited_on=today - timedelta(days=400))
    ProviderAuditFactory(
        provider=lapsed, audited_on=today - timedelta(days=30), insurance_expires_on=today - timedelta(days=1)
    )
    ProviderAuditFactory(provider=fine, audited_on=today - timedelta(days=365))
    ProviderAuditFactory(provider=ProviderFactory(name="Unused"), audited_on=today - timedelta(days=900))
    audits_checks.run_audits(at(today))
    flags = {f.provider.name: f for f in open_flags(Flag.Kind.AUDIT_EXPIRED)}
    assert set(flags) == {"Never", "Old", "Lapsed"}
    assert flags["Never"].details["problems"] == ["audit_missing"]
    assert flags["Old"].details["problems"] == ["audit_expired"]
    assert flags["Lapsed"].details["problems"] == ["insurance_expired"]
    assert all(f.school is None and f.severity == Flag.Severity.RED for f in flags.values())


# --- Idempotence ------------------------------------------------------------------------------------


def test_running_every_check_twice_gives_the_same_open_flags(calendar, school):
    placement_with_timetable(pupil=PupilFactory(school=school), days=(0, 1, 2), start_date=date(2026, 9, 7))
    now = at(date(2026, 11, 23), 15)
    runs = [
        visits_checks.run_visits,
        hours_checks.run_hours,
        attendance_checks.run_attendance,
        audits_checks.run_audits,
    ]
    for run in runs:
        run(now)
    first = sorted(Flag.objects.filter(resolved_at__isnull=True).values_list("key", flat=True))
    for run in runs:
        assert all(result.opened == 0 and result.resolved == 0 for result in run(now))
    assert sorted(Flag.objects.filter(resolved_at__isnull=True).values_list("key", flat=True)) == first
    assert len(first) > 5


def test_a_flag_a_person_resolved_is_not_reopened_by_later_runs(calendar, school):
    placement_with_timetable(pupil=PupilFactory(school=school), start_date=date(2026, 9, 7))
    visits_checks.run_visits(at(date(2026, 11, 23)))
    (flag,) = open_flags(Flag.Kind.VISIT_OVERDUE)
    flag_resolve(actor=UserFactory(), flag=flag, resolution="Seen at the school's review meeting instead.")
    results = visits_checks.run_visits(at(date(2026, 11, 24)))
    assert results[1].opened == 0 and not open_flags(Flag.Kind.VISIT_OVERDUE)
