import pytest

from apdash.celery import ping

pytestmark = pytest.mark.integration


def test_a_real_worker_on_redis_runs_a_task_and_returns_its_result(celery_worker_process):
    result = ping.apply_async(args=["apdash"], queue=celery_worker_process)
    assert result.get(timeout=30) == {"pong": "apdash"}
    assert result.successful()
