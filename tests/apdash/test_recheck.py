"""A write re-checks its scope once its transaction commits: once per scope however many times the
transaction touched it, never after a rollback, not again while a re-check is still queued, and
a broker that is down never fails the write."""

import pytest
from django.core.cache import caches
from django.db import transaction

from apdash import tasks
from apdash.checks import Scope, recheck

pytestmark = pytest.mark.django_db


def test_a_transaction_re_checks_each_scope_it_touched_once_after_it_commits(
    enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            recheck(Scope.pupil(1))
            recheck(Scope.pupil(1), Scope.provider(7))
            with transaction.atomic():
                recheck(Scope.pupil(1))
            assert enqueued == []
    assert enqueued == ["pupil=1", "provider=7"]


def test_a_rolled_back_write_re_checks_nothing(enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            recheck(Scope.pupil(1))
            raise RuntimeError
    assert enqueued == []


def test_a_queued_re_check_stands_for_later_writes_until_it_starts(
    enqueued, django_capture_on_commit_callbacks, monkeypatch
):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            recheck(Scope.pupil(1))
    assert enqueued == ["pupil=1"]
    monkeypatch.setattr(tasks, "run_scope", lambda now, scope: [])
    tasks.recheck("pupil=1")  # the queued re-check starts: a later write must enqueue another
    with django_capture_on_commit_callbacks(execute=True):
        recheck(Scope.pupil(1))
    assert enqueued == ["pupil=1", "pupil=1"]


def test_a_broker_that_is_down_does_not_fail_the_write_and_the_next_write_tries_again(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    caches["checks"].clear()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    attempts = []

    def down(scope):
        attempts.append(scope)
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.recheck, "delay", down)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            recheck(Scope.provider(3))
    assert attempts == ["provider=3", "provider=3"]
