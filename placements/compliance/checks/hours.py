"""Unregistered-provider hours and days (G §3f, para 399; Education Act 1996 s.463)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import BooleanField, ExpressionWrapper, Value

from apdash import thresholds
from apdash.checks import CheckResult, Scope
from placements.compliance.checks.common import local_time
from placements.compliance.checks.scope import provider_open_flags, providers_q, pupil_open_flags, pupils_q
from placements.compliance.models import Flag
from placements.compliance.services import FlagCondition, flags_sync, flags_sync_kinds
from placements.core import rules as core_rules
from placements.core import selectors as core_selectors
from placements.core.models import Placement
from providers.models import Provider


def _rows(placements, *, today):
    """The registration test's rows (the provider page reads the same), by (pupil, provider)."""
    placements = list(placements)
    timetables = core_selectors.timetables_of([p.pk for p in placements])
    return {
        (row.pupil.pk, row.provider_id): row
        for row in core_selectors.registration_test_rows(placements, today=today, timetables=timetables)
    }


HOURS_FIELDS = (
    "pupil_id",
    "provider_id",
    "start_date",
    "end_date",
    "provider_has_main_responsibility",
    "pupil__first_name",
    "pupil__last_name",
    "pupil__school_id",
    "pupil__date_of_birth",
    "pupil__looked_after",
    "pupil__sen_status",
    "provider__name",
)


def _within(q):
    """A scope's filter as a yes/no column: None (the rule does not run) is no, Q() is yes."""
    if q is None or not q:
        return Value(q is not None)
    return ExpressionWrapper(q, output_field=BooleanField())


def run_hours(now: datetime, scope: Scope | None = None) -> list[CheckResult]:
    """Every day a pupil's placements at an unregistered provider run, today or later, against the
    limits (a placement that will breach them is flagged before it starts, dated from the first
    day of the breach); and each provider's full-time pupils across all schools today (for a
    scope, at the providers it touches, over all their pupils)."""
    today = local_time(now).date()
    limits = thresholds.hours_limits()
    test = thresholds.registration_test()
    pupil_within, provider_within = pupils_q(scope), providers_q(scope)
    placements = (
        Placement.objects.running_on_or_after(today)
        .filter(provider__registration_status=Provider.RegistrationStatus.UNREGISTERED)
        .select_related("pupil", "provider")
        # What the rules and the wording read: a placement's free text is long, and each field
        # is work per row.
        .only(*HOURS_FIELDS)
        .order_by("start_date", "id")
    )
    # One read for both rules: the placements of the scope's pupils and those at its providers,
    # each marked with the rules it is in (a mark depends on the pupil or the provider only, so
    # it holds for a whole row of one pupil at one provider).
    wanted = [q for q in (pupil_within, provider_within) if q is not None]
    if len(wanted) == 2 and all(wanted):
        # Each side through its own index: an OR of the two in one WHERE scans every placement.
        ids = [Placement.objects.filter(q).order_by().values("pk") for q in wanted]
        placements = placements.filter(pk__in=ids[0].union(ids[1]))
    elif all(wanted):
        placements = placements.filter(*wanted)
    rows = _rows(
        placements.annotate(for_pupils=_within(pupil_within), for_providers=_within(provider_within)),
        today=today,
    )
    pupil_rows = {key: row for key, row in rows.items() if row.placements[0].for_pupils}
    provider_rows = {key: row for key, row in rows.items() if row.placements[0].for_providers}

    breaches, near = [], []
    for (pupil_id, provider_id), row in pupil_rows.items():
        pupil, provider, verdict = row.pupil, row.placements[0].provider, row.verdict
        found = verdict.breach or verdict.near_limit
        if found is None:
            continue
        details = {
            "weekly_hours": found.assessment.weekly_hours,
            "days": found.assessment.days,
            "limits_breached": list(found.assessment.limits_breached),
            "full_time_hours": limits.full_time_hours,
            "max_days": limits.max_days,
            "from": found.period.start.isoformat(),
        }
        common = {
            "school_id": pupil.school_id,
            "pupil_id": pupil_id,
            "provider_id": provider_id,
            # The first placement in the breach, so the flag links to the arrangement to change.
            "placement_id": found.period.arrangements[0].id,
            "details": details,
        }
        if verdict.breach:
            breaches.append(
                FlagCondition(
                    key=f"{Flag.Kind.HOURS_BREACH_PUPIL}:pupil={pupil_id}:provider={provider_id}",
                    message=f"{pupil.full_name} at {provider}. {verdict.message()}",
                    subject_date=verdict.breach_began,
                    **common,
                )
            )
        else:
            near.append(
                FlagCondition(
                    key=f"{Flag.Kind.HOURS_NEAR_LIMIT}:pupil={pupil_id}:provider={provider_id}",
                    message=f"{pupil.full_name} at {provider}. {verdict.message()}",
                    subject_date=max(found.period.start, today),
                    **common,
                )
            )

    provider_pupils, providers = defaultdict(list), {}
    for (_, provider_id), row in provider_rows.items():
        providers[provider_id] = row.placements[0].provider
        provider_pupils[provider_id].append(row.standing)

    provider_breaches = []
    for provider_id, pupils in provider_pupils.items():
        breach, full_time, with_needs = core_rules.provider_registration_breach(
            pupils, full_time_hours=limits.full_time_hours, pupil_count=test.pupil_count, needs=test.needs
        )
        if not breach:
            continue
        breached = []
        if full_time >= test.pupil_count:
            breached.append("pupil_count")
        if with_needs:
            breached.append("needs")
        provider = providers[provider_id]
        # Across all schools, so the words give counts only: each school sees its own pupils' flags.
        message = (
            f"{provider} is unregistered but gives full-time education (more than "
            f"{limits.full_time_hours:g} hours a week) to {full_time} pupil{'s' if full_time != 1 else ''} "
            f"of compulsory school age across all schools"
            + (f", {with_needs} of them {core_rules.describe_needs(test.needs)}" if with_needs else "")
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
                    "pupil_count": test.pupil_count,
                },
            )
        )
    results = []
    if pupil_within is not None:
        results += flags_sync_kinds(
            {Flag.Kind.HOURS_BREACH_PUPIL: breaches, Flag.Kind.HOURS_NEAR_LIMIT: near},
            now=now,
            within=pupil_within,
            open_flags=pupil_open_flags(scope, (Flag.Kind.HOURS_BREACH_PUPIL, Flag.Kind.HOURS_NEAR_LIMIT)),
        )
    if provider_within is not None:
        results.append(
            flags_sync(
                Flag.Kind.HOURS_BREACH_PROVIDER,
                provider_breaches,
                now=now,
                within=provider_within,
                open_flags=provider_open_flags(scope, (Flag.Kind.HOURS_BREACH_PROVIDER,)),
            )
        )
    return results
