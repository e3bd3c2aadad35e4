"""The evidence pack against the WeasyPrint floor: one school's pack in one process, and a
partnership's pack in parts on two real workers."""

from __future__ import annotations

import resource
import time

from benchmarks.measure import (
    PACK_PAGES_PER_S,
    PACK_PARTS_PAGES_PER_S,
    PACK_PARTS_RSS_FACTOR,
    fewer,
    row,
    timed,
    timed_pair,
)
from benchmarks.workers import broker_reachable, broker_url, celery_workers, peak_rss_mb


def pack_rows(args, world, today) -> list[dict]:
    from benchmarks import floors
    from inspection import packs, services

    school = world["schools"][0]
    first, last = packs.default_pack_range(today)
    scope = packs.PackScope(title=school.name, schools=[school], date_from=first, date_to=last)
    pages = {}

    def ours():
        pdf, pages["ours"] = services.render_pack_pdf(scope, today=today)
        if "density" not in pages:  # measured once, in the warm-up
            pages["density"] = floors.pdf_chars_per_page(pdf)

    def floor():
        pages["floor"] = floors.render_bare(pages["ours"], chars_per_page=pages["density"])

    repeat = fewer(args.repeat)
    # The floor copies the pack's page count and density: `ours` always runs first.
    ours_s, floor_s = timed_pair(ours, floor, repeat)
    ours_rate, floor_rate = pages["ours"] / ours_s, pages["floor"] / floor_s
    rss = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return [
        row(
            args.scale,
            f"evidence pack, one school ({pages['ours']} pages), one process",
            ours_s,
            floor_s * pages["ours"] / pages["floor"],
            f"≥ {PACK_PAGES_PER_S:g}× the WeasyPrint floor's pages per second",
            ours_rate >= PACK_PAGES_PER_S * floor_rate,
            pages=pages["ours"],
            floor_pages=pages["floor"],
            chars_per_page=pages["density"],
            pages_per_s=round(ours_rate, 1),
            floor_pages_per_s=round(floor_rate, 1),
            peak_rss_mb=rss,
            note=f"{ours_rate:.1f} vs {floor_rate:.1f} pages/s; peak RSS {rss} MB",
        ),
    ] + partnership_pack_rows(args, world, today)


def partnership_pack_rows(args, world, today) -> list[dict]:
    """The big partnership's pack, asked for as its co-ordinator would, rendered in parts (a
    chord: the front, the register and the flags in slices, one part per school, then the
    binding) on two real workers; timed from the request to the finished PDF, against the
    WeasyPrint floor for the same pages and density in one process. Each worker's peak RSS is
    held to a multiple of the larger peak the same workers reached on the two-pupil partnership's
    pack, measured first."""
    from apdash.models import Partnership
    from benchmarks import floors
    from inspection import packs, services
    from inspection.models import EvidencePack

    def wait_for(pack):
        began = time.perf_counter()
        while pack.status not in (EvidencePack.Status.DONE, EvidencePack.Status.FAILED):
            if time.perf_counter() - began > 3600:
                raise TimeoutError(f"pack {pack.pk} not done after an hour")
            time.sleep(0.1)
            pack.refresh_from_db(fields=["status", "pages", "error"])
        if pack.status == EvidencePack.Status.FAILED:
            raise RuntimeError(f"the partnership pack {pack.pk} failed: {pack.error}")
        pack.refresh_from_db()

    scenario = "partnership pack in sections, two workers (chord)"
    target = (
        f"≥ {PACK_PARTS_PAGES_PER_S:g}× the floor's pages per second; each worker's peak RSS "
        f"≤ {PACK_PARTS_RSS_FACTOR:g}× the largest after the two-pupil pack"
    )
    broker = broker_url()
    if not broker_reachable(broker):
        return [row(args.scale, scenario, None, None, target, None, note=f"no Redis at {broker}")]
    user = world["logins"]["partnership_coordinator"]
    partnership = world["schools"][0].partnership
    first, last = packs.default_pack_range(today)
    with celery_workers(2) as pids:
        # Warm-up: the two-pupil partnership's pack (five parts), so the timing leaves out each
        # worker's first imports and fonts.
        small = Partnership.objects.get(name="Bench small partnership")
        warm = services.evidence_pack_request(
            actor=user, scope="partnership", partnership=small, date_from=first, date_to=last
        )
        wait_for(warm)
        small_rss = [peak_rss_mb(pid) for pid in pids]
        started = time.perf_counter()
        pack = services.evidence_pack_request(
            actor=user, scope="partnership", partnership=partnership, date_from=first, date_to=last
        )
        wait_for(pack)
        seconds = time.perf_counter() - started
        rss = [peak_rss_mb(pid) for pid in pids]
    with pack.file.open("rb") as handle:
        density = floors.pdf_chars_per_page(handle.read())
    floor_s = timed(lambda: floors.render_bare(pack.pages, chars_per_page=density), 0)
    ours_rate, floor_rate = pack.pages / seconds, pack.pages / floor_s
    # Measured in this run: the workers' peaks after the two-pupil pack, then after the big one.
    rss_bound = round(PACK_PARTS_RSS_FACTOR * max(small_rss))
    schools = world["schools"][0].partnership.schools.count()
    return [
        row(
            args.scale,
            f"partnership pack in sections ({schools} schools, {pack.pages} pages), two workers (chord)",
            seconds,
            floor_s,
            target,
            ours_rate >= PACK_PARTS_PAGES_PER_S * floor_rate and max(rss) <= rss_bound,
            pages=pack.pages,
            schools=schools,
            chars_per_page=density,
            pages_per_s=round(ours_rate, 1),
            floor_pages_per_s=round(floor_rate, 1),
            worker_peak_rss_mb=rss,
            worker_peak_rss_mb_after_small_pack=small_rss,
            worker_peak_rss_bound_mb=rss_bound,
            note=f"{ours_rate:.1f} vs {floor_rate:.1f} pages/s; worker peak RSS "
            + ", ".join(f"{r} MB" for r in rss)
            + " (after the two-pupil pack: "
            + ", ".join(f"{r} MB" for r in small_rss)
            + f"; bound {rss_bound} MB)",
        )
    ]
