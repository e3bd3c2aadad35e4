"""Real Celery worker processes for the benchmark (the sharded sweep, the pack in parts): started
on a queue of their own against the benchmark database, with each one's peak memory read back."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]


def broker_url() -> str:
    return os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/11"


def broker_reachable(url: str) -> bool:
    import socket

    parsed = urlparse(url)
    if parsed.scheme != "redis":
        return False
    try:
        socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1).close()
    except OSError:
        return False
    return True


def peak_rss_mb(pid: int) -> int | None:
    """A worker's peak resident memory (VmHWM), in MB: the largest of the process and its pool
    children (the child runs the tasks)."""
    pids = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(child) for child in (task / "children").read_text().split()]
    except OSError:
        pass
    peaks = []
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(round(int(line.split()[1]) / 1024))
        except OSError:
            continue
    return max(peaks, default=None)


def persistent(database_url: str) -> str:
    """The URL with the workers' connections kept between tasks, as production keeps them
    (`settings_production`: CONN_MAX_AGE 60 s); otherwise each task opens its own."""
    if "conn_max_age" in database_url:
        return database_url
    return database_url + ("&" if "?" in database_url else "?") + "conn_max_age=60"


@contextmanager
def celery_workers(count: int):
    """`count` real `celery worker` processes (prefork, one child each: the threads pool's loop
    fetches a message only every 2 s, which made a ten-shard sweep take 19 s instead of 3 s) on a
    queue of their own,
    against the benchmark database and the Redis broker; this process sends to them (not
    eagerly) meanwhile. Yields the workers' pids."""
    import uuid

    from django.db import connection

    from apdash.celery import app, sending_to

    broker, queue = broker_url(), f"bench-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "apdash.settings",
        "DATABASE_URL": persistent(os.environ["DATABASE_URL"]),
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    connection.close()  # workers open their own
    names = [f"{queue}-{n}@{os.uname().nodename}" for n in range(count)]
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "apdash",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "-Q",
                queue,
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "-n",
                name,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name in names
    ]
    try:
        with sending_to(broker, CELERY_TASK_DEFAULT_QUEUE=queue):
            deadline = time.monotonic() + 120
            waiting = set(names)
            while waiting:
                if any(w.poll() is not None for w in workers):
                    raise RuntimeError("a Celery worker exited on start")
                if time.monotonic() > deadline:
                    raise RuntimeError("the Celery workers did not answer within 120 s")
                for reply in app.control.ping(destination=list(waiting), timeout=1) or []:
                    waiting -= set(reply)
            yield [w.pid for w in workers]
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
