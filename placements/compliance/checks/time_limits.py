"""DfE's planned time limits on placements at unregistered providers (settings, off by default)."""

from __future__ import annotations

from datetime import datetime

from apdash import thresholds
from apdash.checks import CheckResult, Scope
from placements.compliance import rules
from placements.compliance.checks.common import local_time
from placements.compliance.checks.rows import placement_rows
from placements.compliance.checks.scope import pupil_open_flags, pupils_q
from placements.compliance.models import Flag
from placements.compliance.services import FlagCondition, flags_sync_kinds
from placements.core import rules as core_rules
from placements.core.models import Placement
from providers.models import Provider

KIND = {rules.FULL_TIME: Flag.Kind.TIME_LIMIT_FULL_TIME, rules.PART_TIME: Flag.Kind.TIME_LIMIT_PART_TIME}


def run_time_limits(now: datetime, scope: Scope | None = None) -> list[CheckResult]:
    """Each placement at an unregistered provider, running now or later, against the limits that
    are set. With none set, any flags left from when they were resolve."""
    within = pupils_q(scope)
    if within is None:
        return []
    today = local_time(now).date()
    limits = thresholds.time_limits()
    found = {kind: [] for kind in KIND.values()}
    if limits.any:
        placements = placement_rows(
            Placement.objects.running_on_or_after(today)
            .filter(within)
            .filter(provider__registration_status=Provider.RegistrationStatus.UNREGISTERED)
            .order_by("id")
        )
        full_time_hours = thresholds.hours_limits().full_time_hours
        for p in placements:
            slots = p.slots
            breach = rules.time_limit_breach(
                start=p.start_date,
                end=p.end_date,
                today=today,
                weekly_hours=core_rules.weekly_hours(slots),
                days=core_rules.days_per_week(slots),
                sessions=core_rules.weekly_sessions(
                    slots, am_end=p.am_session_end, pm_start=p.pm_session_start
                ),
                full_time_hours=full_time_hours,
                full_time_weeks=limits.full_time_weeks,
                part_time_days=limits.part_time_days,
                part_time_sessions=limits.part_time_sessions,
            )
            if breach is None:
                continue
            kind = KIND[breach.kind]
            found[kind].append(
                FlagCondition(
                    key=f"{kind}:placement={p.id}",
                    message=f"{p.pupil_name} at {p.provider_name}. {breach.words}",
                    school_id=p.school_id,
                    pupil_id=p.pupil_id,
                    placement_id=p.id,
                    provider_id=p.provider_id,
                    subject_date=breach.since,
                    details={
                        "full_time_weeks": limits.full_time_weeks,
                        "part_time_days": limits.part_time_days,
                        "part_time_sessions": limits.part_time_sessions,
                    },
                )
            )
    return flags_sync_kinds(found, now=now, within=within, open_flags=pupil_open_flags(scope, found))
