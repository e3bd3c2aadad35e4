"""A real Celery worker on the real Redis broker, sharing the test database."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from apdash.celery import app as celery_app
from apdash.celery import sending_to
from tests.services import need, port_open, redis_url

ROOT = Path(__file__).resolve().parents[2]


def worker_env(**extra) -> dict:
    """The environment of a worker process: the real broker and this test's database."""
    broker = redis_url()
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "apdash.settings",
        "DATABASE_URL": f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **extra,
    }


def start_worker(queue: str, *, concurrency: int = 2, name: str | None = None, **env):
    """Start `celery worker` on `queue` in a subprocess and wait until it answers a ping.
    Returns (process, log path)."""
    name = name or queue
    log_path = ROOT / f".celery-{name}.log"
    log = open(log_path, "w")  # noqa: SIM115
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "apdash",
            "worker",
            "--pool=threads",
            f"--concurrency={concurrency}",
            "-Q",
            queue,
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"{name}@%h",
        ],
        cwd=ROOT,
        env=worker_env(**env),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            pytest.fail(f"Celery worker exited: {log_path.read_text()[-2000:]}")
        if celery_app.control.ping(destination=[f"{name}@{os.uname().nodename}"], timeout=1):
            return worker, log_path
    worker.kill()
    pytest.fail("Celery worker did not answer within 60 seconds")


def stop_worker(worker, log_path) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    log_path.unlink(missing_ok=True)


@pytest.fixture
def real_broker(transactional_db):
    """This process sends tasks to Redis (not eagerly) for the test's duration."""
    broker = redis_url()
    need(port_open(broker, 6379), f"Redis at {broker}")
    need(
        connection.vendor == "postgresql",
        "PostgreSQL (a worker process cannot share an in-memory SQLite test DB)",
    )
    with sending_to(broker):
        yield broker


@pytest.fixture
def celery_worker_process(real_broker):
    """Start `celery worker` in a subprocess against Redis and the test database; yields the
    queue name the test should send tasks to."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker, log_path = start_worker(queue)
    try:
        yield queue
    finally:
        stop_worker(worker, log_path)
