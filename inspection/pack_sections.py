"""A partnership's evidence pack built in parts on parallel workers (issue 15): the front sections,
each school's pupils and the closing sections are each rendered to a PDF by their own Celery task;
then one task writes the cover and contents (page numbers read from the parts' own headings) and
binds the parts a part at a time (inspection.pdf_binding), stamping "Page n of N" on every page as
it copies it. Each part holds one school's pupils at most and the binding holds one part at a
time, so no worker's memory grows with the number of schools."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Count, F
from django.db.models.functions import Least
from django.template.loader import render_to_string

from . import packs
from .models import EvidencePack
from .pdf_binding import Heading, bind_pdfs

SECTION_TEMPLATE = "inspection/pack/section.html"
PARTS_DIR = "evidence-packs/parts"
# Progress: the parts share 5–90 %, then the contents, the merge and the page numbers.
PARTS_FROM, PARTS_TO = 5, 90
# Contents entries that fit under the cover, and on each page after it (measured; a wrong guess
# costs one more layout of the contents).
CONTENTS_FIRST_PAGE, CONTENTS_PER_PAGE = 28, 51


@dataclass(frozen=True)
class Part:
    """One part of a pack: "front", "school" (with its id) or "back", and where it is bound."""

    kind: str
    school_id: int | None = None
    position: int = 0

    def as_dict(self) -> dict:
        return {"kind": self.kind, "school_id": self.school_id, "position": self.position}


def pack_parts(pack: EvidencePack) -> list[Part]:
    """The parts of a partnership pack in the order they are sent to the workers, largest first,
    so that the workers taking them in turn finish close together: the back (every open flag of
    the partnership) and the front (every provider) cover the whole partnership, then the schools
    by their number of pupils. Each knows its position in the bound pack."""
    from apdash.models import School

    schools = list(
        School.objects.filter(partnership=pack.partnership_id)
        .annotate(pupil_count=Count("pupils"))
        .order_by("name", "pk")
    )
    back = Part("back", position=len(schools) + 1)
    by_size = sorted(enumerate(schools, start=1), key=lambda item: -item[1].pupil_count)
    return [back, Part("front"), *(Part("school", school.pk, at) for at, school in by_size)]


def _running_head(title: str) -> str:
    return title.replace("\\", "").replace('"', "'")


def _render(context: dict):
    from weasyprint import HTML

    html = render_to_string(SECTION_TEMPLATE, context)
    return HTML(string=html, base_url=".").render()


def _bookmarks(document, *, top_level: int = 1) -> list[tuple[int, str, int]]:
    """(level, label, page index in this part) of each heading the stylesheet bookmarks (h2, h3);
    a school's part starts at its pupils' level (2), under "4. Each pupil"."""
    found = []

    def walk(nodes, level):
        for label, (page, _x, _y), children, _state in nodes:
            found.append((level, label, page))
            walk(children, level + 1)

    walk(document.make_bookmark_tree(), top_level)
    return found


def render_part(pack: EvidencePack, part: Part, *, today, now: datetime) -> dict:
    """Render one part to a PDF in storage; returns its file name, page count and headings."""
    scope = packs.pack_scope(pack, school_id=part.school_id if part.kind == "school" else None)
    data = packs.pack_data(scope, today=today, now=now)
    document = _render(
        {**data, "part": part.kind, "running_head": _running_head(scope.title)},
    )
    name = f"{PARTS_DIR}/pack-{pack.pk}-{part.kind}-{part.school_id or 0}.pdf"
    if default_storage.exists(name):
        default_storage.delete(name)  # a redelivered task writes its part again
    name = default_storage.save(name, ContentFile(document.write_pdf()))
    step = max(1, (PARTS_TO - PARTS_FROM) // max(1, len(pack_parts(pack))))
    EvidencePack.objects.filter(pk=pack.pk).update(
        progress=Least(F("progress") + step, PARTS_TO), stage=f"Rendered {part.kind} section"
    )
    return {
        "position": part.position,
        "file": name,
        "pages": len(document.pages),
        "bookmarks": _bookmarks(document, top_level=2 if part.kind == "school" else 1),
    }


def _contents(parts: list[dict], *, first_page: int) -> list[dict]:
    entries, offset = [], first_page
    for part in parts:
        for level, label, page in part["bookmarks"]:
            entries.append({"level": level, "label": label, "page": offset + page})
        offset += part["pages"]
    return entries


def _render_contents(pack: EvidencePack, parts: list[dict], *, today, now):
    """The cover and contents. Its own length moves every page number after it, so it is laid out
    with its length guessed from its number of entries (about CONTENTS_FIRST_PAGE under the cover,
    CONTENTS_PER_PAGE on each page after), then again until the guess holds."""
    scope = packs.pack_scope(pack)
    context = {
        "scope": scope,
        "schools": sorted(scope.schools, key=lambda s: s.name),
        "generated_at": now,
        "today": today,
        "part": "contents",
        "running_head": _running_head(scope.title),
    }
    entries = sum(len(part["bookmarks"]) for part in parts)
    guess = 1 + math.ceil(max(0, entries - CONTENTS_FIRST_PAGE) / CONTENTS_PER_PAGE)
    for _ in range(4):
        document = _render({**context, "contents": _contents(parts, first_page=guess + 1)})
        if len(document.pages) == guess:
            break
        guess = len(document.pages)
    return document, _contents(parts, first_page=guess + 1)


def _sources(contents_pdf: bytes, parts: list[dict]):
    """The contents, then each part's file, opened one at a time as the binding reaches it."""
    yield io.BytesIO(contents_pdf)
    for part in parts:
        with default_storage.open(part["file"], "rb") as handle:
            yield handle


def bind(pack: EvidencePack, parts: list[dict], *, today, now: datetime, out: BinaryIO) -> int:
    """Cover and contents, then the parts in their places (they were rendered largest first),
    written into `out` a part at a time (so the memory it takes does not grow with the
    partnership), page numbers stamped across the whole pack, and the headings as PDF bookmarks
    pointing at their pages. Returns the page count."""
    parts = sorted(parts, key=lambda part: part["position"])
    EvidencePack.objects.filter(pk=pack.pk).update(progress=PARTS_TO, stage="Writing the contents")
    document, contents = _render_contents(pack, parts, today=today, now=now)
    total = len(document.pages) + sum(part["pages"] for part in parts)
    EvidencePack.objects.filter(pk=pack.pk).update(progress=95, stage=f"Binding {total} pages")
    pages = bind_pdfs(
        _sources(document.write_pdf(), parts),
        out,
        total_pages=total,
        headings=[Heading(entry["level"], entry["label"], entry["page"] - 1) for entry in contents],
    )
    for part in parts:
        default_storage.delete(part["file"])
    return pages
