import pytest
from celery.result import EagerResult

from apdash.celery import ping

pytestmark = pytest.mark.integration


def test_a_real_worker_on_redis_runs_a_task_and_returns_its_result(celery_worker_process):
    result = ping.apply_async(args=["apdash"], queue=celery_worker_process)
    assert not isinstance(result, EagerResult), "the task ran in the test process, not on the worker"
    reply = result.get(timeout=30)
    assert reply["pong"] == "apdash"
    assert reply["worker"].startswith(f"{celery_worker_process}@")
    assert result.successful()
