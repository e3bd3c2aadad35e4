"""What the checks of one run share: a fact every check reads is read once per `run_scope`, and a
check run by itself reads only what it needs."""

from datetime import datetime

import pytest
from django.utils import timezone

from apdash import checks
from apdash.checks import Scope, run_scope

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 11, 23, 15, 0))


@pytest.fixture
def reads(monkeypatch):
    """Two checks that both ask for the scope's open flags; the reads made, in order."""
    made = []
    monkeypatch.setattr(checks, "_REGISTRY", {})

    def check(now, scope=None):
        flags = checks.shared(
            "open flags",
            lambda: made.append("every kind") or "all",
            alone=lambda: made.append("mine") or "own",
        )
        return [checks.CheckResult(kind=flags, opened=0, resolved=0, still_open=0)]

    checks.register("first", check)
    checks.register("second", check)
    return made


def test_the_checks_of_one_run_read_a_shared_fact_once(reads):
    results = run_scope(NOW, Scope.pupil(1))
    assert reads == ["every kind"]
    assert [r.kind for r in results] == ["all", "all"]
    run_scope(NOW, Scope.pupil(1))  # a new run reads again: the data may have changed since
    assert reads == ["every kind", "every kind"]


def test_a_check_run_by_itself_reads_only_its_own(reads):
    assert [r.kind for r in checks.get_check("first").run(NOW)] == ["own"]
    assert checks.shared_so_far("open flags") is None
    assert reads == ["mine"]
