"""The readiness grid's rows as HTML: a page of fifty pupils has five hundred cells, and a
template takes far longer over each than these few strings (issue 15). Every value is escaped
(`html.escape`, as Django's `escape` does) before the row is marked safe."""

from __future__ import annotations

from functools import lru_cache
from html import escape

from django.utils.safestring import mark_safe

from apdash.links import Links

from . import rules

# Where to put each kind of problem right: a URL name and what its one argument is (the fix's
# object, or the pupil), or the register of the pupil's school.
FIX_PAGES = {
    "placement": ("placements:placement_edit", "object"),
    "visit": ("placements:visit_create", "object"),
    "risk_assessment": ("safeguarding:placement", "object"),
    "induction": ("safeguarding:placement", "object"),
    "provider": ("providers:provider_detail", "object"),
    "register": ("placements:register_grid", "school"),
    "pupil": ("placements:pupil_detail", "pupil"),
    "plan": ("placements:plan_edit", "pupil"),
    "milestone": ("placements:milestone_create", "pupil"),
    "review": ("placements:review_create", "pupil"),
    "safeguarding": ("safeguarding:inbox", None),
}

TAGS = {rules.GREEN: ("green", "Green"), rules.AMBER: ("yellow", "Amber"), rules.RED: ("red", "Red")}


class _FixLinks:
    """The "put this right" link of each cell of a page of the grid (hundreds of cells, a
    handful of kinds of page)."""

    def __init__(self):
        self.links = Links()

    def url(self, row, fix) -> str:
        name, argument = FIX_PAGES[fix.kind]
        if argument == "school":
            return f"{self.links.url(name)}?school={row.pupil.school_id}"
        if argument is None:
            return self.links.url(name)
        return self.links.url(name, fix.object_id if argument == "object" else row.pupil.pk)


@lru_cache(maxsize=64)
def _cell_head(column, status) -> str:
    # A column and status open the same way in every row: built once, not once per cell.
    colour, words = TAGS[status]
    return (
        f'<td class="govuk-table__cell" data-column="{escape(column.key)}" data-status="{escape(status)}">\n'
        f'      <strong class="govuk-tag govuk-tag--{escape(colour)}">{escape(words)}</strong><br>'
    )


def grid_rows(rows):
    """Each row with its cells as HTML (a tag, the reason in words, a link to put it right): built
    here as plain strings, every value escaped (`html.escape`, as Django's `escape` does), since a
    page of fifty pupils has five hundred cells and a template takes far longer over each."""
    links = _FixLinks()
    grid = []
    for row in rows:
        name = escape(row.pupil.full_name)
        cells = []
        for column in rules.COLUMNS:
            cell = row.cells[column.key]
            fix = ""
            if cell.fix and cell.status != rules.GREEN:
                fix = (
                    f'<br><a class="govuk-link" href="{escape(links.url(row, cell.fix))}">Put this right'
                    f'<span class="govuk-visually-hidden">: {escape(column.label)} for {name}</span></a>'
                )
            cells.append(f"{_cell_head(column, cell.status)}{escape(cell.reason)}\n      {fix}\n    </td>")
        grid.append(
            {
                "row": row,
                "pupil_url": links.url(row, rules.Fix("pupil")),
                "cells": mark_safe("\n    ".join(cells)),  # every value escaped above
            }
        )
    return grid
