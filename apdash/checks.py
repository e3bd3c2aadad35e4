"""The registries of compliance checks and periodic tasks. Each app registers its
`run_<check>(now, scope)` functions and its periodic tasks in its AppConfig.ready(); `run_checks`,
the Celery tasks and the beat schedule read them from here, so the core never imports the apps to
its left. A write that can change a condition calls `recheck(scope)`: on commit, the checks run
again for that scope only (same rules, same flag keys)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scope:
    """What a check run covers: everything; the pupils of one partnership (or of the partnerships
    with ids from `id` to `last`: a sweep's shard), or of the schools in none (provider-wide rules
    are left to the `providers` shard); the provider-wide rules alone, for every provider; one
    provider, pupil or placement (with the provider-wide rules of the providers they touch)."""

    EVERYTHING = "everything"
    PARTNERSHIP = "partnership"
    # The pupils of schools in no partnership: the sweep's shard for them.
    NO_PARTNERSHIP = "no_partnership"
    PROVIDERS = "providers"
    PROVIDER = "provider"
    PUPIL = "pupil"
    PLACEMENT = "placement"
    LEVELS = (EVERYTHING, PARTNERSHIP, NO_PARTNERSHIP, PROVIDERS, PROVIDER, PUPIL, PLACEMENT)
    WHOLE = (EVERYTHING, NO_PARTNERSHIP, PROVIDERS)

    level: str = EVERYTHING
    id: int | None = None
    last: int | None = None

    def __post_init__(self):
        if self.level not in self.LEVELS:
            raise ValueError(f"Unknown scope {self.level!r}")
        if (self.id is None) != (self.level in self.WHOLE):
            raise ValueError(f"A {self.level} scope {'needs' if self.id is None else 'takes no'} id")
        if self.last is not None and (self.level != self.PARTNERSHIP or self.last < self.id):
            raise ValueError(f"A {self.level} scope takes no range to {self.last}")

    @classmethod
    def everything(cls) -> Scope:
        return cls()

    @classmethod
    def partnership(cls, id) -> Scope:
        return cls(cls.PARTNERSHIP, int(id))

    @classmethod
    def partnerships(cls, first, last) -> Scope:
        """The partnerships with ids from `first` to `last` (one, when they are equal)."""
        first, last = int(first), int(last)
        return cls(cls.PARTNERSHIP, first, last if last != first else None)

    @classmethod
    def no_partnership(cls) -> Scope:
        return cls(cls.NO_PARTNERSHIP)

    @classmethod
    def providers(cls) -> Scope:
        return cls(cls.PROVIDERS)

    @classmethod
    def provider(cls, id) -> Scope:
        return cls(cls.PROVIDER, int(id))

    @classmethod
    def pupil(cls, id) -> Scope:
        return cls(cls.PUPIL, int(id))

    @classmethod
    def placement(cls, id) -> Scope:
        return cls(cls.PLACEMENT, int(id))

    @property
    def key(self) -> str:
        if self.id is None:
            return self.level
        return f"{self.level}={self.id}" + (f"-{self.last}" if self.last is not None else "")

    @classmethod
    def from_key(cls, key: str) -> Scope:
        level, _, ids = key.partition("=")
        id, _, last = ids.partition("-")
        return cls(level, int(id) if id else None, int(last) if last else None)

    @property
    def runs_pupil_rules(self) -> bool:
        return self.level != self.PROVIDERS

    @property
    def runs_provider_rules(self) -> bool:
        return self.level not in (self.PARTNERSHIP, self.NO_PARTNERSHIP)


EVERYTHING = Scope()


@dataclass(frozen=True)
class CheckResult:
    kind: str
    opened: int
    resolved: int
    still_open: int


@dataclass(frozen=True)
class RegisteredCheck:
    name: str
    # run(now, scope=None): None is everything.
    run: Callable[..., list[CheckResult]]
    # "attendance" checks run after each session's cut-off on school days; "nightly" the rest.
    schedule: str = "nightly"


_REGISTRY: dict[str, RegisteredCheck] = {}


def register(name: str, run: Callable[..., list[CheckResult]], *, schedule: str = "nightly") -> None:
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


# --- Running the checks for a scope, and re-checking on commit ------------------------------------


def run_scope(now: datetime, scope: Scope | None = None, *, names=None) -> list[CheckResult]:
    """Every registered check (or those named) for one scope, serialised with any other run of the
    same scope so a run that read the data before a change cannot write after the run that read
    it after (on PostgreSQL; SQLite serialises all writes anyway)."""
    scope = scope or EVERYTHING
    with transaction.atomic(), _sharing():
        connection = transaction.get_connection()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [RECHECK_LOCK, scope.key])
        results = []
        for check in registered_checks():
            if names is None or check.name in names:
                results.extend(check.run(now, scope=scope))
    return results


_run = threading.local()


@contextmanager
def _sharing():
    before = getattr(_run, "shared", None)
    _run.shared = {}
    try:
        yield
    finally:
        _run.shared = before


def shared(key, read: Callable, *, alone: Callable | None = None):
    """Inside `run_scope`: what `read()` returned the first time a check of this run asked for
    `key`, so the scope's placements, calendar and open flags are read once for all the checks
    rather than once each (a one-pupil re-check is mostly such fixed reads). Outside a run (one
    check by itself), `alone()` if given (what that check alone needs), else `read()`. The run's
    `now` and scope are fixed, so a key names the rest of what was read; share only what no check
    of the run writes (each flag kind is written by its own check alone)."""
    memo = getattr(_run, "shared", None)
    if memo is None:
        return (alone or read)()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def shared_so_far(key):
    """What a check of this run has already read under `key` (see `shared`), or None: for a check
    that can answer from it when there, and asks the database otherwise."""
    return (getattr(_run, "shared", None) or {}).get(key)


# One advisory lock space for scoped runs (the second half of the key is the scope).
RECHECK_LOCK = 7_426_011
# How long an enqueued re-check stands for later writes to the same scope (seconds): the task
# clears it as it starts, so a write after that start enqueues another run.
RECHECK_PENDING_SECONDS = 300


def recheck_pending_key(scope: Scope) -> str:
    return f"apdash:recheck:{scope.key}"


class _Enqueue:
    """The on-commit callback that enqueues one scope's re-check; equal for equal scopes, so a
    transaction that writes the same pupil ten times enqueues one re-check."""

    def __init__(self, scope: Scope):
        self.scope = scope
        self.done = False

    def __eq__(self, other):
        return isinstance(other, _Enqueue) and other.scope == self.scope

    def __hash__(self):
        return hash(self.scope)

    def __call__(self):
        self.done = True
        cache = caches[settings.APDASH_RECHECK_CACHE]
        key = recheck_pending_key(self.scope)
        if not cache.add(key, 1, timeout=RECHECK_PENDING_SECONDS):
            return  # a re-check of this scope is queued and has not started: it will see this write
        from .tasks import recheck as recheck_task

        try:
            recheck_task.delay(self.scope.key)
        except Exception:
            # The broker is down (or, run eagerly, a check failed): the committed write stands and
            # the next sweep reconciles its flags.
            cache.delete(key)
            logger.exception("Could not re-check %s", self.scope.key)


_paused = threading.local()


@contextmanager
def rechecks_paused():
    """Writes inside enqueue no re-checks: for a seeder or a bulk load that runs the full sweep
    itself afterwards."""
    before = getattr(_paused, "on", False)
    _paused.on = True
    try:
        yield
    finally:
        _paused.on = before


def recheck(*scopes: Scope) -> None:
    """Re-run the checks for these scopes once the current transaction commits (at once outside
    one). Services call this for every write that can change a condition."""
    if getattr(_paused, "on", False):
        return
    connection = transaction.get_connection()
    pending = (
        [callback for _, callback, _ in connection.run_on_commit if not getattr(callback, "done", True)]
        if connection.in_atomic_block
        else []
    )
    for scope in dict.fromkeys(scopes):
        callback = _Enqueue(scope)
        if callback not in pending:
            transaction.on_commit(callback)
            pending.append(callback)
