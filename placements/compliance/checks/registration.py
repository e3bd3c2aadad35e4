"""Providers' registration against DfE's register of establishments (GIAS; para 399, 402)."""

from __future__ import annotations

from datetime import datetime

from apdash.checks import CheckResult, Scope
from placements.compliance.checks.common import local_time, long_date
from placements.compliance.checks.scope import provider_open_flags, providers_q
from placements.compliance.models import Flag
from placements.compliance.services import FlagCondition, flags_sync_kinds
from placements.core.models import Placement
from providers import rules as provider_rules
from providers.models import Establishment, GiasImport, Provider


def run_registration(now: datetime, scope: Scope | None = None) -> list[CheckResult]:
    """Against the latest GIAS import: a provider whose establishment is Closed while it has
    active or future placements (red `registration_lapsed`), and a provider whose URN the import
    does not list (amber `registration_unverified`). No import yet: nothing to check against."""
    # A provider-wide rule: run once per provider (the `providers` shard), not per partnership.
    within = providers_q(scope, "id")
    if within is None:
        return []
    flags_within = providers_q(scope)
    today = local_time(now).date()
    lapsed: list[FlagCondition] = []
    unverified: list[FlagCondition] = []
    latest = GiasImport.objects.order_by("-extract_date", "-id").first()
    if latest is not None:
        providers = list(Provider.objects.filter(within).exclude(urn="").order_by("id"))
        listed = {
            e.urn: e
            for e in Establishment.objects.filter(
                last_import=latest, urn__in={p.urn.strip() for p in providers}
            )
        }
        in_use = set(
            Placement.objects.running_on_or_after(today)
            .filter(provider_id__in=[p.id for p in providers])
            .values_list("provider_id", flat=True)
            .distinct()
        )
        checked = long_date(latest.extract_date)
        for provider in providers:
            urn = provider.urn.strip()
            establishment = listed.get(urn)
            if establishment is None:
                unverified.append(
                    FlagCondition(
                        key=f"{Flag.Kind.REGISTRATION_UNVERIFIED}:provider={provider.id}:urn={urn}",
                        message=f"{provider}: URN {urn} is not in the GIAS extract of {checked}.",
                        provider_id=provider.id,
                        subject_date=latest.extract_date,
                        details={"urn": urn, "extract_date": latest.extract_date.isoformat()},
                    )
                )
            elif provider.id in in_use and provider_rules.gias_closed(establishment.status):
                closed = f" on {long_date(establishment.closed_on)}" if establishment.closed_on else ""
                lapsed.append(
                    FlagCondition(
                        key=f"{Flag.Kind.REGISTRATION_LAPSED}:provider={provider.id}:urn={urn}",
                        message=(
                            f"{provider}: GIAS lists {establishment.name} (URN {urn}) as closed{closed}, "
                            f"and pupils are placed there (extract of {checked})."
                        ),
                        provider_id=provider.id,
                        subject_date=establishment.closed_on or latest.extract_date,
                        details={
                            "urn": urn,
                            "gias_status": establishment.status,
                            "closed_on": establishment.closed_on.isoformat()
                            if establishment.closed_on
                            else None,
                            "extract_date": latest.extract_date.isoformat(),
                        },
                    )
                )
    return flags_sync_kinds(
        {Flag.Kind.REGISTRATION_LAPSED: lapsed, Flag.Kind.REGISTRATION_UNVERIFIED: unverified},
        now=now,
        within=flags_within,
        open_flags=provider_open_flags(
            scope, (Flag.Kind.REGISTRATION_LAPSED, Flag.Kind.REGISTRATION_UNVERIFIED)
        ),
    )
