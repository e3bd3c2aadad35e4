"""Placements as plain rows for the checks' sweeps: one query, no model instances. A county's
sweep reads a few thousand placements per check, and building a model (with its pupil, school,
provider and timetable) for each cost more than asking the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from placements.core import rules as core_rules


@dataclass(frozen=True, slots=True)
class School:
    """What the calendar (`apdash.selectors.school_days_by_school`) needs of a school."""

    id: int
    partnership_id: int | None


@dataclass(frozen=True, slots=True)
class PlacementRow:
    id: int
    pupil_id: int
    pupil_name: str
    sen_status: str
    school: School
    am_session_end: time
    pm_session_start: time
    provider_id: int
    provider_name: str
    start_date: date
    end_date: date | None
    slots: tuple[core_rules.Slot, ...]

    @property
    def school_id(self) -> int:
        return self.school.id


FIELDS = (
    "id",
    "pupil_id",
    "pupil__first_name",
    "pupil__last_name",
    "pupil__sen_status",
    "pupil__school_id",
    "pupil__school__partnership_id",
    "pupil__school__am_session_end",
    "pupil__school__pm_session_start",
    "provider_id",
    "provider__name",
    "start_date",
    "end_date",
)
SLOT_FIELDS = ("timetable__weekday", "timetable__start", "timetable__end")


def placement_rows(placements, *, slots: bool = True) -> list[PlacementRow]:
    """`placements` (a queryset, in its order) as rows; with `slots`, each with its timetable, in
    the same query (one row per slot, joined)."""
    by_id: dict[int, list] = {}
    schools: dict[int, School] = {}
    for values in placements.values_list(*FIELDS, *(SLOT_FIELDS if slots else ())):
        row = by_id.get(values[0])
        if row is None:
            school_id = values[5]
            if school_id not in schools:
                schools[school_id] = School(school_id, values[6])
            row = by_id[values[0]] = [values, schools[school_id], []]
        if slots and values[13] is not None:
            row[2].append(core_rules.Slot(*values[13:16]))
    return [
        PlacementRow(
            id=v[0],
            pupil_id=v[1],
            pupil_name=core_rules.pupil_name(v[2], v[3]),
            sen_status=v[4],
            school=school,
            am_session_end=v[7],
            pm_session_start=v[8],
            provider_id=v[9],
            provider_name=v[10],
            start_date=v[11],
            end_date=v[12],
            # In the timetable's own order (weekday, start), as the model lists them.
            slots=tuple(sorted(found, key=lambda slot: (slot.weekday, slot.start))),
        )
        for v, school, found in by_id.values()
    ]
