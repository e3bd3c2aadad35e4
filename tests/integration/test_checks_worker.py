from datetime import date

import pytest
from celery import group
from celery.result import EagerResult

from apdash.tasks import run_check
from placements.models import Flag
from tests.factories import PupilFactory, SchoolFactory, placement_with_timetable, seed_calendar

pytestmark = pytest.mark.integration

AT = "2026-11-23T15:00:00"


def seed_world():
    seed_calendar(2026)
    school = SchoolFactory()
    for n in range(12):
        placement_with_timetable(
            pupil=PupilFactory(school=school, sen_status="ehcp" if n == 0 else "none"),
            days=(0, 1, 2) if n % 3 == 0 else (0, 1),
            start_date=date(2026, 9, 7),
        )


def open_keys():
    return sorted(Flag.objects.filter(resolved_at__isnull=True).values_list("key", flat=True))


def test_a_real_worker_runs_the_check_tasks_and_the_flags_appear(celery_worker_process):
    seed_world()
    names = ["visits", "hours", "attendance", "audits"]
    results = group(run_check.s(name, AT).set(queue=celery_worker_process) for name in names).apply_async()
    assert not any(isinstance(r, EagerResult) for r in results.results), "must run on the worker"
    by_kind = {r["kind"]: r for batch in results.get(timeout=60) for r in batch}
    assert by_kind["visit_overdue"]["still_open"] == 12
    assert by_kind["hours_breach_pupil"]["still_open"] == 4
    assert by_kind["attendance_missing"]["still_open"] > 0
    assert Flag.objects.filter(kind="audit_expired", resolved_at__isnull=True).count() == 12


def test_the_same_checks_twice_at_once_leave_no_duplicate_open_flags(celery_worker_process):
    seed_world()
    once = [run_check.s(name, AT).set(queue=celery_worker_process) for name in ("visits", "attendance")]
    group(once).apply_async().get(timeout=60)
    expected = open_keys()
    Flag.objects.all().delete()
    # Two copies of each task on a two-slot worker: the copies race on the same keys.
    twice = [
        run_check.s(name, AT).set(queue=celery_worker_process)
        for name in ("visits", "visits", "attendance", "attendance")
    ]
    group(twice).apply_async().get(timeout=60)
    assert open_keys() == expected
    assert len(expected) == len(set(expected)) > 12
