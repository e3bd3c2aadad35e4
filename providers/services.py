"""Writes for provider audits and quality-assurance visits (G §3b–e)."""

from __future__ import annotations

from django.db import transaction

from apdash.checks import Scope, recheck
from apdash.services import audit_write, model_update

from .models import Provider, ProviderAudit, QAVisit


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def provider_save(*, actor=None, provider: Provider | None = None, **fields) -> Provider:
    """Add a provider to the register, or change one. Its registration status decides whether the
    hours limits apply, so the checks of its pupils run again."""
    provider = provider or Provider()
    model_update(provider, fields)
    audit_write(actor, "provider.saved", provider, fields)
    recheck(Scope.provider(provider.pk))
    return provider


@transaction.atomic
def provider_audit_record(*, actor=None, provider, **fields) -> ProviderAudit:
    """Record the provider's annual directory audit (G §3a–c)."""
    audit = ProviderAudit(provider=provider, recorded_by=_user(actor), **fields)
    audit.full_clean()
    audit.save()
    audit_write(actor, "provider_audit.recorded", audit, fields)
    recheck(Scope.provider(provider.pk))
    return audit


@transaction.atomic
def qa_visit_record(*, actor=None, provider, school=None, partnership=None, **fields) -> QAVisit:
    """Record a QA visit. With a partnership, its report is shared with every school of it (G §3e)."""
    visit = QAVisit(
        provider=provider, school=school, partnership=partnership, recorded_by=_user(actor), **fields
    )
    visit.full_clean()
    visit.save()
    audit_write(actor, "qa_visit.recorded", visit, fields)
    return visit
