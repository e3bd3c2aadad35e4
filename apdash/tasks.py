"""Celery tasks for the compliance checks: thin wrappers over the registered check functions."""

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from .checks import get_check, registered_checks


@shared_task(
    name="apdash.run_check",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def run_check(name: str, at: str | None = None) -> list[dict]:
    now = datetime.fromisoformat(at) if at else timezone.localtime()
    if timezone.is_naive(now):
        now = timezone.make_aware(now)
    return [result.__dict__ for result in get_check(name).run(now)]


@shared_task(name="apdash.run_checks", acks_late=True)
def run_checks(schedule: str | None = None, at: str | None = None) -> list[str]:
    """Fan out one task per check (optionally only those on one schedule)."""
    names = [c.name for c in registered_checks() if schedule is None or c.schedule == schedule]
    for name in names:
        run_check.delay(name, at)
    return names
