"""The one reader of uploaded CSV files for every import (pupils, attendance registers): at most
APDASH_IMPORT_MAX_BYTES and APDASH_IMPORT_MAX_ROWS, refused with a plain message before any row is
processed, and read a row at a time so memory stays bounded."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from apdash import thresholds


def read_csv_upload(upload) -> str:
    """An uploaded CSV's text, refusing a file over the byte cap or with more rows than the row
    cap (the header row not counted), or one that is not UTF-8."""
    limits = thresholds.import_limits()
    if upload.size is not None and upload.size > limits.max_bytes:
        raise ValidationError(
            f"The file must be smaller than {filesizeformat(limits.max_bytes)}.", code="too_large"
        )
    raw = upload.read(limits.max_bytes + 1)
    if len(raw) > limits.max_bytes:
        raise ValidationError(
            f"The file must be smaller than {filesizeformat(limits.max_bytes)}.", code="too_large"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError("The file must be saved as CSV (UTF-8).", code="encoding") from exc
    check_row_count(text)
    return text


def check_row_count(text: str) -> None:
    """Refuse text with more data rows than the cap, counting without keeping the rows."""
    max_rows = thresholds.import_limits().max_rows
    for count, _ in enumerate(csv_rows(text), start=1):
        if count > max_rows:
            raise ValidationError(
                f"The file has more than {max_rows:,} rows: split it into files of at most {max_rows:,} rows "
                "and import each.",
                code="too_many_rows",
            )


def csv_rows(text: str) -> Iterator[list[str]]:
    """The data rows (after the header) one at a time."""
    reader = csv.reader(io.StringIO(text))
    next(reader, None)
    yield from reader
