import pytest
from django.core.cache import caches

from apdash import tasks


@pytest.fixture
def enqueued(monkeypatch):
    """The scopes whose re-check a write enqueued, in order (the task itself is not run)."""
    caches["checks"].clear()
    sent = []
    monkeypatch.setattr(tasks.recheck, "delay", lambda scope: sent.append(scope))
    yield sent
    caches["checks"].clear()
