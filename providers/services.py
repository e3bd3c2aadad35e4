"""Writes for provider audits and quality-assurance visits (G §3b–e), and the import of DfE's
register of establishments (GIAS)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apdash.checks import Scope, recheck
from apdash.selectors import partnership_ids_in_view, user_scope
from apdash.services import audit_record, audit_write, model_update

from . import gias, rules
from .models import Establishment, GiasImport, Provider, ProviderAudit, QAVisit

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


@transaction.atomic
def provider_create(*, actor=None, **fields) -> Provider:
    """Add a provider to the register, remembering the partnership that added it."""
    provider = Provider(**fields)
    if provider.added_by_partnership_id is None and not user_scope(actor).everything:
        # The creator's partnership (the lowest id if they belong to several).
        provider.added_by_partnership_id = min(partnership_ids_in_view(actor), default=None)
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


# --- DfE register of establishments (GIAS) ----------------------------------------------------------


@dataclass(frozen=True)
class GiasImportResult:
    extract_date: date
    rows: int
    created: int = 0
    updated: int = 0
    providers_checked: int = 0
    providers_registered: int = 0
    providers_not_found: int = 0
    already_imported: bool = False

    def summary(self) -> str:
        when = f"{self.extract_date.day} {self.extract_date:%B %Y}"
        if self.already_imported:
            return f"This GIAS extract ({when}) is already the latest import: nothing changed."
        return (
            f"GIAS extract of {when} imported: {self.rows} establishments ({self.created} new, "
            f"{self.updated} changed). {self.providers_checked} providers with a URN checked: "
            f"{self.providers_registered} registered, {self.providers_not_found} not found."
        )


ESTABLISHMENT_FIELDS = [
    "name",
    "type_name",
    "type_group",
    "status",
    "opened_on",
    "closed_on",
    "postcode",
    "ofsted_rating",
    "ofsted_inspected_on",
]
GIAS_NOT_FOUND = "Not found"


def gias_import(*, actor=None, data: bytes, file_name: str = "", extract_date: date | None = None):
    """Import DfE's establishment extract and check every provider with a URN against it (para
    399). All or nothing: a file that is not a GIAS extract raises ValidationError and changes
    nothing; the same file again changes nothing. Registration is checked on the import's date
    (today, unless `extract_date` says otherwise)."""
    try:
        rows = gias.read_extract(data)
    except gias.GiasFileError as exc:
        raise ValidationError(str(exc), code="not_gias") from exc
    extract_date = extract_date or timezone.localdate()
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        latest = GiasImport.objects.select_for_update().order_by("-extract_date", "-id").first()
        if latest is not None:
            if latest.sha256 == digest:
                return GiasImportResult(
                    extract_date=latest.extract_date, rows=latest.rows, already_imported=True
                )
            if extract_date < latest.extract_date:
                raise ValidationError(
                    f"This extract ({extract_date:%d %B %Y}) is older than the latest import "
                    f"({latest.extract_date:%d %B %Y}). Download today's file from Get Information about "
                    "Schools.",
                    code="older",
                )
        run = GiasImport.objects.create(
            extract_date=extract_date,
            file_name=(file_name or "")[:255],
            sha256=digest,
            rows=len(rows),
            imported_by=_user(actor),
        )
        # Plain tuples, not model instances: the national extract lists about 50,000 establishments.
        existing = {
            row[0]: row[1:] for row in Establishment.objects.values_list("urn", "pk", *ESTABLISHMENT_FIELDS)
        }
        created, changed = [], []
        for row in rows:
            values = {name: getattr(row, name) for name in ESTABLISHMENT_FIELDS}
            known = existing.get(row.urn)
            if known is None:
                created.append(Establishment(urn=row.urn, last_import=run, **values))
            elif tuple(values.values()) != tuple(known[1:]):
                changed.append(Establishment(pk=known[0], urn=row.urn, **values))
        Establishment.objects.bulk_create(created, batch_size=2000)
        Establishment.objects.bulk_update(changed, ESTABLISHMENT_FIELDS, batch_size=2000)
        urns_in_file = [row.urn for row in rows if row.urn in existing]
        for start in range(0, len(urns_in_file), 5000):
            Establishment.objects.filter(urn__in=urns_in_file[start : start + 5000]).update(last_import=run)
        checked, registered, not_found = _providers_check(
            rows, extract_date, actor=actor, file_name=file_name
        )
    return GiasImportResult(
        extract_date=extract_date,
        rows=len(rows),
        created=len(created),
        updated=len(changed),
        providers_checked=checked,
        providers_registered=registered,
        providers_not_found=not_found,
    )


def _providers_check(rows, extract_date, *, actor=None, file_name="") -> tuple[int, int, int]:
    by_urn = {row.urn: row for row in rows}
    providers = list(Provider.objects.exclude(urn="").select_for_update())
    before = {p.pk: p.registration_status for p in providers}
    registered = not_found = 0
    for provider in providers:
        row = by_urn.get(provider.urn.strip())
        provider.gias_checked_on = extract_date
        if row is None:
            provider.gias_type, provider.gias_status = "", GIAS_NOT_FOUND
            not_found += 1
            continue
        provider.gias_type, provider.gias_status = row.type_name, row.status
        if rules.gias_registers_provider(
            type_name=row.type_name, type_group=row.type_group, status=row.status
        ):
            provider.registration_status = Provider.RegistrationStatus.REGISTERED
            provider.registration_checked_on = extract_date
            registered += 1
    Provider.objects.bulk_update(
        providers,
        ["gias_type", "gias_status", "gias_checked_on", "registration_status", "registration_checked_on"],
        batch_size=500,
    )
    for provider in providers:
        if provider.registration_status != before[provider.pk]:
            # A registration change is audited with its evidence (issue 13), whoever or whatever made it.
            audit_record(
                actor=actor,
                action="provider_registration_changed",
                object_type="provider",
                object_id=provider.pk,
                details={
                    "changes": {"registration_status": [before[provider.pk], provider.registration_status]},
                    "evidence": f"DfE register of establishments (GIAS) extract {file_name or ''} of "
                    f"{extract_date.isoformat()}: {provider.gias_type}, {provider.gias_status}",
                    "checked_on": extract_date.isoformat(),
                },
            )
            recheck(Scope.provider(provider.pk))
    # Every provider's DfE facts may have changed: the provider-wide rules (registration) run again.
    recheck(Scope.providers())
    return len(providers), registered, not_found
