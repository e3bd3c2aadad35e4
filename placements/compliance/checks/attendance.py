"""Daily registers and the follow-up of absences (G §1c, §4h)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

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
    rule_slots,
)
from placements.compliance.checks.scope import pupils_q
from placements.compliance.models import Flag
from placements.compliance.services import FlagCondition, flags_sync
from placements.core.models import Placement

KINDS = (Flag.Kind.ATTENDANCE_MISSING, Flag.Kind.ABSENCE_UNEXPLAINED)


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


def attendance_gaps_for(placements, *, now: datetime, flagged_days, marks_within: Q) -> dict:
    """The registers missing and the absences not followed up, for each placement (pupil, school,
    provider and timetable loaded): over the last `lookback` school days and the days already
    flagged. The one answer the check, the readiness grid (c) and the pack read. Two queries."""
    local = local_time(now)
    today = local.date()
    lookback = thresholds.attendance_lookback_school_days()
    window_start = _window_start(today)
    earliest = attendance_earliest(now, flagged_days)
    schools = {p.pupil.school_id: p.pupil.school for p in placements}
    if not schools:
        return {}
    recent_days = {
        school_id: days[-lookback:] if lookback > 0 else []
        for school_id, days in school_days_by_school(schools.values(), window_start, today).items()
    }
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
    return {
        placement.id: attendance_rules.attendance_gaps(
            slots=rule_slots(placement),
            start=placement.start_date,
            end=placement.end_date,
            days=set(recent_days.get(placement.pupil.school_id, [])) | flagged_days.get(placement.id, set()),
            marks=marks[placement.id],
            now=local.replace(tzinfo=None),
            **cutoffs,
        )
        for placement in placements
    }


def run_attendance(now: datetime, scope: Scope | None = None) -> list[CheckResult]:
    within = pupils_q(scope)
    if within is None:
        return []
    today = local_time(now).date()
    flagged_days = flagged_attendance_days(
        Flag.objects.filter(within, kind__in=KINDS, resolved_at__isnull=True).values_list(
            "placement_id", "kind", "subject_date"
        )
    )
    placements = list(
        Placement.objects.active_between(attendance_earliest(now, flagged_days), today)
        .filter(within)
        .select_related("pupil__school", "provider")
        .prefetch_related("timetable")
    )
    gaps_by_placement = attendance_gaps_for(
        placements, now=now, flagged_days=flagged_days, marks_within=pupils_q(scope, "placement__pupil")
    )
    found = {kind: [] for kind in KINDS}
    for placement in placements:
        pupil = placement.pupil
        gaps = gaps_by_placement[placement.id]
        for gap in gaps:
            when = f"{SESSION_WORDS[gap.session]} of {long_date(gap.day)}"
            if gap.kind == attendance_rules.MISSING_MARK:
                kind = Flag.Kind.ATTENDANCE_MISSING
                message = f"No register from {placement.provider} for {pupil.full_name} for the {when}."
            else:
                kind = Flag.Kind.ABSENCE_UNEXPLAINED
                message = (
                    f"{pupil.full_name} was absent from {placement.provider} ({gap.code}) on the {when}, "
                    "and no follow-up is recorded."
                )
            found[kind].append(
                FlagCondition(
                    key=f"{kind}:placement={placement.id}:date={gap.day.isoformat()}:session={gap.session}",
                    message=message,
                    school_id=pupil.school_id,
                    pupil_id=pupil.id,
                    placement_id=placement.id,
                    provider_id=placement.provider_id,
                    subject_date=gap.day,
                    details={"session": gap.session, **({"code": gap.code} if gap.code else {})},
                )
            )
    return [flags_sync(kind, found[kind], now=now, within=within) for kind in KINDS] + [
        _n_codes_unresolved(now, today, within)
    ]


def _n_codes_unresolved(now: datetime, today, within) -> CheckResult:
    """An `N` still on the register more than `APDASH_N_CODE_DAYS` school days after its session:
    the regulations want the right code within 5 school days (domain.md "Attendance")."""
    limit = thresholds.n_code_school_days()
    marks = list(
        AttendanceMark.objects.filter(code="N", date__lte=today, date__gte=today - timedelta(days=366))
        .filter(placement__in=Placement.objects.filter(within))
        .select_related("placement__pupil__school", "placement__provider")
        .order_by("date", "session", "id")
    )
    conditions = []
    if marks:
        schools = {m.placement.pupil.school_id: m.placement.pupil.school for m in marks}
        days = school_days_by_school(schools.values(), min(m.date for m in marks), today)
        for mark in marks:
            placement, pupil = mark.placement, mark.placement.pupil
            if not attendance_rules.n_code_overdue(
                mark.date, school_days=days[pupil.school_id], today=today, limit=limit
            ):
                continue
            when = f"{SESSION_WORDS[mark.session]} of {long_date(mark.date)}"
            conditions.append(
                FlagCondition(
                    key=f"{Flag.Kind.N_CODE_UNRESOLVED}:placement={placement.id}:date={mark.date.isoformat()}"
                    f":session={mark.session}",
                    message=(
                        f"{pupil.full_name}'s absence from {placement.provider} on the {when} is still "
                        f"coded N after {limit} school days: record the right code."
                    ),
                    school_id=pupil.school_id,
                    pupil_id=pupil.id,
                    placement_id=placement.id,
                    provider_id=placement.provider_id,
                    subject_date=mark.date,
                    details={"session": mark.session, "code": "N"},
                )
            )
    return flags_sync(Flag.Kind.N_CODE_UNRESOLVED, conditions, now=now, within=within)
