"""`make demo` runs jobs the way production does (issue 16 §5): the same bin/ scripts under
honcho, a real Celery worker on kombu's filesystem broker (no server), DEBUG off, and every
address it prints is the one it serves (issue 17 §17)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import need

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def test_make_demo_serves_and_prints_one_address_and_starts_web_worker_and_beat():
    need(shutil.which("make") is not None, "make")
    # Under `make test` this is a sub-make: it would print "Entering/Leaving directory" lines.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    plan = subprocess.run(
        ["make", "--no-print-directory", "-n", "demo", "DEMO_PORT=8123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    served = plan.splitlines()[-1]
    assert "BIND=127.0.0.1:8123" in served and "APDASH_SITE_URL=http://127.0.0.1:8123" in served
    assert "DEBUG=false" in served and "CELERY_BROKER_URL=filesystem://" in served
    assert served.rstrip().endswith("honcho start web worker beat")
    seeded = next(line for line in plan.splitlines() if "seed_demo" in line)
    assert "APDASH_SITE_URL=http://127.0.0.1:8123" in seeded  # the register link it prints
    banner = next(line for line in plan.splitlines() if line.startswith("echo"))
    assert set(re.findall(r"https?://[\w.:]+", banner)) == {"http://127.0.0.1:8123"}


def test_a_demo_worker_runs_tasks_from_the_filesystem_broker(tmp_path):
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "apdash.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "CELERY_BROKER_URL": "filesystem://",
        "APDASH_BROKER_FOLDER": str(tmp_path / "broker"),
        "DEBUG": "false",
        "WORKER_POOL": "solo",
    }
    env.pop("CELERY_RESULT_BACKEND", None)
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [str(ROOT / "bin" / "worker")], cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    try:
        sent = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup()\n"
                "from apdash.celery import app, ping\n"
                "assert not app.conf.task_always_eager\n"
                "print(ping.delay('demo').get(timeout=90)['pong'])\n",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=150,
        )
        assert sent.stdout.strip() == "demo", (sent.stderr[-2000:], log.read_text()[-2000:])
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
