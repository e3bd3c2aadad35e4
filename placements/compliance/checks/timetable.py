"""Placements with no timetable (G §1a: where the pupil is each day)."""

from __future__ import annotations

from datetime import datetime

from apdash.checks import CheckResult, Scope
from placements.compliance.checks.common import local_time, long_date
from placements.compliance.checks.rows import placement_rows
from placements.compliance.checks.scope import pupil_open_flags, pupils_q
from placements.compliance.models import Flag
from placements.compliance.services import FlagCondition, flags_sync
from placements.core.models import Placement


def run_timetable(now: datetime, scope: Scope | None = None) -> list[CheckResult]:
    """A placement running today or yet to start with no timetabled slot: nobody can say where the
    pupil is each day, and its registers cannot be checked. (It still needs its visits.)"""
    within = pupils_q(scope)
    if within is None:
        return []
    today = local_time(now).date()
    placements = placement_rows(
        Placement.objects.running_on_or_after(today)
        .filter(within, timetable__isnull=True)
        .order_by("start_date", "id"),
        slots=False,
    )
    conditions = [
        FlagCondition(
            key=f"{Flag.Kind.TIMETABLE_MISSING}:placement={p.id}",
            message=(
                f"{p.pupil_name}'s placement at {p.provider_name} "
                f"{'started' if p.start_date <= today else 'starts'} on {long_date(p.start_date)} "
                "and has no timetable: add the days and session times."
            ),
            school_id=p.school_id,
            pupil_id=p.pupil_id,
            placement_id=p.id,
            provider_id=p.provider_id,
            subject_date=p.start_date,
        )
        for p in placements
    ]
    open_flags = pupil_open_flags(scope, (Flag.Kind.TIMETABLE_MISSING,))
    return [
        flags_sync(Flag.Kind.TIMETABLE_MISSING, conditions, now=now, within=within, open_flags=open_flags)
    ]
