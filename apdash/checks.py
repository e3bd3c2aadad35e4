"""The registries of compliance checks and periodic tasks. Each app registers its
`run_<check>(now)` functions and its periodic tasks in its AppConfig.ready(); `run_checks`, the
Celery tasks and the beat schedule read them from here, so the core never imports the apps to its
left."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class CheckResult:
    kind: str
    opened: int
    resolved: int
    still_open: int


@dataclass(frozen=True)
class RegisteredCheck:
    name: str
    run: Callable[[datetime], list[CheckResult]]
    # "attendance" checks run after each session's cut-off on school days; "nightly" the rest.
    schedule: str = "nightly"


_REGISTRY: dict[str, RegisteredCheck] = {}


def register(name: str, run: Callable[[datetime], list[CheckResult]], *, schedule: str = "nightly") -> None:
    _REGISTRY[name] = RegisteredCheck(name=name, run=run, schedule=schedule)


def registered_checks() -> list[RegisteredCheck]:
    return list(_REGISTRY.values())


def get_check(name: str) -> RegisteredCheck:
    return _REGISTRY[name]


# --- The beat schedule ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    task: str
    kwargs: dict
    crontab: dict


# Apps register their own periodic tasks (digests, register links, pack re-sends) in
# AppConfig.ready(), so the core never names a task of an app to its left.
_PERIODIC_TASKS: dict[str, PeriodicTask] = {}


def register_periodic_task(name: str, task: str, *, crontab: dict, kwargs: dict | None = None) -> None:
    _PERIODIC_TASKS[name] = PeriodicTask(name=name, task=task, kwargs=kwargs or {}, crontab=crontab)


SCHEDULE_TIMEZONE = "Europe/London"


def _minutes_after(clock: str, minutes: int) -> time:
    return (datetime.combine(date(2000, 1, 3), time.fromisoformat(clock)) + timedelta(minutes=minutes)).time()


def beat_schedule() -> list[tuple[str, str, dict, dict]]:
    """(name, task, kwargs, crontab) for each periodic task: the attendance checks just after each
    session's register cut-off on weekdays (the checks skip days that are not school days), the
    other checks nightly, and the tasks the apps registered."""
    am = _minutes_after(settings.APDASH_ATTENDANCE_CUTOFF_AM, 5)
    pm = _minutes_after(settings.APDASH_ATTENDANCE_CUTOFF_PM, 5)
    weekdays = "1-5"
    return [
        (
            "Attendance checks after the morning register",
            "apdash.run_checks",
            {"schedule": "attendance"},
            {"minute": str(am.minute), "hour": str(am.hour), "day_of_week": weekdays},
        ),
        (
            "Attendance checks after the afternoon register",
            "apdash.run_checks",
            {"schedule": "attendance"},
            {"minute": str(pm.minute), "hour": str(pm.hour), "day_of_week": weekdays},
        ),
        (
            # Concerns must be acknowledged within an hour when urgent (APDASH_CONCERN_ACK_HOURS).
            "Frequent checks (concern acknowledgement)",
            "apdash.run_checks",
            {"schedule": "frequent"},
            {"minute": "*/15", "hour": "*", "day_of_week": "*"},
        ),
        (
            "Nightly compliance checks",
            "apdash.run_checks",
            {"schedule": "nightly"},
            {"minute": "30", "hour": "1", "day_of_week": "*"},
        ),
        *(
            (task.name, task.task, task.kwargs, task.crontab)
            for task in sorted(_PERIODIC_TASKS.values(), key=lambda task: task.name)
        ),
    ]


def install_schedule(periodic_task_model, crontab_model, periodic_tasks_model=None) -> int:
    """Create or update the django-celery-beat rows for `beat_schedule()`; safe to run again.
    Takes the models so a migration can pass its historical ones. Returns how many rows."""
    schedule = beat_schedule()
    for name, task, kwargs, cron in schedule:
        crontab, _ = crontab_model.objects.get_or_create(
            **cron, day_of_month="*", month_of_year="*", timezone=SCHEDULE_TIMEZONE
        )
        periodic_task_model.objects.update_or_create(
            name=name,
            defaults={"task": task, "kwargs": json.dumps(kwargs), "crontab": crontab, "enabled": True},
        )
    if periodic_tasks_model is not None:
        # Tells a running beat (DatabaseScheduler) to reload; signals do not fire in migrations.
        periodic_tasks_model.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})
    return len(schedule)
