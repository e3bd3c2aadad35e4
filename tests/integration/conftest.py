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
from tests.services import need, port_open, redis_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def celery_worker_process(transactional_db):
    """Start `celery worker` in a subprocess against Redis and the test database; yields the
    queue name the test should send tasks to."""
    broker = redis_url()
    need(port_open(broker, 6379), f"Redis at {broker}")
    need(
        connection.vendor == "postgresql",
        "PostgreSQL (a worker process cannot share an in-memory SQLite test DB)",
    )
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "apdash.settings",
        "DATABASE_URL": f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    log = open(ROOT / f".celery-{queue}.log", "w")  # noqa: SIM115
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "apdash",
            "worker",
            "--pool=threads",
            "--concurrency=2",
            "-Q",
            queue,
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # The app reads Django settings under the CELERY_ namespace, so only the namespaced keys
    # really switch eager mode off and point the producer at Redis.
    switched = {
        "CELERY_TASK_ALWAYS_EAGER": False,
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
    }
    previous = {key: celery_app.conf.get(key) for key in switched}
    celery_app.conf.update(switched)
    celery_app.__dict__.pop("backend", None)  # the result backend is cached on first use
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if worker.poll() is not None:
                pytest.fail(f"Celery worker exited: {(ROOT / f'.celery-{queue}.log').read_text()[-2000:]}")
            if celery_app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=1):
                break
        else:
            pytest.fail("Celery worker did not answer within 60 seconds")
        yield queue
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
        (ROOT / f".celery-{queue}.log").unlink(missing_ok=True)
        celery_app.conf.update(previous)
        celery_app.__dict__.pop("backend", None)
