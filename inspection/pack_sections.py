"""A partnership's evidence pack built in parts on parallel workers (issue 15): the front sections,
each school's pupils and the closing sections are each rendered to a PDF by their own Celery task;
then one task writes the cover and contents (page numbers read from the parts' own headings),
merges the parts with pypdf, and stamps "Page n of N" on every page. Each part holds one school's
pupils at most, so no worker's memory grows with the number of schools."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import F
from django.db.models.functions import Least
from django.template.loader import render_to_string
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

from . import packs
from .models import EvidencePack

SECTION_TEMPLATE = "inspection/pack/section.html"
PARTS_DIR = "evidence-packs/parts"
# Progress: the parts share 5–90 %, then the contents, the merge and the page numbers.
PARTS_FROM, PARTS_TO = 5, 90


@dataclass(frozen=True)
class Part:
    """One part of a pack: "front", "school" (with its id) or "back"."""

    kind: str
    school_id: int | None = None

    def as_dict(self) -> dict:
        return {"kind": self.kind, "school_id": self.school_id}


def pack_parts(pack: EvidencePack) -> list[Part]:
    """The parts of a partnership pack, in the order they are bound."""
    from apdash.models import School

    schools = School.objects.filter(partnership=pack.partnership_id).order_by("name", "pk")
    return [Part("front"), *(Part("school", s.pk) for s in schools), Part("back")]


def _scope(pack: EvidencePack, school_id: int | None = None) -> packs.PackScope:
    from apdash.models import School

    if school_id is None:
        schools = list(School.objects.filter(partnership=pack.partnership_id).select_related("partnership"))
    else:
        schools = list(School.objects.filter(pk=school_id).select_related("partnership"))
    return packs.PackScope(
        title=pack.partnership.name, schools=schools, date_from=pack.date_from, date_to=pack.date_to
    )


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
    scope = _scope(pack, part.school_id if part.kind == "school" else None)
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
    with its length guessed, then again until the guess holds (one pass more at most in practice)."""
    scope = _scope(pack)
    context = {
        "scope": scope,
        "schools": sorted(scope.schools, key=lambda s: s.name),
        "generated_at": now,
        "today": today,
        "part": "contents",
        "running_head": _running_head(scope.title),
    }
    guess = 1
    for _ in range(4):
        document = _render({**context, "contents": _contents(parts, first_page=guess + 1)})
        if len(document.pages) == guess:
            break
        guess = len(document.pages)
    return document, _contents(parts, first_page=guess + 1)


# Helvetica's advance widths (1/1000 em) for the characters of "Page 12 of 345".
_WIDTHS = {
    "P": 667,
    "a": 556,
    "g": 556,
    "e": 556,
    "o": 556,
    "f": 278,
    " ": 278,
    **dict.fromkeys("0123456789", 556),
}


def _stream(writer: PdfWriter, data: bytes):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def _page_number_stamp(writer: PdfWriter, page, text: str, *, font_size: float = 8.0) -> None:
    """Write `text` at the page's bottom right, where a single pack's footer prints it (the pack
    stylesheet's right margin of 15 mm, inside its 20 mm bottom margin). The page's own drawing is
    wrapped in q/Q so the stamp starts from a clean graphics state; nothing is re-parsed."""
    box = page.mediabox
    width = sum(_WIDTHS.get(c, 556) for c in text) * font_size / 1000
    x = float(box.right) - 15 * 72 / 25.4 - width
    y = float(box.bottom) + 10 * 72 / 25.4 - font_size / 2
    resources = page.setdefault(NameObject("/Resources"), DictionaryObject()).get_object()
    fonts = resources.setdefault(NameObject("/Font"), DictionaryObject()).get_object()
    fonts[NameObject("/FApdashPage")] = HELVETICA
    contents = page[NameObject("/Contents")]
    existing = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
    stamp = f"Q q BT /FApdashPage {font_size:g} Tf {x:.2f} {y:.2f} Td ({text}) Tj ET Q".encode("latin-1")
    page[NameObject("/Contents")] = ArrayObject(
        [_stream(writer, b"q"), *existing, _stream(writer, b"\n" + stamp)]
    )


HELVETICA = DictionaryObject(
    {
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    }
)


def bind(pack: EvidencePack, parts: list[dict], *, today, now: datetime) -> tuple[bytes, int]:
    """Cover and contents, then the parts in order, page numbers stamped across the whole pack,
    and the headings as PDF bookmarks pointing at their pages."""
    EvidencePack.objects.filter(pk=pack.pk).update(progress=PARTS_TO, stage="Writing the contents")
    document, contents = _render_contents(pack, parts, today=today, now=now)
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(document.write_pdf())))
    for part in parts:
        with default_storage.open(part["file"], "rb") as handle:
            writer.append(PdfReader(io.BytesIO(handle.read())), import_outline=False)
    total = len(writer.pages)
    EvidencePack.objects.filter(pk=pack.pk).update(progress=95, stage=f"Numbering {total} pages")
    for number, page in enumerate(writer.pages, start=1):
        _page_number_stamp(writer, page, f"Page {number} of {total}")
    parents = {}
    for entry in contents:
        parent = parents.get(entry["level"] - 1)
        parents[entry["level"]] = writer.add_outline_item(entry["label"], entry["page"] - 1, parent=parent)
    out = io.BytesIO()
    writer.write(out)
    for part in parts:
        default_storage.delete(part["file"])
    return out.getvalue(), total
