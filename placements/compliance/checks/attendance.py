"""Daily registers and the follow-up of absences (G §1c, §4h)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from apdash import thresholds
from apdash.checks import CheckResult
from apdash.selectors import school_days_by_school
from placements.attendance import rules as attendance_rules
from placements.attendance.models import AttendanceMark
from placements.compliance.checks.common import (
    SESSION_WORDS,
    local_time,
    long_date,
    rule_slots,
)
from placements.compliance.models import Flag
from placements.compliance.services import FlagCondition, flags_sync
from placements.core.models import Placement


def run_attendance(now: datetime) -> list[CheckResult]:
    local = local_time(now)
    today = local.date()
    lookback = thresholds.attendance_lookback_school_days()
    # Calendar days enough to hold `lookback` school days across a half-term holiday.
    window_start = today - timedelta(days=7 * lookback + 21)
    kinds = [Flag.Kind.ATTENDANCE_MISSING, Flag.Kind.ABSENCE_UNEXPLAINED]
    # Days already flagged stay under watch after they leave the look-back: an old gap resolves
    # when its mark or follow-up arrives, not by ageing.
    flagged_days = defaultdict(set)
    for placement_id, day in Flag.objects.filter(
        kind__in=kinds, resolved_at__isnull=True, placement__isnull=False, subject_date__isnull=False
    ).values_list("placement_id", "subject_date"):
        flagged_days[placement_id].add(day)
    earliest = min([window_start, *(d for days in flagged_days.values() for d in days)])

    placements = list(
        Placement.objects.active_between(earliest, today)
        .select_related("pupil__school", "provider")
        .prefetch_related("timetable")
    )
    schools = {p.pupil.school_id: p.pupil.school for p in placements}
    recent_days = {
        school_id: days[-lookback:] if lookback > 0 else []
        for school_id, days in school_days_by_school(schools.values(), window_start, today).items()
    }
    # Only the days the rule looks at: a half term of registers is ~2M marks at England scale.
    watched_days = set().union(*recent_days.values(), *flagged_days.values())
    marks = defaultdict(dict)
    for placement_id, day, session, code, followed_up in (
        AttendanceMark.objects.filter(date__in=sorted(watched_days))
        .with_followed_up()
        .values_list("placement_id", "date", "session", "code", "followed_up")
    ):
        marks[placement_id][(day, session)] = (code, followed_up)

    cutoffs = thresholds.attendance_cutoffs()
    found = {kind: [] for kind in kinds}
    for placement in placements:
        pupil = placement.pupil
        gaps = attendance_rules.attendance_gaps(
            slots=rule_slots(placement),
            start=placement.start_date,
            end=placement.end_date,
            days=set(recent_days[pupil.school_id]) | flagged_days[placement.id],
            marks=marks[placement.id],
            now=local.replace(tzinfo=None),
            **cutoffs,
        )
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
    return [flags_sync(kind, found[kind], now=now) for kind in kinds]
