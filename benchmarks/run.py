"""Benchmark apdash at county or England scale and report each measurement as a ratio to a
floor measured in the same run on the same database (a trivial authenticated page), so the
numbers compare across machines.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/apdash_bench python benchmarks/run.py --scale county
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apdash.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")


def timed(fn, repeat: int) -> float:
    """The median of `repeat` runs, in seconds, after one warm-up."""
    fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=["tiny", "county", "england"], default="county")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark data afterwards")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from apdash.checks import registered_checks
    from apdash.db import permit_truncate
    from apdash.models import Role
    from benchmarks.generate import SCALES, generate

    settings.ALLOWED_HOSTS = ["*"]
    # One connection for the whole run, so query counts and timings see every query.
    request_started.disconnect(close_old_connections)
    request_started.disconnect(reset_queries)
    request_finished.disconnect(close_old_connections)
    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or not str(name).endswith("bench"):
        parser.error("set DATABASE_URL to a PostgreSQL database whose name ends in 'bench' (it is emptied)")
    call_command("migrate", verbosity=0)
    permit_truncate(connection)
    call_command("flush", interactive=False, verbosity=0)
    today = timezone.localdate()
    started = time.perf_counter()
    world = generate(SCALES[args.scale], today=today)
    generated_in = time.perf_counter() - started
    with connection.cursor() as cursor:
        # Fresh bulk inserts have no planner statistics yet; a live database's autovacuum has them.
        cursor.execute("ANALYZE")

    clients = {}
    for role, user in world["logins"].items():
        clients[role] = Client()
        clients[role].force_login(user)

    def page(role, url):
        def get():
            response = clients[role].get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    now = timezone.localtime()

    def checks():
        for registered in registered_checks():
            registered.run(now)

    checks()  # so the flags page and the pupil list's flag counts have the flags a county would have
    floor = timed(page(Role.SCHOOL_COORDINATOR, reverse("login")), args.repeat)
    measurements = {
        "pupil list (partnership co-ordinator)": page(
            Role.PARTNERSHIP_COORDINATOR, reverse("placements:pupil_list")
        ),
        "today board (partnership co-ordinator)": page(
            Role.PARTNERSHIP_COORDINATOR, reverse("placements:today")
        ),
        "today board (school coordinator)": page(Role.SCHOOL_COORDINATOR, reverse("placements:today")),
        "flags page (partnership co-ordinator)": page(
            Role.PARTNERSHIP_COORDINATOR, reverse("placements:flag_list")
        ),
        "provider register (school coordinator)": page(
            Role.SCHOOL_COORDINATOR, reverse("providers:provider_list")
        ),
        "all compliance checks": checks,
    }
    results = []
    for label, fn in measurements.items():
        reset_queries()  # the query log is a bounded deque: start each count from empty
        with CaptureQueriesContext(connection) as queries:
            fn()
        seconds = timed(fn, args.repeat if label != "all compliance checks" else max(1, args.repeat // 2))
        results.append(
            {
                "what": label,
                "seconds": round(seconds, 4),
                "ratio_to_floor": round(seconds / floor, 1),
                "queries": len(queries),
            }
        )
    report = {
        "scale": args.scale,
        "when": datetime.now().isoformat(timespec="seconds"),
        "data": world["counts"],
        "generated_in_seconds": round(generated_in, 1),
        "floor": {"what": "login page (trivial page, same server stack)", "seconds": round(floor, 4)},
        "results": results,
    }
    print(f"apdash benchmark — {args.scale} scale: {world['counts']}")
    print(f"floor (login page): {floor * 1000:.1f} ms")
    for row in results:
        print(
            f"  {row['what']:<42} {row['seconds'] * 1000:>9.1f} ms  {row['ratio_to_floor']:>7}× floor  "
            f"{row['queries']:>3} queries"
        )
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{args.scale}-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(report, indent=2))
    print(f"written to {path}")
    if not args.keep:
        permit_truncate(connection)
        call_command("flush", interactive=False, verbosity=0)
    return report


if __name__ == "__main__":
    main()
