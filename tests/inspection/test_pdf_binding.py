"""Binding PDFs a source at a time: pages in order, numbered across the sources, text and links
kept, bookmarks pointing at the right pages, and each source written out before the next is read."""

import io

import pytest
from pypdf import PdfReader

from inspection.pdf_binding import Heading, bind_pdfs
from tests.inspection.pdf import page_texts

pytestmark = pytest.mark.pdf


def _pdf(title: str, pages: int) -> bytes:
    from weasyprint import HTML

    body = f"<h2>{title}</h2>" + "".join(
        f"<p style='break-before: page'>{title} page {n}</p>" for n in range(2, pages + 1)
    )
    return HTML(string=f"<meta charset='utf-8'><body>{body}</body>").write_pdf()


def test_pages_come_out_in_order_numbered_across_the_sources_with_bookmarks_at_their_pages():
    sources = [_pdf("Contents", 1), _pdf("Castle Hill Academy", 3), _pdf("Riverside School – Zoë", 2)]
    out = io.BytesIO()

    written = bind_pdfs(
        (io.BytesIO(pdf) for pdf in sources),
        out,
        total_pages=6,
        headings=[
            Heading(1, "Contents", 0),
            Heading(1, "Schools", 1),
            Heading(2, "Castle Hill Academy", 1),
            Heading(2, "Riverside School – Zoë", 4),
        ],
    )

    pdf = out.getvalue()
    pages = page_texts(pdf)
    assert written == len(pages) == 6
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of 6" in text
    assert "Castle Hill Academy page 3" in pages[3] and "Riverside School – Zoë page 2" in pages[5]
    reader = PdfReader(io.BytesIO(pdf))
    top = [item for item in reader.outline if not isinstance(item, list)]
    assert [(item.title, reader.get_destination_page_number(item)) for item in top] == [
        ("Contents", 0),
        ("Schools", 1),
    ]
    children = reader.outline[2]
    assert [(item.title, reader.get_destination_page_number(item)) for item in children] == [
        ("Castle Hill Academy", 1),
        ("Riverside School – Zoë", 4),
    ]


def test_each_source_is_written_out_before_the_next_is_opened():
    sources = [_pdf("First", 2), _pdf("Second", 2)]
    out = io.BytesIO()
    written_when_opened = []

    def opened_one_at_a_time():
        for pdf in sources:
            written_when_opened.append(out.tell())
            yield io.BytesIO(pdf)

    bind_pdfs(opened_one_at_a_time(), out, total_pages=4, headings=[])

    # The first source's pages (fonts and all) are in the output by the time the second is read.
    assert written_when_opened[1] > len(sources[0]) / 2
    assert len(PdfReader(io.BytesIO(out.getvalue())).pages) == 4
