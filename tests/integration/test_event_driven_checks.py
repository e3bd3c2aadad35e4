"""Acceptance (issue 16): through the API only, on PostgreSQL with a real worker, flags follow the
records within seconds with no `run_checks`; and the readiness grid and the pack agree with them."""

import time
from datetime import time as clock
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.utils import timezone
from rest_framework.test import APIClient

from apdash.celery import app as celery_app
from apdash.checks import Scope, recheck_pending_key
from apdash.demo import seed_calendar
from apdash.models import Role
from apdash.selectors import school_days
from inspection.packs import PackScope, pack_data
from inspection.selectors import readiness_for_user
from placements.models import Flag
from tests.factories import ProviderFactory, SchoolFactory, member, placement_with_timetable
from tests.integration.conftest import ROOT

pytestmark = pytest.mark.integration


@pytest.fixture
def worker(celery_worker_process, settings, real_broker):
    """A real worker; this process's writes enqueue their re-checks to it, and both processes
    share the Redis "re-check queued" marks."""
    settings.CACHES = {
        **settings.CACHES,
        "checks": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": real_broker},
    }
    previous = celery_app.conf.task_routes
    route_to({"apdash.*": {"queue": celery_worker_process}})
    caches["checks"].clear()
    try:
        yield celery_worker_process
    finally:
        route_to(previous)


def route_to(routes):
    celery_app.conf.task_routes = routes
    celery_app.amqp.flush_routes()
    celery_app.amqp.__dict__.pop("router", None)  # the router caches the routes it was built with


def wait_for(condition, *, seconds=30, what="the flags to follow"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    logs = "".join(p.read_text()[-3000:] for p in ROOT.glob(".celery-*.log"))
    pytest.fail(f"Timed out waiting for {what}. The worker's log ends:\n{logs}")


def settled(pupil_id):
    """Wait until the pupil's queued re-check has started, then for it to finish."""
    wait_for(
        lambda: not caches["checks"].get(recheck_pending_key(Scope.pupil(pupil_id))), what="the re-check"
    )
    time.sleep(2)


def is_open(kind, pupil):
    return Flag.objects.filter(kind=kind, pupil=pupil, resolved_at__isnull=True).exists()


@pytest.fixture
def world():
    today = timezone.localdate()
    seed_calendar(today)
    school = SchoolFactory()
    # The school day before today: its registers' cut-offs have passed whatever the time now.
    absent_on = school_days(school, today - timedelta(days=40), today - timedelta(days=1))[-1]
    provider = ProviderFactory(registration_checked_on=today - timedelta(days=30), dsl_name="Dee Marsh")
    placement = placement_with_timetable(
        pupil__school=school,
        provider=provider,
        days=(absent_on.weekday(),),
        start=clock(9),
        end=clock(15),
        start_date=absent_on - timedelta(days=21),
    )
    coordinator = member(Role.SCHOOL_COORDINATOR, school=school)
    api = APIClient()
    api.force_authenticate(coordinator)
    return {
        "today": today,
        "school": school,
        "placement": placement,
        "pupil": placement.pupil,
        "absent_on": absent_on,
        "coordinator": coordinator,
        "api": api,
    }


def readiness_c(world):
    grid = readiness_for_user(world["coordinator"], school_ids=[world["school"].id], today=world["today"])
    return next(row for row in grid.rows if row.pupil == world["pupil"]).cells["c"].status


def pack_follow_ups(world):
    pack = pack_data(
        PackScope(
            title="Pack",
            schools=[world["school"]],
            date_from=world["absent_on"] - timedelta(days=30),
            date_to=world["today"],
        ),
        today=world["today"],
    )
    entry = next(p for p in pack["pupils"] if p["pupil"] == world["pupil"])["placements"][0]
    return entry["absences"], entry["followed_up"]


def test_an_absence_and_its_follow_ups_open_and_resolve_the_flag_with_readiness_and_pack_agreeing(
    worker, world
):
    api, placement, pupil, absent_on = world["api"], world["placement"], world["pupil"], world["absent_on"]
    # Every register of the placement arrives through the API, present, but one morning absent.
    days = school_days(world["school"], placement.start_date, absent_on)
    marks = [
        {"placement": placement.pk, "date": day.isoformat(), "session": session, "code": code}
        for day in days
        if day.weekday() == absent_on.weekday()
        for session, code in (("AM", "N" if day == absent_on else "/"), ("PM", "\\"))
    ]
    response = api.post("/api/v1/attendance/", marks, format="json")
    assert response.status_code == 201, response.content
    absence = next(m for m in response.json() if m["code"] == "N")

    wait_for(lambda: is_open("absence_unexplained", pupil), what="absence_unexplained to open")
    assert readiness_c(world) == "red"
    assert pack_follow_ups(world) == (1, 0)

    follow_up = {
        "attendance": absence["id"],
        "contacted": "Parent",
        "contacted_at": timezone.now().isoformat(),
    }
    response = api.post("/api/v1/follow-ups/", {**follow_up, "outcome": "not_contacted"}, format="json")
    assert response.status_code == 201, response.content
    settled(pupil.pk)
    assert is_open("absence_unexplained", pupil)
    assert readiness_c(world) == "red"
    assert pack_follow_ups(world) == (1, 0)

    response = api.post("/api/v1/follow-ups/", {**follow_up, "outcome": "safe_and_well"}, format="json")
    assert response.status_code == 201, response.content
    wait_for(lambda: not is_open("absence_unexplained", pupil), what="absence_unexplained to resolve")
    assert readiness_c(world) == "green"
    assert pack_follow_ups(world) == (1, 1)


def test_a_placement_change_across_the_hours_line_opens_the_breach_and_changing_back_resolves_it(
    worker, world
):
    api, placement, pupil = world["api"], world["placement"], world["pupil"]
    weekday = world["absent_on"].weekday()
    more = [{"weekday": (weekday + n) % 5, "start": "09:00", "end": "15:30"} for n in range(3)]
    response = api.patch(f"/api/v1/placements/{placement.pk}/", {"timetable": more}, format="json")
    assert response.status_code == 200, response.content
    wait_for(lambda: is_open("hours_breach_pupil", pupil), what="hours_breach_pupil to open")

    back = [{"weekday": weekday, "start": "09:00", "end": "15:00"}]
    response = api.patch(f"/api/v1/placements/{placement.pk}/", {"timetable": back}, format="json")
    assert response.status_code == 200, response.content
    wait_for(lambda: not is_open("hours_breach_pupil", pupil), what="hours_breach_pupil to resolve")
    assert Flag.objects.filter(kind="hours_breach_pupil", pupil=pupil).count() == 1
