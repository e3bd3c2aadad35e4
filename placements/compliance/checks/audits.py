"""Provider audits (G §3a–c): out of date (`audit_expired`) or in date but not current
(`audit_unsatisfactory`), both by `providers.rules`."""

from __future__ import annotations

from datetime import datetime

from apdash import thresholds
from apdash.checks import CheckResult, Scope
from placements.compliance.checks.common import local_time
from placements.compliance.checks.scope import provider_open_flags, providers_q
from placements.compliance.models import Flag
from placements.compliance.services import FlagCondition, flags_sync_kinds
from placements.core.models import Placement
from providers import rules
from providers.models import Provider, ProviderAudit


def run_audits(now: datetime, scope: Scope | None = None) -> list[CheckResult]:
    within = providers_q(scope)
    if within is None:
        return []
    today = local_time(now).date()
    in_use = Placement.objects.active_between(today, today).filter(within).values("provider_id")
    providers = Provider.objects.filter(id__in=in_use).order_by("id").only("id", "name")
    latest = {}
    for audit in ProviderAudit.objects.filter(provider_id__in=in_use).order_by(
        "provider_id", "-audited_on", "-id"
    ):
        latest.setdefault(audit.provider_id, audit)
    conditions, unsatisfactory = [], []
    for provider in providers:
        audit = latest.get(provider.id)
        problems = rules.audit_problems(
            audited_on=audit.audited_on if audit else None,
            insurance_expires_on=audit.insurance_expires_on if audit else None,
            today=today,
            max_age_days=thresholds.audit_max_age_days(),
        )
        shortfalls = (
            rules.audit_shortfalls(
                outcome=audit.outcome,
                single_central_record_checked=audit.single_central_record_checked,
                dsl_confirmed=audit.dsl_confirmed,
                safeguarding_checks_confirmed_in_writing=audit.safeguarding_checks_confirmed_in_writing,
            )
            if audit
            else []
        )
        if shortfalls:
            unsatisfactory.append(
                FlagCondition(
                    key=f"{Flag.Kind.AUDIT_UNSATISFACTORY}:provider={provider.id}:audit={audit.id}",
                    message=f"{provider}: the annual audit is not current. "
                    + " ".join(w for _, w in shortfalls),
                    provider_id=provider.id,
                    subject_date=audit.audited_on,
                    details={
                        "problems": [code for code, _ in shortfalls],
                        "audit": audit.id,
                        "audited_on": audit.audited_on.isoformat(),
                        "outcome": audit.outcome,
                    },
                )
            )
        if not problems:
            continue
        conditions.append(
            FlagCondition(
                # Keyed by the audit, so a new audit that is again out of date raises a new flag.
                key=f"{Flag.Kind.AUDIT_EXPIRED}:provider={provider.id}:audit={audit.id if audit else 'none'}",
                message=f"{provider}: " + " ".join(words for _, words in problems),
                provider_id=provider.id,
                subject_date=audit.audited_on if audit else None,
                details={
                    "problems": [code for code, _ in problems],
                    "audit": audit.id if audit else None,
                    "audited_on": audit.audited_on.isoformat() if audit else None,
                    "insurance_expires_on": audit.insurance_expires_on.isoformat()
                    if audit and audit.insurance_expires_on
                    else None,
                },
            )
        )
    return flags_sync_kinds(
        {Flag.Kind.AUDIT_EXPIRED: conditions, Flag.Kind.AUDIT_UNSATISFACTORY: unsatisfactory},
        now=now,
        within=within,
        open_flags=provider_open_flags(scope, (Flag.Kind.AUDIT_EXPIRED, Flag.Kind.AUDIT_UNSATISFACTORY)),
    )
