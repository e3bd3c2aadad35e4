"""Binding PDFs one after another into one file without holding them all (issue 15): each
source's pages, and the objects they use, are renumbered and written out before the next source is
opened, so binding needs one source's memory whatever the number of sources. Each page gets its
"Page n of N" as it is copied (a content stream appended, nothing re-parsed), and the bound file
gets an outline (the PDF's bookmarks) pointing at its pages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

# Helvetica's advance widths (1/1000 em) for the characters of "Page 12 of 345".
_WIDTHS = {
    **dict.fromkeys("aego0123456789", 556),
    "P": 667,
    "f": 278,
    " ": 278,
}
# Attributes a page may inherit from its page tree.
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
_STAMP_FONT = NameObject("/FApdashPage")


@dataclass(frozen=True)
class Heading:
    """An outline entry: its level (1 at the top), label and page index in the bound file."""

    level: int
    label: str
    page: int


class _Writer:
    """Numbered objects written straight to `stream`, their offsets kept for the cross-reference."""

    def __init__(self, stream: BinaryIO):
        self.stream, self.offsets, self.start = stream, {}, stream.tell()
        stream.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def reserve(self) -> int:
        self.offsets[len(self.offsets) + 1] = None
        return len(self.offsets)

    def write(self, number: int, obj: PdfObject) -> IndirectObject:
        self.offsets[number] = self.stream.tell() - self.start
        self.stream.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(self.stream)
        self.stream.write(b"\nendobj\n")
        return IndirectObject(number, 0, None)

    def add(self, obj: PdfObject) -> IndirectObject:
        return self.write(self.reserve(), obj)

    def finish(self, root: IndirectObject, info: IndirectObject | None) -> None:
        xref = self.stream.tell() - self.start
        size = len(self.offsets) + 1
        self.stream.write(f"xref\n0 {size}\n0000000000 65535 f \n".encode())
        for number in range(1, size):
            self.stream.write(f"{self.offsets[number]:010d} 00000 n \n".encode())
        trailer = DictionaryObject({NameObject("/Size"): NumberObject(size), NameObject("/Root"): root})
        if info is not None:
            trailer[NameObject("/Info")] = info
        self.stream.write(b"trailer\n")
        trailer.write_to_stream(self.stream)
        self.stream.write(f"\nstartxref\n{xref}\n%%EOF\n".encode())


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def _stamp(text: str, box, *, font_size: float = 8.0) -> bytes:
    """`text` at the page's bottom right, where a single pack's footer prints it (the pack
    stylesheet's right margin of 15 mm, inside its 20 mm bottom margin), from a clean graphics
    state (the page's own drawing is wrapped in q/Q)."""
    width = sum(_WIDTHS.get(c, 556) for c in text) * font_size / 1000
    x = float(box.right) - 15 * 72 / 25.4 - width
    y = float(box.bottom) + 10 * 72 / 25.4 - font_size / 2
    return f"\nQ q BT {_STAMP_FONT} {font_size:g} Tf {x:.2f} {y:.2f} Td ({text}) Tj ET Q".encode("latin-1")


class _Source:
    """One source PDF copied into the writer: every object reached from its pages, renumbered."""

    def __init__(self, writer: _Writer, reader: PdfReader, *, pages_ref: IndirectObject):
        self.writer, self.reader, self.pages_ref = writer, reader, pages_ref
        self.numbers: dict[tuple[int, int], int] = {}
        self.pending: list[IndirectObject] = []

    def ref(self, old: IndirectObject) -> IndirectObject:
        key = (old.idnum, old.generation)
        if key not in self.numbers:
            target = old.get_object()
            if isinstance(target, DictionaryObject) and target.get("/Type") == "/Pages":
                return self.pages_ref  # a link up the source's page tree: the bound file's tree
            self.numbers[key] = self.writer.reserve()
            self.pending.append(old)
        return IndirectObject(self.numbers[key], 0, None)

    def copy(self, obj: PdfObject) -> PdfObject:
        if isinstance(obj, IndirectObject):
            return self.ref(obj)
        if isinstance(obj, StreamObject):
            stream = obj.__class__()
            stream._data = obj._data  # copied as encoded, never decompressed
            stream.update({key: self.copy(value) for key, value in obj.items()})
            return stream
        if isinstance(obj, DictionaryObject):
            return DictionaryObject({key: self.copy(value) for key, value in obj.items()})
        if isinstance(obj, ArrayObject):
            return ArrayObject(self.copy(value) for value in obj)
        return obj

    def flush(self) -> None:
        while self.pending:
            old = self.pending.pop()
            self.writer.write(self.numbers[(old.idnum, old.generation)], self.copy(old.get_object()))

    def page(self, page, *, label: str, font: IndirectObject, opening: IndirectObject) -> IndirectObject:
        """Copy one page under the bound file's page tree, with `label` stamped on it."""
        number = self.ref(page.indirect_reference).idnum
        self.pending.remove(page.indirect_reference)
        own = {key: page.raw_get(key) for key in page if key not in ("/Parent", "/Contents", *_INHERITED)}
        inherited, node = {}, page
        while node is not None:
            for key in _INHERITED:
                if key in node and key not in inherited:
                    inherited[NameObject(key)] = node.raw_get(key)
            node = node.get("/Parent")
            node = node.get_object() if node is not None else None
        resources = inherited.pop("/Resources", None)
        resources = resources.get_object() if resources is not None else DictionaryObject()
        copied = DictionaryObject({key: self.copy(value) for key, value in {**inherited, **own}.items()})
        fonts = resources.get("/Font")
        fonts = DictionaryObject(
            {key: self.copy(value) for key, value in (fonts.get_object() if fonts else {}).items()}
        )
        fonts[_STAMP_FONT] = font
        copied[NameObject("/Resources")] = DictionaryObject(
            {key: self.copy(value) for key, value in resources.items() if key != "/Font"}
        )
        copied["/Resources"][NameObject("/Font")] = fonts
        contents = page.get("/Contents")
        contents = contents.get_object() if isinstance(contents, IndirectObject) else contents
        drawing = list(contents) if isinstance(contents, ArrayObject) else [page.raw_get("/Contents")]
        stamp = self.writer.add(_stream(_stamp(label, page.mediabox)))
        copied[NameObject("/Contents")] = ArrayObject([opening, *(self.copy(c) for c in drawing), stamp])
        copied[NameObject("/Parent")] = self.pages_ref
        return self.writer.write(number, copied)


def _outline(writer: _Writer, headings: list[Heading], pages: list[IndirectObject]) -> IndirectObject:
    """The outline tree: each heading under the nearest heading of a lower level before it."""
    root = {"ref": IndirectObject(writer.reserve(), 0, None), "children": [], "level": 0}
    path = [root]
    nodes = []
    for heading in headings:
        while len(path) > 1 and path[-1]["level"] >= heading.level:
            path.pop()
        node = {"ref": IndirectObject(writer.reserve(), 0, None), "children": [], "level": heading.level}
        node["heading"] = heading
        path[-1]["children"].append(node)
        path.append(node)
        nodes.append((node, path[-2]))

    def links(node) -> DictionaryObject:
        kids = node["children"]
        entry = DictionaryObject()
        if kids:
            entry[NameObject("/First")], entry[NameObject("/Last")] = kids[0]["ref"], kids[-1]["ref"]
            entry[NameObject("/Count")] = NumberObject(len(kids))
        return entry

    for node, parent in nodes:
        siblings = parent["children"]
        at = next(i for i, sibling in enumerate(siblings) if sibling is node)
        entry = links(node)
        entry[NameObject("/Title")] = TextStringObject(node["heading"].label)
        entry[NameObject("/Parent")] = parent["ref"]
        entry[NameObject("/Dest")] = ArrayObject([pages[node["heading"].page], NameObject("/Fit")])
        if at > 0:
            entry[NameObject("/Prev")] = siblings[at - 1]["ref"]
        if at + 1 < len(siblings):
            entry[NameObject("/Next")] = siblings[at + 1]["ref"]
        writer.write(node["ref"].idnum, entry)
    top = links(root)
    top[NameObject("/Type")] = NameObject("/Outlines")
    return writer.write(root["ref"].idnum, top)


def bind_pdfs(sources: Iterable, out: BinaryIO, *, total_pages: int, headings: list[Heading]) -> int:
    """Write the pages of each source (a binary file, opened one at a time as the iterable yields
    it) into `out` in order, numbered "Page n of `total_pages`", with an outline of `headings`.
    Returns the number of pages written."""
    writer = _Writer(out)
    catalog_number, pages_number = writer.reserve(), writer.reserve()
    pages_ref = IndirectObject(pages_number, 0, None)
    font = writer.add(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    opening = writer.add(_stream(b"q"))
    info, kids = None, []
    for source in sources:
        reader = PdfReader(source)
        copying = _Source(writer, reader, pages_ref=pages_ref)
        if info is None and "/Info" in reader.trailer:
            info = writer.add(copying.copy(reader.trailer["/Info"].get_object()))
        for page in reader.pages:
            label = f"Page {len(kids) + 1} of {total_pages}"
            kids.append(copying.page(page, label=label, font=font, opening=opening))
        copying.flush()
    writer.write(
        pages_number,
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Kids"): ArrayObject(kids),
                NameObject("/Count"): NumberObject(len(kids)),
            }
        ),
    )
    catalog = DictionaryObject({NameObject("/Type"): NameObject("/Catalog"), NameObject("/Pages"): pages_ref})
    if headings:
        catalog[NameObject("/Outlines")] = _outline(writer, headings, kids)
    writer.finish(writer.write(catalog_number, catalog), info)
    return len(kids)
