"""A partnership's evidence pack built in parts on parallel workers (issue 15): the summary and
planning-call sheet, the provider register a slice of providers at a time, each school's pupils,
the unregistered providers' section and the open flags a slice at a time are each rendered to a
PDF by their own Celery task; then one task writes the cover and contents (page numbers read from
the parts' own headings) and binds the parts a part at a time (inspection.pdf_binding), stamping
"Page n of N" on every page as it copies it. Each part holds one school's pupils or one slice,
and reads only what it prints; the binding holds one part at a time: so no worker's memory grows
with the number of schools."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import F
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


# Pupils, providers (in the register) and open flags printed by one part: each slice takes 15–26
# pages (measured at the county scale), so that no part's layout, the most memory a worker takes,
# grows with the partnership or with its largest school.
PUPILS_PER_PART, PROVIDERS_PER_PART, FLAGS_PER_PART = 13, 60, 250


@dataclass(frozen=True)
class Part:
    """One part of a pack: "front" (summary and planning-call sheet), "register" (a slice of the
    providers), "school" (a slice of one school's pupils), "back" (unregistered providers) or
    "flags" (a slice of the open flags), each slice the `ids` of what it prints (listed when the
    pack was planned, `packs.pack_members`), from the `first` of them; whether it is its section's
    `last` slice; where it is bound, and out of how many parts."""

    kind: str
    school_id: int | None = None
    position: int = 0
    first: int = 0
    ids: tuple[int, ...] = ()
    last: bool = True
    of: int = 1

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "school_id": self.school_id,
            "position": self.position,
            "first": self.first,
            "ids": list(self.ids),
            "last": self.last,
            "of": self.of,
        }


def _slices(ids: list[int], most: int) -> list[tuple[int, tuple[int, ...], bool]]:
    """`ids` in as few slices of at most `most` as hold them, as even as can be: (first, the
    slice's ids, whether it is the last) of each; one empty slice when there are none."""
    n = max(1, math.ceil(len(ids) / most))
    bounds = [round(i * len(ids) / n) for i in range(n + 1)]
    return [(bounds[i], tuple(ids[bounds[i] : bounds[i + 1]]), i == n - 1) for i in range(n)]


def pack_parts(pack: EvidencePack) -> list[Part]:
    """The parts of a partnership pack in the order they are sent to the workers, largest first,
    so that the workers taking them in turn finish close together: the slices of the schools'
    pupils, fullest first, then those of the register and of the open flags, the front and the
    unregistered providers' section. Each knows its position in the bound pack: front, register,
    the schools by name, unregistered providers, flags."""
    from apdash.models import School

    schools = list(School.objects.filter(partnership=pack.partnership_id).order_by("name", "pk"))
    members = packs.pack_members(packs.pack_scope(pack))
    registers = _slices(members.providers, PROVIDERS_PER_PART)
    groups = [
        (school.pk, first, ids)
        for school in schools
        for first, ids, _ in _slices(members.pupils.get(school.pk, []), PUPILS_PER_PART)
    ]
    slices = _slices(members.flags, FLAGS_PER_PART)
    of = len(registers) + len(groups) + len(slices) + 2
    after_register, back = len(registers) + 1, len(registers) + len(groups) + 1
    by_size = sorted(enumerate(groups, start=after_register), key=lambda item: -len(item[1][2]))
    return [
        *(Part("school", school_id, at, first, ids, of=of) for at, (school_id, first, ids) in by_size),
        *(
            Part("register", None, n, first, ids, last, of)
            for n, (first, ids, last) in enumerate(registers, start=1)
        ),
        *(
            Part("flags", None, back + n, first, ids, last, of)
            for n, (first, ids, last) in enumerate(slices, start=1)
        ),
        Part("front", of=of),
        Part("back", position=back, of=of),
    ]


def _running_head(title: str) -> str:
    return title.replace("\\", "").replace('"', "'")


def _render(context: dict):
    from weasyprint import HTML

    html = render_to_string(SECTION_TEMPLATE, context)
    return HTML(string=html, base_url=".").render()


def _bookmarks(document) -> list[tuple[int, str, int]]:
    """(level, label, page index in this part) of each heading the stylesheet bookmarks: h2 at
    level 1, h3 (a provider in the register, a pupil) at level 2, whichever part printed the
    section heading above it."""
    return [
        (level, label, index)
        for index, page in enumerate(document.pages)
        for level, label, _target, _state in page.bookmarks
    ]


def _part_data(pack: EvidencePack, part: Part, *, today, now: datetime) -> dict:
    """What one part prints, read for that part alone: a school's pupils, the front's figures, a
    slice of the register or of the flags, or the unregistered providers' section."""
    if part.kind == "school":
        scope = packs.pack_scope(pack, school_id=part.school_id, pupils=list(part.ids))
        return packs.pack_data(scope, today=today, now=now)
    scope = packs.pack_scope(pack)
    if part.kind == "front":
        return packs.pack_front_data(scope, today=today, now=now)
    if part.kind == "register":
        return packs.pack_register_data(
            scope, providers=list(part.ids), continued=part.first > 0, last=part.last
        )
    if part.kind == "back":
        return packs.pack_unregistered_data(scope, today=today)
    return {**packs.pack_flags_data(scope, flags=list(part.ids)), "flags_continued": part.first > 0}


def render_part(pack: EvidencePack, part: Part, *, today, now: datetime) -> dict:
    """Render one part to a PDF in storage; returns its file name, page count and headings."""
    data = _part_data(pack, part, today=today, now=now)
    document = _render({**data, "part": part.kind, "running_head": _running_head(data["scope"].title)})
    name = f"{PARTS_DIR}/pack-{pack.pk}-{part.kind}-{part.school_id or 0}-{part.first}.pdf"
    if default_storage.exists(name):
        default_storage.delete(name)  # a redelivered task writes its part again
    name = default_storage.save(name, ContentFile(document.write_pdf()))
    step = max(1, (PARTS_TO - PARTS_FROM) // max(1, part.of))
    EvidencePack.objects.filter(pk=pack.pk).update(
        progress=Least(F("progress") + step, PARTS_TO), stage=f"Rendered {part.kind} section"
    )
    return {
        "position": part.position,
        "file": name,
        "pages": len(document.pages),
        "bookmarks": _bookmarks(document),
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
