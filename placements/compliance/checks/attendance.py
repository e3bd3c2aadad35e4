"""Daily registers and the follow-up of absences (G §1c, §4h)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from django.db.models import Q

from apdash import thresholds
from apdash.checks import CheckResult, Scope
from apdash.selectors import school_days_by_school
from placements.attendance import rules as attendance_rules
from placements.attendance.models import AttendanceMark
from placements.compliance.checks.common import (
    SESSION_WORDS,
    local_time,
    long_date,
    school_days_of,
)
from placements.compliance.checks.rows import School as SchoolRef
from placements.compliance.checks.rows import placement_rows
from placements.compliance.checks.scope import pupil_open_flags, pupils_q
from placements.compliance.models import Flag
from placements.compliance.services import FlagCondition, flags_sync_kinds
from placements.core import rules as core_rules
from placements.core.models import Placement

KINDS = (Flag.Kind.ATTENDANCE_MISSING, Flag.Kind.ABSENCE_UNEXPLAINED)


@lru_cache(maxsize=1024)
def _when(session: str, day: date) -> str:
    # Thousands of flags share a few dozen sessions: word each once.
    return f"{SESSION_WORDS[session]} of {long_date(day)}"


def flagged_attendance_days(flags) -> dict[int, set]:
    """Each placement's days with an open attendance flag, from (placement_id, kind, day) rows.
    Days already flagged stay under watch after they leave the look-back: an old gap resolves
    when its mark or follow-up arrives, not by ageing."""
    flagged_days = defaultdict(set)
    for placement_id, kind, day in flags:
        if kind in KINDS and placement_id is not None and day is not None:
            flagged_days[placement_id].add(day)
    return flagged_days


def _window_start(today):
    # Calendar days enough to hold `lookback` school days across a half-term holiday.
    return today - timedelta(days=7 * thresholds.attendance_lookback_school_days() + 21)


def attendance_earliest(now: datetime, flagged_days) -> date:
    window_start = _window_start(local_time(now).date())
    return min([window_start, *(d for days in flagged_days.values() for d in days)])


class Registered(NamedTuple):
    """What the register rule needs of a placement (a `PlacementRow` has the same attributes)."""

    id: int
    school: object  # with `id` and `partnership_id`
    start_date: date
    end_date: date | None
    slots: tuple


def attendance_gaps_of(
    placements, *, now: datetime, flagged_days, marks_within: Q, days_by_school=None
) -> dict:
    """The registers missing and the absences not followed up, for each placement (`Registered`
    or a row, with its school and timetable): over the last `lookback` school days and the days
    already flagged. The one answer the check, the readiness grid (c) and the pack read. One
    query, three when `days_by_school` is not given; when the caller read the calendar already it
    must cover the earliest flagged day up to today. A flagged day that is no longer a school day
    (a closure entered late) is not asked about again, so its flag resolves."""
    local = local_time(now)
    today = local.date()
    lookback = thresholds.attendance_lookback_school_days()
    window_start = _window_start(today)
    earliest = attendance_earliest(now, flagged_days)
    schools = {p.school.id: p.school for p in placements}
    if not schools:
        return {}
    if days_by_school is None:
        days_by_school = school_days_by_school(schools.values(), earliest, today)
    recent_days, school_days = {}, {}
    for school_id in schools:
        days = [day for day in days_by_school[school_id] if window_start <= day <= today]
        recent_days[school_id] = set(days[-lookback:] if lookback > 0 else [])
        school_days[school_id] = set(days_by_school[school_id])
    # Only the days the rule looks at: a half term of registers is ~2M marks at England scale.
    watched_days = set().union(*recent_days.values(), *flagged_days.values())
    marks = defaultdict(dict)
    for placement_id, day, session, code, followed_up in (
        AttendanceMark.objects.filter(marks_within)
        .filter(date__gte=earliest, date__lte=today, date__in=sorted(watched_days))
        .with_followed_up()
        .values_list("placement_id", "date", "session", "code", "followed_up")
    ):
        marks[placement_id][(day, session)] = (code, followed_up)
    cutoffs = thresholds.attendance_cutoffs()
    naive_now = local.replace(tzinfo=None)
    return {
        placement.id: attendance_rules.attendance_gaps(
            slots=placement.slots,
            start=placement.start_date,
            end=placement.end_date,
            days=recent_days[placement.school.id]
            | (flagged_days.get(placement.id, set()) & school_days[placement.school.id]),
            marks=marks[placement.id],
            now=naive_now,
            **cutoffs,
        )
        for placement in placements
    }


def run_attendance(now: datetime, scope: Scope | None = None) -> list[CheckResult]:
    within = pupils_q(scope)
    if within is None:
        return []
    today = local_time(now).date()
    # One read of the open flags: the days they watch, and what flags_sync compares with.
    open_flags = pupil_open_flags(scope, (*KINDS, Flag.Kind.N_CODE_UNRESOLVED))
    flagged_days = flagged_attendance_days(
        (flag.placement_id, kind, flag.subject_date) for kind in KINDS for flag in open_flags[kind].values()
    )
    placements = placement_rows(
        Placement.objects.active_between(attendance_earliest(now, flagged_days), today)
        .filter(within)
        .order_by()
    )
    n_marks = _n_marks(today, within)
    # One calendar for both rules: the look-back window and the oldest `N` still on the register.
    schools = {p.school.id: p.school for p in placements} | {m[-1].id: m[-1] for m in n_marks}
    first = min([attendance_earliest(now, flagged_days), *(m[1] for m in n_marks)])
    days_by_school = school_days_of(schools.values(), first, today, today=today) if schools else {}
    gaps_by_placement = attendance_gaps_of(
        placements,
        now=now,
        flagged_days=flagged_days,
        marks_within=pupils_q(scope, "placement__pupil"),
        days_by_school=days_by_school,
    )
    found = {kind: [] for kind in KINDS}
    for placement in placements:
        for gap in gaps_by_placement[placement.id]:
            when = _when(gap.session, gap.day)
            if gap.kind == attendance_rules.MISSING_MARK:
                kind = Flag.Kind.ATTENDANCE_MISSING
                message = (
                    f"No register from {placement.provider_name} for {placement.pupil_name} for the {when}."
                )
            else:
                kind = Flag.Kind.ABSENCE_UNEXPLAINED
                message = (
                    f"{placement.pupil_name} was absent from {placement.provider_name} ({gap.code}) on the "
                    f"{when}, and no follow-up is recorded."
                )
            found[kind].append(
                FlagCondition(
                    key=f"{kind}:placement={placement.id}:date={gap.day.isoformat()}:session={gap.session}",
                    message=message,
                    school_id=placement.school.id,
                    pupil_id=placement.pupil_id,
                    placement_id=placement.id,
                    provider_id=placement.provider_id,
                    subject_date=gap.day,
                    details={"session": gap.session, **({"code": gap.code} if gap.code else {})},
                )
            )
    found[Flag.Kind.N_CODE_UNRESOLVED] = _n_codes_unresolved(today, n_marks, days_by_school)
    return flags_sync_kinds(found, now=now, within=within, open_flags=open_flags)


def _n_marks(today, within) -> list[tuple]:
    """The `N` marks of the last year in the scope, as (placement id, day, session, pupil id, pupil
    name, provider id, provider name, school), oldest first."""
    rows = (
        AttendanceMark.objects.filter(code="N", date__lte=today, date__gte=today - timedelta(days=366))
        .filter(placement__in=Placement.objects.filter(within))
        .order_by("date", "session", "id")
        .values_list(
            "placement_id",
            "date",
            "session",
            "placement__pupil_id",
            "placement__pupil__first_name",
            "placement__pupil__last_name",
            "placement__provider_id",
            "placement__provider__name",
            "placement__pupil__school_id",
            "placement__pupil__school__partnership_id",
        )
    )
    schools, marks = {}, []
    for (
        placement_id,
        day,
        session,
        pupil_id,
        first,
        last,
        provider_id,
        provider,
        school_id,
        partnership_id,
    ) in rows:
        if school_id not in schools:
            schools[school_id] = SchoolRef(school_id, partnership_id)
        name = core_rules.pupil_name(first, last)
        marks.append((placement_id, day, session, pupil_id, name, provider_id, provider, schools[school_id]))
    return marks


def _n_codes_unresolved(today, n_marks, days_by_school) -> list[FlagCondition]:
    """An `N` still on the register more than `APDASH_N_CODE_DAYS` school days after its session:
    the regulations want the right code within 5 school days (domain.md "Attendance")."""
    limit = thresholds.n_code_school_days()
    conditions = []
    # The rule's answer depends on the school and the day only: asked once for each.
    overdue = {}
    for placement_id, day, session, pupil_id, pupil_name, provider_id, provider_name, school in n_marks:
        if (school.id, day) not in overdue:
            overdue[school.id, day] = attendance_rules.n_code_overdue(
                day, school_days=days_by_school[school.id], today=today, limit=limit
            )
        if not overdue[school.id, day]:
            continue
        when = _when(session, day)
        conditions.append(
            FlagCondition(
                key=f"{Flag.Kind.N_CODE_UNRESOLVED}:placement={placement_id}:date={day.isoformat()}"
                f":session={session}",
                message=(
                    f"{pupil_name}'s absence from {provider_name} on the {when} is still "
                    f"coded N after {limit} school days: record the right code."
                ),
                school_id=school.id,
                pupil_id=pupil_id,
                placement_id=placement_id,
                provider_id=provider_id,
                subject_date=day,
                details={"session": session, "code": "N"},
            )
        )
    return conditions
