"""Writes for provider audits and quality-assurance visits (G §3b–e)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from apdash.selectors import partnership_ids_in_view, user_scope
from apdash.services import audit_record

from .models import Provider, ProviderAudit, QAVisit

# Registration status drives the legal flags (para 399): a change to these is audited with its evidence.
REGISTRATION_FIELDS = ("registration_status", "urn", "ukprn")


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def provider_audit_record(*, actor=None, provider, **fields) -> ProviderAudit:
    """Record the provider's annual directory audit (G §3a–c)."""
    audit = ProviderAudit(provider=provider, recorded_by=_user(actor), **fields)
    audit.full_clean()
    audit.save()
    return audit


@transaction.atomic
def qa_visit_record(*, actor=None, provider, school=None, partnership=None, **fields) -> QAVisit:
    """Record a QA visit. With a partnership, its report is shared with every school of it (G §3e)."""
    visit = QAVisit(
        provider=provider, school=school, partnership=partnership, recorded_by=_user(actor), **fields
    )
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def provider_create(*, actor=None, **fields) -> Provider:
    """Add a provider to the register, remembering the partnership that added it."""
    provider = Provider(**fields)
    if provider.added_by_partnership_id is None and not user_scope(actor).everything:
        # The creator's partnership (the lowest id if they belong to several).
        provider.added_by_partnership_id = min(partnership_ids_in_view(actor), default=None)
    provider.full_clean()
    provider.save()
    return provider


@transaction.atomic
def provider_update(*, actor=None, provider: Provider, **fields) -> Provider:
    """Change a provider's details. A change of registration status, URN or UKPRN needs the
    evidence (what was checked, `registration_check_notes`) and is audited with it."""
    # Compared with the stored row, so the admin (which sets the fields first) is audited too.
    before = Provider.objects.filter(pk=provider.pk).values(*REGISTRATION_FIELDS).get()
    for name, value in fields.items():
        setattr(provider, name, value)
    changes = {
        name: [before[name], getattr(provider, name)]
        for name in REGISTRATION_FIELDS
        if before[name] != getattr(provider, name)
    }
    if changes and not (provider.registration_check_notes or "").strip():
        raise ValidationError(
            {
                "registration_check_notes": (
                    "Say what you checked (for example the GIAS record) when you change the registration "
                    "status, URN or UKPRN."
                )
            }
        )
    provider.full_clean()
    provider.save()
    if changes:
        audit_record(
            actor=actor,
            action="provider_registration_changed",
            object_type="provider",
            object_id=provider.pk,
            details={
                "changes": changes,
                "evidence": provider.registration_check_notes,
                "checked_on": provider.registration_checked_on.isoformat()
                if provider.registration_checked_on
                else None,
            },
        )
    return provider
