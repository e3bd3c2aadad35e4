"""Reading an evidence pack back: its text per page, and PNGs of its first pages for a person to
look at (saved in the git-ignored artefacts/evidence-pack/)."""

import io
import re
import shutil
import subprocess
from pathlib import Path

from pypdf import PdfReader

from tests.services import need

ARTEFACTS = Path(__file__).resolve().parents[2] / "artefacts" / "evidence-pack"


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text with runs of whitespace (line breaks inside table cells) made one space, and
    a word broken after its hyphen at the end of a line joined again."""
    texts = [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]
    return [re.sub(r"\s+", " ", re.sub(r"-\s*\n\s*", "-", text)) for text in texts]


def save_pngs(pdf: bytes, name: str, *, pages: int = 4) -> list[Path]:
    need(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils)")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    source = ARTEFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    for old in ARTEFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", str(pages), str(source), str(ARTEFACTS / name)],
        check=True,
    )
    return sorted(ARTEFACTS.glob(f"{name}-*.png"))
