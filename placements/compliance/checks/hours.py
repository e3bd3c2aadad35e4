"""Unregistered-provider hours and days (G §3f, para 399; Education Act 1996 s.463)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.conf import settings

from apdash.checks import CheckResult
from placements.compliance.checks.common import local_time, rule_slots
from placements.compliance.models import Flag
from placements.compliance.services import FlagCondition, flags_sync
from placements.core import rules as core_rules
from placements.core.models import Placement
from placements.core.services import hours_limits
from providers.models import Provider


def run_hours(now: datetime) -> list[CheckResult]:
    today = local_time(now).date()
    limits = hours_limits()
    placements = (
        Placement.objects.active_on(today)
        .filter(provider__registration_status=Provider.RegistrationStatus.UNREGISTERED)
        .select_related("pupil", "provider")
        .prefetch_related("timetable")
        .order_by("id")
    )
    by_pupil_provider = defaultdict(list)
    for placement in placements:
        by_pupil_provider[(placement.pupil_id, placement.provider_id)].append(placement)

    breaches, near, provider_pupils, providers = [], [], defaultdict(list), {}
    for (pupil_id, provider_id), group in by_pupil_provider.items():
        pupil, provider = group[0].pupil, group[0].provider
        providers[provider_id] = provider
        assessment = core_rules.pupil_hours_assessment(
            [slot for placement in group for slot in rule_slots(placement)],
            provider_registered=False,
            main_responsibility=any(p.provider_has_main_responsibility for p in group),
            limits=limits,
        )
        provider_pupils[provider_id].append(
            core_rules.ProviderPupil(
                weekly_hours=assessment.weekly_hours,
                year_group=pupil.year_group,
                looked_after=pupil.looked_after,
                sen_status=pupil.sen_status,
            )
        )
        details = {
            "weekly_hours": assessment.weekly_hours,
            "days": assessment.days,
            "limits_breached": list(assessment.limits_breached),
            "full_time_hours": limits.full_time_hours,
            "max_days": limits.max_days,
        }
        common = {
            "school_id": pupil.school_id,
            "pupil_id": pupil_id,
            "provider_id": provider_id,
            # The earliest placement there, so the flag links to the arrangement to change.
            "placement_id": group[0].id,
            "subject_date": today,
            "details": details,
        }
        if assessment.is_breach:
            breaches.append(
                FlagCondition(
                    key=f"{Flag.Kind.HOURS_BREACH_PUPIL}:pupil={pupil_id}:provider={provider_id}",
                    message=f"{pupil.full_name} at {provider}. "
                    + core_rules.describe_hours_breach(assessment, limits),
                    **common,
                )
            )
        elif assessment.near_limit:
            near.append(
                FlagCondition(
                    key=f"{Flag.Kind.HOURS_NEAR_LIMIT}:pupil={pupil_id}:provider={provider_id}",
                    message=f"{pupil.full_name} has {assessment.weekly_hours:g} hours a week at {provider}, "
                    f"an unregistered provider: close to the {limits.full_time_hours:g}-hour line.",
                    **common,
                )
            )

    provider_breaches = []
    for provider_id, pupils in provider_pupils.items():
        breach, full_time, with_needs = core_rules.provider_registration_breach(
            pupils,
            full_time_hours=limits.full_time_hours,
            pupil_count=settings.APDASH_REGISTRATION_PUPIL_COUNT,
            needs=settings.APDASH_REGISTRATION_NEEDS,
        )
        if not breach:
            continue
        breached = []
        if full_time >= settings.APDASH_REGISTRATION_PUPIL_COUNT:
            breached.append("pupil_count")
        if with_needs:
            breached.append("needs")
        provider = providers[provider_id]
        # Across all schools, so the words give counts only: each school sees its own pupils' flags.
        message = (
            f"{provider} is unregistered but gives full-time education (more than "
            f"{limits.full_time_hours:g} hours a week) to {full_time} pupil{'s' if full_time != 1 else ''} "
            f"of compulsory school age across all schools"
            + (f", {with_needs} of them looked after or with an EHC plan" if with_needs else "")
            + ". It may need to register as an independent school."
        )
        provider_breaches.append(
            FlagCondition(
                key=f"{Flag.Kind.HOURS_BREACH_PROVIDER}:provider={provider_id}",
                message=message,
                provider_id=provider_id,
                subject_date=today,
                details={
                    "full_time_pupils": full_time,
                    "with_needs": with_needs,
                    "limits_breached": breached,
                    "full_time_hours": limits.full_time_hours,
                    "pupil_count": settings.APDASH_REGISTRATION_PUPIL_COUNT,
                },
            )
        )
    return [
        flags_sync(Flag.Kind.HOURS_BREACH_PUPIL, breaches, now=now),
        flags_sync(Flag.Kind.HOURS_NEAR_LIMIT, near, now=now),
        flags_sync(Flag.Kind.HOURS_BREACH_PROVIDER, provider_breaches, now=now),
    ]
