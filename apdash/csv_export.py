"""The one CSV writer for every CSV we send (pupils, placements, the census, samples): a cell
starting with = + - @ or a tab or carriage return is prefixed with an apostrophe, so a spreadsheet
shows it as text rather than running it as a formula (CSV formula injection)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell's value, made inert if a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(filename: str, header: Sequence, rows: Iterable[Sequence]) -> HttpResponse:
    """A CSV attachment of `header` then `rows`, every cell neutralised."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return response


def dataset_response(filename: str, dataset) -> HttpResponse:
    """A tablib dataset (django-import-export's `Resource.export()`) as a neutralised CSV."""
    return csv_response(filename, dataset.headers or [], (list(row) for row in dataset))
