from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from placements.compliance import rules
from placements.compliance.checks.time_limits import run_time_limits
from placements.core import services
from placements.models import Flag
from providers.models import Provider
from tests.factories import ProviderFactory, TimetableSlotFactory, placement_with_timetable

pytestmark = pytest.mark.django_db

START = date(2026, 9, 7)  # a Monday
TWELVE_WEEKS_ON = START + timedelta(weeks=12)  # the first day beyond 12 weeks


def at(day):
    return datetime(day.year, day.month, day.day, 1, 30, tzinfo=ZoneInfo("Europe/London"))


def open_flags(kind):
    return list(Flag.objects.filter(kind=kind, resolved_at__isnull=True))


def full_time(**kwargs):
    return placement_with_timetable(start_date=START, days=(0, 1, 2, 3, 4), **kwargs)  # 30 hours


def test_the_time_limits_are_off_by_default():
    full_time()
    placement_with_timetable(start_date=START, days=(0, 1, 2), start=time(9), end=time(12))
    run_time_limits(at(START + timedelta(weeks=40)))
    assert not Flag.objects.filter(kind__startswith="time_limit").exists()


def test_a_full_time_placement_is_flagged_from_the_first_day_past_the_weeks_and_resolves_when_it_ends(
    settings,
):
    settings.APDASH_MAX_FULL_TIME_WEEKS_UNREGISTERED = 12
    placement = full_time()
    run_time_limits(at(TWELVE_WEEKS_ON - timedelta(days=1)))
    assert open_flags(Flag.Kind.TIME_LIMIT_FULL_TIME) == []
    run_time_limits(at(TWELVE_WEEKS_ON))
    (flag,) = open_flags(Flag.Kind.TIME_LIMIT_FULL_TIME)
    assert (flag.severity, flag.placement, flag.subject_date) == ("red", placement, TWELVE_WEEKS_ON)
    run_time_limits(at(TWELVE_WEEKS_ON))
    assert len(open_flags(Flag.Kind.TIME_LIMIT_FULL_TIME)) == 1
    services.placement_end(
        placement=placement, end_date=TWELVE_WEEKS_ON - timedelta(days=1), end_reason="completed"
    )
    run_time_limits(at(TWELVE_WEEKS_ON))
    assert open_flags(Flag.Kind.TIME_LIMIT_FULL_TIME) == []


def test_a_full_time_placement_planned_beyond_the_limit_is_flagged_before_it_starts(settings):
    settings.APDASH_MAX_FULL_TIME_WEEKS_UNREGISTERED = 12
    planned = full_time(end_date=TWELVE_WEEKS_ON)
    full_time(end_date=TWELVE_WEEKS_ON - timedelta(days=1), provider=ProviderFactory())
    run_time_limits(at(START - timedelta(days=14)))
    assert [f.placement for f in open_flags(Flag.Kind.TIME_LIMIT_FULL_TIME)] == [planned]


def test_registered_providers_and_part_time_placements_are_not_held_to_the_full_time_limit(settings):
    settings.APDASH_MAX_FULL_TIME_WEEKS_UNREGISTERED = 12
    full_time(provider=ProviderFactory(registration_status=Provider.RegistrationStatus.REGISTERED))
    placement_with_timetable(start_date=START, days=(0, 1, 2), start=time(9), end=time(15))  # 18 hours
    run_time_limits(at(START + timedelta(weeks=30)))
    assert open_flags(Flag.Kind.TIME_LIMIT_FULL_TIME) == []


def test_a_part_time_pattern_over_the_days_or_sessions_is_flagged_and_resolves_when_cut(settings):
    settings.APDASH_MAX_PART_TIME_DAYS = 2
    settings.APDASH_MAX_PART_TIME_SESSIONS = 4
    two_full_days = placement_with_timetable(start_date=START, days=(0, 1))  # 4 sessions: within
    three_mornings = placement_with_timetable(start_date=START, days=(0, 1, 2), start=time(9), end=time(12))
    run_time_limits(at(START))
    (flag,) = open_flags(Flag.Kind.TIME_LIMIT_PART_TIME)
    assert flag.placement == three_mornings and "3 days a week (limit 2)" in flag.message
    TimetableSlotFactory(placement=two_full_days, weekday=2, start=time(9), end=time(12))
    three_mornings.timetable.filter(weekday=2).delete()
    run_time_limits(at(START))
    (flag,) = open_flags(Flag.Kind.TIME_LIMIT_PART_TIME)
    assert flag.placement == two_full_days and "5 sessions a week (limit 4)" in flag.message


def test_unsetting_a_limit_resolves_its_flags(settings):
    settings.APDASH_MAX_PART_TIME_DAYS = 2
    placement_with_timetable(start_date=START, days=(0, 1, 2), start=time(9), end=time(12))
    run_time_limits(at(START))
    assert len(open_flags(Flag.Kind.TIME_LIMIT_PART_TIME)) == 1
    settings.APDASH_MAX_PART_TIME_DAYS = None
    run_time_limits(at(START))
    assert open_flags(Flag.Kind.TIME_LIMIT_PART_TIME) == []


def test_the_check_reads_a_fixed_number_of_queries(settings, django_assert_max_num_queries):
    settings.APDASH_MAX_PART_TIME_DAYS = 2
    for _ in range(6):
        placement_with_timetable(start_date=START, days=(0, 1, 2), provider=ProviderFactory())
    with django_assert_max_num_queries(16):
        run_time_limits(at(START))
    assert len(open_flags(Flag.Kind.TIME_LIMIT_PART_TIME)) == 6


@pytest.mark.parametrize(
    ("weeks_run", "over"),
    [(timedelta(weeks=12, days=-1), False), (timedelta(weeks=12), True)],
)
def test_the_full_time_rule_counts_whole_weeks_from_the_start(weeks_run, over):
    breach = rules.time_limit_breach(
        start=START,
        end=None,
        today=START + weeks_run,
        weekly_hours=25,
        days=5,
        sessions=10,
        full_time_hours=18,
        full_time_weeks=12,
        part_time_days=2,
        part_time_sessions=4,
    )
    assert (breach is not None) == over
    assert breach is None or breach.kind == rules.FULL_TIME
