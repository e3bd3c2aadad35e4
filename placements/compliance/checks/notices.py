"""Telling the parents about an off-site direction, and the local authority about a placement at an
unregistered provider (DfE "Arranging alternative provision", Feb 2025)."""

from __future__ import annotations

from datetime import datetime, timedelta

from apdash import thresholds
from apdash.checks import CheckResult, Scope
from apdash.models import AcademicYear
from placements.compliance import rules
from placements.compliance.checks.common import local_time, long_date, school_days_of
from placements.compliance.checks.rows import placement_rows
from placements.compliance.checks.scope import pupil_open_flags, pupils_q
from placements.compliance.models import Flag
from placements.compliance.services import FlagCondition, flags_sync_kinds
from placements.core.models import Placement
from providers.models import Provider

# Far enough ahead to hold the notice period across the longest school holiday.
LOOK_AHEAD_DAYS = 60


def _school_days_to_start(placements, today):
    """For each placement not yet started: school days after today up to and including its start
    (`apdash.selectors.school_days`, for all the schools at once). Where no academic year is set
    up for those dates the calendar cannot say, and weekdays are counted."""
    future = [p for p in placements if p.start_date > today]
    if not future:
        return {}
    last = max(p.start_date for p in future)
    first = today + timedelta(days=1)
    schools = {p.school.id: p.school for p in future}
    days = school_days_of(schools.values(), first, last, today=today)
    years = list(AcademicYear.objects.overlapping(first, last).values_list("start_date", "end_date"))
    counted = {}
    for p in future:
        if any(start <= p.start_date <= end for start, end in years):
            counted[p.id] = sum(1 for day in days[p.school.id] if day <= p.start_date)
        else:
            span = (first + timedelta(days=n) for n in range((p.start_date - today).days))
            counted[p.id] = sum(1 for day in span if day.weekday() < 5)
    return counted


def run_notices(now: datetime, scope: Scope | None = None) -> list[CheckResult]:
    """Placements running now or later whose parents' notice (off-site direction) or the LA's
    notification is missing when it is due."""
    within = pupils_q(scope)
    if within is None:
        return []
    today = local_time(now).date()
    notice_days = thresholds.parental_notice_school_days()
    running = Placement.objects.running_on_or_after(today).filter(within)

    directed = placement_rows(
        running.filter(
            off_site_direction=True,
            parental_notice_sent_on__isnull=True,
            start_date__lte=today + timedelta(days=LOOK_AHEAD_DAYS),
        ).order_by("id"),
        slots=False,
    )
    to_start = _school_days_to_start(directed, today)
    notices = []
    for p in directed:
        if not rules.parental_notice_due(
            start=p.start_date,
            today=today,
            school_days_to_start=to_start.get(p.id, 0),
            notice_school_days=notice_days,
        ):
            continue
        starts = "started" if p.start_date <= today else "starts"
        notices.append(
            FlagCondition(
                key=f"{Flag.Kind.PARENTAL_NOTICE_MISSING}:placement={p.id}",
                message=(
                    f"{p.pupil_name}'s placement at {p.provider_name} under an off-site direction {starts} "
                    f"on {long_date(p.start_date)}, and no written notice to the parents"
                    + (" and the local authority (EHC plan)" if p.sen_status == "ehcp" else "")
                    + " is recorded."
                ),
                school_id=p.school_id,
                pupil_id=p.pupil_id,
                placement_id=p.id,
                provider_id=p.provider_id,
                subject_date=p.start_date,
                details={"start_date": p.start_date.isoformat(), "notice_school_days": notice_days},
            )
        )

    untold = running.filter(
        provider__registration_status=Provider.RegistrationStatus.UNREGISTERED, la_notified_on__isnull=True
    ).order_by("id")
    la = []
    for p in placement_rows(untold, slots=False):
        started = p.start_date <= today
        la.append(
            FlagCondition(
                key=f"{Flag.Kind.LA_NOTIFICATION_MISSING}:placement={p.id}",
                message=(
                    f"The local authority has not been told about {p.pupil_name}'s placement at "
                    f"{p.provider_name}, an unregistered provider, which "
                    + ("started" if started else "starts")
                    + f" on {long_date(p.start_date)}."
                ),
                severity=rules.la_notification_severity(start=p.start_date, today=today),
                school_id=p.school_id,
                pupil_id=p.pupil_id,
                placement_id=p.id,
                provider_id=p.provider_id,
                subject_date=p.start_date,
                details={"start_date": p.start_date.isoformat(), "started": started},
            )
        )
    return flags_sync_kinds(
        {Flag.Kind.PARENTAL_NOTICE_MISSING: notices, Flag.Kind.LA_NOTIFICATION_MISSING: la},
        now=now,
        within=within,
        open_flags=pupil_open_flags(
            scope, (Flag.Kind.PARENTAL_NOTICE_MISSING, Flag.Kind.LA_NOTIFICATION_MISSING)
        ),
    )
