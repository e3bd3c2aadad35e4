"""Acceptance (issue 16): killing the worker in the middle of the sharded sweep and starting another
loses no flag and duplicates none: the shard it was running goes back on the queue (acks_late,
the broker's visibility timeout) and every shard is idempotent."""

import time
import uuid
from datetime import date, datetime

import pytest
from django.utils import timezone

from apdash.celery import app as celery_app
from apdash.checks import run_scope
from apdash.tasks import run_checks, sweep_shards
from placements.models import Flag
from tests.factories import (
    PartnershipFactory,
    ProviderFactory,
    PupilFactory,
    SchoolFactory,
    placement_with_timetable,
    seed_calendar,
)
from tests.integration.conftest import start_worker, stop_worker

pytestmark = pytest.mark.integration

AT = "2026-11-23T15:00:00"


def seed_world(partnerships=12, pupils=4):
    seed_calendar(2026)
    providers = [ProviderFactory() for _ in range(3)]
    for p in range(partnerships):
        school = SchoolFactory(partnership=PartnershipFactory())
        for n in range(pupils):
            placement_with_timetable(
                pupil=PupilFactory(school=school, sen_status="ehcp" if n == 0 else "none"),
                provider=providers[(p + n) % 3],
                days=(0, 1, 2, 3) if n % 2 == 0 else (0, 1),
                start_date=date(2026, 9, 7),
            )


def open_keys():
    return sorted(Flag.objects.filter(resolved_at__isnull=True).values_list("key", flat=True))


@pytest.fixture
def queue(real_broker):
    name = f"sweep-{uuid.uuid4().hex[:8]}"
    previous = celery_app.conf.task_routes
    celery_app.conf.task_routes = {"apdash.*": {"queue": name}}
    celery_app.amqp.flush_routes()
    celery_app.amqp.__dict__.pop("router", None)
    try:
        yield name
    finally:
        celery_app.conf.task_routes = previous
        celery_app.amqp.flush_routes()
        celery_app.amqp.__dict__.pop("router", None)


def test_killing_the_worker_mid_sweep_loses_no_flag_and_duplicates_none(queue, settings):
    # The shards the sweep task sends go to this queue too, one partnership each (so there are
    # many to die among).
    worker_env = {
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "APDASH_SWEEP_SHARD_SCHOOLS": "1",
    }
    settings.APDASH_SWEEP_SHARD_SCHOOLS = 1
    seed_world()
    run_scope(timezone.make_aware(datetime.fromisoformat(AT)))
    expected = open_keys()
    assert len(expected) > 50 and len(sweep_shards()) > 12
    Flag.objects.all().delete()

    # One task at a time, and a task a dead worker held is back on the queue after 3 seconds.
    first, first_log = start_worker(queue, concurrency=1, name=f"{queue}-a", **worker_env)
    try:
        run_checks.delay(None, AT)
        deadline = time.monotonic() + 60
        while not Flag.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        first.kill()  # SIGKILL: no warm shutdown, nothing acknowledged or handed back
        first.wait()
    finally:
        stop_worker(first, first_log)
    done_when_killed = len(open_keys())
    assert 0 < done_when_killed < len(expected), "the worker must die mid-sweep"

    second, second_log = start_worker(queue, concurrency=2, name=f"{queue}-b", **worker_env)
    try:
        deadline = time.monotonic() + 90
        while open_keys() != expected and time.monotonic() < deadline:
            time.sleep(0.5)
        assert open_keys() == expected
        time.sleep(5)  # any redelivered copy still running finishes: it must change nothing
        assert open_keys() == expected
        assert Flag.objects.count() == len(expected)  # nothing opened twice, nothing resolved
    finally:
        stop_worker(second, second_log)
