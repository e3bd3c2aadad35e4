"""The production shape, proven without Docker (issue 16 §6): the web, worker and beat processes
started from the same bin/ scripts docker-compose.yml and the Dockerfile run — gunicorn on
`apdash.settings_production`, a Celery worker and beat — against PostgreSQL and Redis. A person
signs in over HTTP, and a task beat schedules runs on the worker."""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import yaml
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from apdash.models import Role
from tests.factories import PASSWORD, SchoolFactory, member
from tests.services import need, port_open, redis_url

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def test_compose_the_dockerfile_and_the_procfile_run_the_same_scripts():
    procfile = dict(
        line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line and line[0] != "#"
    )
    procfile = {name: command.strip() for name, command in procfile.items()}
    assert procfile == {
        "release": "bin/release",
        "web": "bin/web",
        "worker": "bin/worker",
        "beat": "bin/beat",
    }
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name in ("release", "web", "worker", "beat"):
        assert services[name]["command"] == procfile[name], name
    assert 'CMD ["bin/web"]' in (ROOT / "Dockerfile").read_text()
    for script in procfile.values():
        assert os.access(ROOT / script, os.X_OK), script


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cookie_header(*responses) -> str:
    # The production cookies are Secure; this test speaks plain HTTP to gunicorn, so it sends
    # them back itself, as the TLS-terminating proxy's client would.
    jar = {}
    for response in responses:
        jar.update(response.cookies.get_dict())
    return "; ".join(f"{name}={value}" for name, value in jar.items())


@pytest.fixture
def production(transactional_db, tmp_path):
    broker = redis_url()
    need(port_open(broker, 6379), f"Redis at {broker}")
    need(connection.vendor == "postgresql", "PostgreSQL (the processes share the test database)")
    db = connection.settings_dict
    port = _free_port()
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "apdash.settings_production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "STATIC_ROOT": str(tmp_path / "static"),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "WORKER_CONCURRENCY": "1",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=600,  # gzip and brotli of every static file: about 40 s of CPU
    )
    processes, logs = {}, {}
    for name in ("web", "worker", "beat"):
        logs[name] = tmp_path / f"{name}.log"
        processes[name] = subprocess.Popen(
            [str(ROOT / "bin" / name)],
            cwd=ROOT,
            env=env,
            stdout=logs[name].open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield f"http://127.0.0.1:{port}", logs
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_for(predicate, seconds, what, logs):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    tails = {name: path.read_text()[-1500:] for name, path in logs.items()}
    pytest.fail(f"{what} did not happen within {seconds} s: {tails}")


def test_the_production_processes_serve_a_sign_in_and_run_scheduled_work(production):
    base, logs = production
    sam = member(Role.SCHOOL_COORDINATOR, school=SchoolFactory(), email="sam@wendlow.example")
    # The test settings hash with MD5 for speed; production checks with its own (PBKDF2) hasher.
    sam.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    sam.save(update_fields=["password"])
    every_two_seconds = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="Integration: ping from beat",
        task="apdash.ping",
        args='["from beat"]',
        interval=every_two_seconds,
    )

    def login_page():
        try:
            return requests.get(f"{base}/accounts/login/", timeout=5).status_code == 200
        except requests.ConnectionError:
            return False

    _wait_for(login_page, 60, "gunicorn answering", logs)
    form = requests.get(f"{base}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    signed_in = requests.post(
        f"{base}/accounts/login/",
        data={"username": "sam@wendlow.example", "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Cookie": _cookie_header(form), "Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=10,
    )
    assert signed_in.status_code == 302, signed_in.text[:2000]
    home = requests.get(
        f"{base}/", headers={"Cookie": _cookie_header(form, signed_in)}, allow_redirects=False, timeout=10
    )
    assert home.status_code == 200 and "sam@wendlow.example" in home.text and "Sign out" in home.text
    assert "no-store" in home.headers["Cache-Control"] and "Content-Security-Policy" in home.headers

    def ran_on_the_worker():
        text = logs["worker"].read_text()
        return "apdash.ping[" in text and "succeeded" in text and "from beat" in text

    _wait_for(ran_on_the_worker, 60, "the scheduled ping running on the worker", logs)
    assert "Sending due task Integration: ping from beat" in logs["beat"].read_text()
