"""Checking an uploaded document is what it says it is. The browser's content type and the file's
name are the sender's claims; the first bytes are not: a PDF starts `%PDF-`, and a Word document
is a zip holding `word/document.xml`. Anything else (an .exe renamed .pdf, a macro-enabled or
encrypted file, a zip of something else) is refused."""

from __future__ import annotations

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

PDF = "pdf"
DOCX = "docx"
EXTENSIONS = {".pdf": PDF, ".docx": DOCX}


def sniff_document(upload) -> str | None:
    """ "pdf" or "docx" from the file's content, or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        # A macro-enabled document carries vbaProject.bin; refuse it even when renamed .docx.
        required = {"word/document.xml", "[Content_Types].xml"}
        if required <= names and "word/vbaProject.bin" not in names:
            return DOCX
    return None


def validate_document(upload, *, what: str = "The file") -> None:
    """A PDF or Word (.docx) document no larger than APDASH_DOCUMENT_MAX_BYTES, whose content
    matches its name."""
    limit = settings.APDASH_DOCUMENT_MAX_BYTES
    name = upload.name or ""
    extension = name[name.rfind(".") :].lower() if "." in name else ""
    if upload.size == 0:
        raise ValidationError(f"{what} is empty.", code="empty")
    if upload.size > limit:
        raise ValidationError(f"{what} must be smaller than {filesizeformat(limit)}.", code="too_large")
    if extension not in EXTENSIONS:
        raise ValidationError(f"{what} must be a PDF or a Word document (.docx).", code="wrong_type")
    if sniff_document(upload) != EXTENSIONS[extension]:
        raise ValidationError(
            f"{what} is named {extension} but is not a {'PDF' if extension == '.pdf' else 'Word document'}. "
            "Save it again as a PDF or Word document and upload that.",
            code="content_mismatch",
        )
