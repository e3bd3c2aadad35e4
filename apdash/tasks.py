"""Celery tasks for the compliance checks: thin wrappers over the registered check functions.
The sweep is sharded: one task per range of partnerships (their pupils), one for the schools in
none and one for the provider-wide rules (each provider once), as a Celery group; a write
re-checks its own scope (`checks.recheck`)."""

from datetime import datetime

from celery import group, shared_task
from django.conf import settings
from django.core.cache import caches
from django.db.models import Count
from django.utils import timezone

from .checks import Scope, get_check, recheck_pending_key, registered_checks, run_scope
from .models import Partnership

RETRIED = {
    "acks_late": True,
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


def _when(at: str | None) -> datetime:
    now = datetime.fromisoformat(at) if at else timezone.localtime()
    return timezone.make_aware(now) if timezone.is_naive(now) else now


@shared_task(name="apdash.run_check", **RETRIED)
def run_check(name: str, at: str | None = None) -> list[dict]:
    """One check over everything."""
    return [result.__dict__ for result in get_check(name).run(_when(at))]


@shared_task(name="apdash.run_checks_for_scope", **RETRIED)
def run_checks_for_scope(scope: str, names: list[str] | None = None, at: str | None = None) -> list[dict]:
    """The checks (all, or those named) for one scope: a shard of the sweep."""
    return [result.__dict__ for result in run_scope(_when(at), Scope.from_key(scope), names=names)]


@shared_task(name="apdash.recheck", **RETRIED)
def recheck(scope: str) -> list[dict]:
    """Every check for the scope a write touched. Clears the scope's "queued" mark before reading
    anything, so a write committed after this point enqueues another run."""
    caches[settings.APDASH_RECHECK_CACHE].delete(recheck_pending_key(Scope.from_key(scope)))
    return [result.__dict__ for result in run_scope(timezone.now(), Scope.from_key(scope))]


def sweep_shards() -> list[Scope]:
    """The provider-wide rules (the longest task: first, so the others fill in around it), then
    the partnerships' pupils in ranges of whole partnerships of about `APDASH_SWEEP_SHARD_SCHOOLS`
    schools each, then the schools in none."""
    shards, first, schools = [Scope.providers()], None, 0
    rows = Partnership.objects.order_by("id").annotate(schools_count=Count("schools"))
    for id, count in rows.values_list("id", "schools_count"):
        first = id if first is None else first
        schools += count
        if schools >= settings.APDASH_SWEEP_SHARD_SCHOOLS:
            shards.append(Scope.partnerships(first, id))
            first, schools = None, 0
    if first is not None:
        shards.append(Scope.partnerships(first, id))
    return [*shards, Scope.no_partnership()]


@shared_task(name="apdash.run_checks", acks_late=True)
def run_checks(schedule: str | None = None, at: str | None = None) -> list[str]:
    """The sweep, the reconciliation behind the event-driven re-checks: the checks (optionally
    only those on one schedule) as a group of one task per shard, spread over the workers."""
    names = [c.name for c in registered_checks() if schedule is None or c.schedule == schedule]
    group(run_checks_for_scope.s(scope.key, names, at) for scope in sweep_shards()).apply_async()
    return names
