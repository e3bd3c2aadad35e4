"""Timing the evidence pack against its floor (issue 15), for the benchmark: the floor is
WeasyPrint rendering a bare document with the same number of pages and a similar density (a
heading and a table of short text rows per page), in the same process, on the same machine."""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass
from datetime import date

from . import packs, services
from .models import EvidencePack

# A pack page: a heading, a line of evidence, and a table of about this many rows of short text.
FLOOR_ROWS_PER_PAGE = 26

FLOOR_CSS = """
@page { size: A4; margin: 24mm 15mm 20mm 15mm;
  @top-right { content: "OFFICIAL-SENSITIVE"; font-size: 9pt; font-weight: bold; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; } }
html { font-family: "Liberation Sans", "DejaVu Sans", Arial, sans-serif; font-size: 9.5pt;
  line-height: 1.35; }
.page { break-after: page; } .page:last-child { break-after: auto; }
table { width: 100%; border-collapse: collapse; font-size: 8.5pt; }
td { border-bottom: 0.5pt solid #b1b4b6; padding: 1.2mm 1.5mm 1.2mm 0; vertical-align: top; }
"""


@dataclass(frozen=True)
class RenderTiming:
    pages: int
    seconds: float
    peak_rss_mb: float  # this process's peak resident memory so far

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def floor_html(pages: int, *, rows_per_page: int = FLOOR_ROWS_PER_PAGE) -> str:
    row = (
        "<tr><td>Monday</td><td>09:00–12:00</td><td>Forge Skills Centre</td>"
        "<td>Attended; follow-up recorded by the school within the day</td><td>92%</td></tr>"
    )
    page = (
        "<section class='page'><h3>Pupil {n}</h3><p>Evidences: G §1a–e, G §4, para 402</p>"
        "<table>" + row * rows_per_page + "</table></section>"
    )
    body = "".join(page.format(n=n) for n in range(1, pages + 1))
    head = f"<meta charset='utf-8'><style>{FLOOR_CSS}</style>"
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def floor_render(*, pages: int) -> RenderTiming:
    """WeasyPrint's floor: lay out and write a bare document of `pages` pages of pack density."""
    from weasyprint import HTML

    html = floor_html(pages)
    started = time.perf_counter()
    document = HTML(string=html).render()
    document.write_pdf()
    seconds = time.perf_counter() - started
    return RenderTiming(pages=len(document.pages), seconds=seconds, peak_rss_mb=_peak_rss_mb())


def pack_render(scope: packs.PackScope, *, today: date) -> RenderTiming:
    """The evidence pack for `scope` rendered in one piece in this process (gathering the data,
    laying it out and writing the PDF), as the Celery task does for a school's pack."""
    started = time.perf_counter()
    _, pages = services.render_pack_pdf(scope, today=today)
    return RenderTiming(pages=pages, seconds=time.perf_counter() - started, peak_rss_mb=_peak_rss_mb())


def pack_generate_and_wait(pack: EvidencePack, *, timeout: float = 900, poll: float = 0.25) -> RenderTiming:
    """Send an already requested pack to the workers (a partnership pack goes in parts, a chord)
    and wait until it is done: the wall-clock time the user waits. `peak_rss_mb` is this
    process's; the workers' peaks are theirs to report. Raises TimeoutError or RuntimeError."""
    from .tasks import evidence_pack_generate

    started = time.perf_counter()
    evidence_pack_generate.delay(pack.pk)
    while True:
        pack.refresh_from_db(fields=["status", "pages", "error"])
        if pack.status == EvidencePack.Status.DONE:
            break
        if pack.status == EvidencePack.Status.FAILED:
            raise RuntimeError(f"Pack {pack.pk} failed: {pack.error}")
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"Pack {pack.pk} not done after {timeout} s")
        time.sleep(poll)
    return RenderTiming(pages=pack.pages, seconds=time.perf_counter() - started, peak_rss_mb=_peak_rss_mb())
