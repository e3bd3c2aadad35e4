"""Writes for provider audits and quality-assurance visits (G §3b–e)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from apdash.checks import Scope, recheck
from apdash.models import School
from apdash.selectors import user_scope
from apdash.services import audit_record, audit_write, model_update

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
    return visit


@transaction.atomic
def provider_create(*, actor=None, **fields) -> Provider:
    """Add a provider to the register, remembering the partnership that added it."""
    provider = Provider(**fields)
    scope = user_scope(actor)
    if provider.added_by_partnership_id is None and len(scope.partnership_ids) == 1:
        provider.added_by_partnership_id = next(iter(scope.partnership_ids))
    elif provider.added_by_partnership_id is None and scope.school_ids and not scope.everything:
        provider.added_by_partnership_id = (
            School.objects.filter(id__in=scope.school_ids, partnership__isnull=False)
            .values_list("partnership_id", flat=True)
            .first()
        )
    model_update(provider, {})
    audit_write(actor, "provider.created", provider, fields)
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
    model_update(provider, {})
    audit_write(actor, "provider.updated", provider, fields)
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
    # Its registration status decides whether the hours limits apply: its pupils' checks run again.
    recheck(Scope.provider(provider.pk))
    return provider
