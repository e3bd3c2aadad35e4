"""Reading DfE's "all establishment data" extract from Get Information about Schools as DfE
publishes it: every field quoted, about 140 columns, Windows-1252, dates dd-mm-yyyy. Only the
columns named below are read, by their header names; the `(name)` columns, never the codes."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

URN = "URN"
COLUMNS = {
    "urn": URN,
    "name": "EstablishmentName",
    "type_name": "TypeOfEstablishment (name)",
    "type_group": "EstablishmentTypeGroup (name)",
    "status": "EstablishmentStatus (name)",
    "opened_on": "OpenDate",
    "closed_on": "CloseDate",
    "postcode": "Postcode",
    "ofsted_rating": "OfstedRating (name)",
    "ofsted_inspected_on": "OfstedLastInsp",
}
REQUIRED = ("urn", "name", "type_name", "status")
DATES = ("opened_on", "closed_on", "ofsted_inspected_on")
LIMITS = {"urn": 8, "name": 255, "type_name": 100, "type_group": 100, "status": 60, "postcode": 10}
LIMITS["ofsted_rating"] = 60


class GiasFileError(ValueError):
    """The file is not a GIAS extract we can read; nothing was changed."""


@dataclass(frozen=True)
class EstablishmentRow:
    urn: str
    name: str
    type_name: str
    type_group: str
    status: str
    opened_on: date | None
    closed_on: date | None
    postcode: str
    ofsted_rating: str
    ofsted_inspected_on: date | None


def decode(data: bytes) -> str:
    """DfE publishes the extract in Windows-1252; a file saved again as UTF-8 (with or without a
    byte-order mark) is read as UTF-8. Real Windows-1252 text (’ is 0x92) is never valid UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise GiasFileError("The file is not a GIAS extract: it is not text in Windows-1252.") from exc


def _date(text: str, *, column: str, line: int) -> date | None:
    text = text.strip()
    if not text:
        return None
    for fmt in ("%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise GiasFileError(f"Row {line}: {column} “{text}” is not a date in the form dd-mm-yyyy.")


def read_extract(data: bytes) -> list[EstablishmentRow]:
    """Every establishment in the file, or GiasFileError saying why the file cannot be used."""
    if not data.strip():
        raise GiasFileError("The file is empty.")
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise GiasFileError("The file could not be read as CSV.") from exc
    position = {name.strip(): i for i, name in enumerate(header)}
    if URN not in position:
        raise GiasFileError(
            "The file has no URN column, so it is not a GIAS extract. Download “All establishment data” "
            "from Get Information about Schools and upload that file unchanged."
        )
    missing = [COLUMNS[key] for key in REQUIRED if COLUMNS[key] not in position]
    if missing:
        raise GiasFileError(
            "The file is not a GIAS extract: it has no column "
            + ", ".join(f"“{m}”" for m in missing)
            + ". Upload DfE's “All establishment data” file unchanged."
        )
    rows: list[EstablishmentRow] = []
    seen: dict[str, int] = {}
    try:
        for line, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            values = {}
            for key, column in COLUMNS.items():
                i = position.get(column)
                values[key] = record[i].strip() if i is not None and i < len(record) else ""
            urn = values["urn"]
            if not re.fullmatch(r"\d{5,8}", urn):
                raise GiasFileError(f"Row {line}: the URN “{urn}” is not a number of 5 to 8 digits.")
            if urn in seen:
                raise GiasFileError(f"Row {line}: URN {urn} is in the file twice (first on row {seen[urn]}).")
            seen[urn] = line
            for key, limit in LIMITS.items():
                values[key] = values[key][:limit]
            for key in DATES:
                values[key] = _date(values[key], column=COLUMNS[key], line=line)
            rows.append(EstablishmentRow(**values))
    except csv.Error as exc:
        raise GiasFileError(f"The file could not be read as CSV: {exc}.") from exc
    if not rows:
        raise GiasFileError("The file lists no establishments.")
    return rows
