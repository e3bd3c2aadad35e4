"""Safeguarding writes. Each runs in one transaction with its `AuditEvent` (the Zulip pattern);
DSL emails go out only once the transaction commits, and carry no concern text."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apdash.checks import Scope, recheck
from apdash.models import Membership, Role
from apdash.services import audit_record

from . import selectors
from .models import Concern, ConcernEntry, Induction, RiskAssessment, SafeguardingTransfer

# Entries a DSL writes by hand; acknowledgement and closure entries come from their own services.
MANUAL_KINDS = (
    ConcernEntry.Kind.NOTE,
    ConcernEntry.Kind.ACTION,
    ConcernEntry.Kind.REFERRAL,
    ConcernEntry.Kind.DECISION,
    ConcernEntry.Kind.CORRECTION,
)


def concern_dsl_emails(concern: Concern) -> list[str]:
    """The pupil's school DSL(s), and the partnership DSL(s) for a partnership-commissioned placement."""
    school = concern.pupil.school
    emails = {school.dsl_email} if school.dsl_email else set()
    members = Membership.objects.filter(role=Role.DSL, school=school)
    partnership = school.partnership
    if partnership and concern.placement_id and concern.placement.commissioned_by == "partnership":
        if partnership.dsl_email:
            emails.add(partnership.dsl_email)
        members = members | Membership.objects.filter(role=Role.DSL, partnership=partnership)
    emails |= set(members.values_list("user__email", flat=True))
    return sorted(emails)


def _notify_dsls(concern: Concern) -> None:
    recipients = concern_dsl_emails(concern)
    if not recipients:
        return
    urgent = concern.urgency == Concern.Urgency.URGENT
    link = reverse("safeguarding:concern_detail", args=[concern.pk])
    # Email is not a safe place for the concern itself: who, where and a link only.
    send_mail(
        subject=f"{'URGENT: ' if urgent else ''}New safeguarding concern at {concern.pupil.school.name}",
        message=(
            f"{'An urgent' if urgent else 'A'} safeguarding concern has been raised about a pupil at "
            f"{concern.pupil.school.name} by {concern.raised_by}.\n\n"
            f"Sign in to read and acknowledge it: {link}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )


@transaction.atomic
def concern_raise(
    *,
    actor,
    pupil,
    category: str,
    description: str,
    occurred_at,
    urgency: str,
    placement=None,
    location: str = "",
    immediate_action: str = "",
    ip=None,
) -> Concern:
    if not selectors.raisable_pupils(actor).filter(pk=pupil.pk).exists():
        raise PermissionDenied("You cannot raise a concern about this pupil.")
    if (
        placement is not None
        and not selectors.raisable_placements(actor, pupil).filter(pk=placement.pk).exists()
    ):
        raise ValidationError({"placement": "Choose one of this pupil's settings."})
    if occurred_at and occurred_at > timezone.now():
        raise ValidationError({"occurred_at": "When it happened must be in the past."})
    concern = Concern(
        pupil=pupil,
        placement=placement,
        category=category,
        description=(description or "").strip(),
        occurred_at=occurred_at,
        location=location,
        immediate_action=immediate_action,
        urgency=urgency,
        raised_by=actor,
        raised_at=timezone.now(),
    )
    concern.full_clean()
    concern.save()
    audit_concern_raised(actor=actor, concern=concern, ip=ip)
    transaction.on_commit(lambda: _notify_dsls(concern))
    recheck(Scope.pupil(pupil.pk))
    return concern


def _require_dsl(actor, concern: Concern) -> Concern:
    """The concern, locked, if the actor is one of its DSLs."""
    if not selectors.dsl_concerns(actor).filter(pk=concern.pk).exists():
        raise PermissionDenied("Only the pupil's DSL can do this.")
    return Concern.objects.select_for_update().get(pk=concern.pk)


def audit_concern_raised(*, actor, concern: Concern, ip=None) -> None:
    """The audit event of a concern raised (whoever writes it: the page, the API, the demo)."""
    audit_record(
        actor=actor,
        action="concern.raised",
        object_type="Concern",
        object_id=concern.pk,
        details={"pupil": concern.pupil_id, "urgency": concern.urgency},
        ip=ip,
    )


def audit_concern_entry(*, actor, entry: ConcernEntry, ip=None) -> None:
    """The audit event of an entry added to a concern's chronology."""
    audit_record(
        actor=actor,
        action=f"concern.{entry.kind}",
        object_type="Concern",
        object_id=entry.concern_id,
        details={"entry": entry.pk},
        ip=ip,
    )


def _entry(*, actor, concern, kind, text, ip, **fields) -> ConcernEntry:
    entry = ConcernEntry(concern=concern, author=actor, kind=kind, text=(text or "").strip(), **fields)
    entry.full_clean()
    entry.save(force_insert=True)
    audit_concern_entry(actor=actor, entry=entry, ip=ip)
    return entry


def _acknowledge(actor, concern: Concern, ip) -> None:
    concern.status = Concern.Status.ACKNOWLEDGED
    concern.acknowledged_at = timezone.now()
    concern.acknowledged_by = actor
    concern.full_clean()
    concern.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    recheck(Scope.pupil(concern.pupil_id))
    _entry(
        actor=actor,
        concern=concern,
        kind=ConcernEntry.Kind.ACKNOWLEDGEMENT,
        text=f"Acknowledged by {actor}.",
        ip=ip,
    )


@transaction.atomic
def concern_acknowledge(*, actor, concern: Concern, ip=None) -> Concern:
    concern = _require_dsl(actor, concern)
    if concern.status == Concern.Status.NEW:
        _acknowledge(actor, concern, ip)
    return concern


@transaction.atomic
def concern_entry_add(
    *,
    actor,
    concern: Concern,
    kind: str,
    text: str,
    referral_to: str = "",
    decision: str = "",
    corrects: ConcernEntry | None = None,
    ip=None,
) -> ConcernEntry:
    """Add to the chronology. A DSL writing about a new concern has seen it, so this acknowledges it."""
    concern = _require_dsl(actor, concern)
    if kind not in MANUAL_KINDS:
        raise ValidationError({"kind": "Choose a note, action, referral, decision or correction."})
    if concern.status == Concern.Status.CLOSED and kind != ConcernEntry.Kind.CORRECTION:
        raise ValidationError("This concern is closed. You can still add a correction to its record.")
    if kind == ConcernEntry.Kind.CORRECTION and (corrects is None or corrects.concern_id != concern.pk):
        raise ValidationError({"corrects": "Choose the entry on this concern that you are correcting."})
    if concern.status == Concern.Status.NEW:
        _acknowledge(actor, concern, ip)
    return _entry(
        actor=actor,
        concern=concern,
        kind=kind,
        text=text,
        ip=ip,
        referral_to=referral_to if kind == ConcernEntry.Kind.REFERRAL else "",
        decision=decision if kind == ConcernEntry.Kind.DECISION else "",
        corrects=corrects if kind == ConcernEntry.Kind.CORRECTION else None,
    )


@transaction.atomic
def concern_close(*, actor, concern: Concern, outcome: str, ip=None) -> Concern:
    concern = _require_dsl(actor, concern)
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": "Enter the outcome: why this concern can be closed."})
    if concern.status == Concern.Status.CLOSED:
        raise ValidationError("This concern is already closed.")
    if concern.status == Concern.Status.NEW:
        _acknowledge(actor, concern, ip)
    concern.status = Concern.Status.CLOSED
    concern.closed_at = timezone.now()
    concern.outcome = outcome
    concern.full_clean()
    concern.save(update_fields=["status", "closed_at", "outcome"])
    _entry(actor=actor, concern=concern, kind=ConcernEntry.Kind.CLOSURE, text=outcome, ip=ip)
    return concern


def concern_reads_record(*, actor, concerns, action: str = "concern.viewed", ip=None, details=None) -> None:
    """Record that `actor` read these concerns: one event per concern opened, one for a list
    (each `audit_record` is atomic on its own; several together share one transaction)."""
    concerns = list(concerns)
    if action == "concern.list_viewed":
        if concerns:
            audit_record(
                actor=actor,
                action=action,
                object_type="Concern",
                object_id="list",
                details={"concern_ids": [c.pk for c in concerns], **(details or {})},
                ip=ip,
            )
        return
    with transaction.atomic():
        for concern in concerns:
            audit_record(
                actor=actor,
                action=action,
                object_type="Concern",
                object_id=concern.pk,
                details=details,
                ip=ip,
            )


@transaction.atomic
def risk_assessment_record(
    *,
    actor,
    placement,
    journey: str,
    at_setting: str,
    hazards: str,
    controls: str,
    review_date,
    approve: bool = False,
    ip=None,
) -> RiskAssessment:
    if not selectors.may_manage_risk_assessments(actor):
        raise PermissionDenied("Only school staff can record a risk assessment.")
    now = timezone.now()
    if review_date and review_date < timezone.localdate(now):
        raise ValidationError({"review_date": "The review date must be today or later."})
    assessment = RiskAssessment(
        placement=placement,
        journey=journey,
        at_setting=at_setting,
        hazards=hazards,
        controls=controls,
        review_date=review_date,
        created_by=actor,
        created_at=now,
        approved_by=actor if approve else None,
        approved_at=now if approve else None,
    )
    assessment.full_clean()
    assessment.save()
    audit_record(
        actor=actor,
        action="risk_assessment.recorded",
        object_type="RiskAssessment",
        object_id=assessment.pk,
        details={"placement": placement.pk, "approved": approve},
        ip=ip,
    )
    recheck(Scope.pupil(placement.pupil_id))
    return assessment


@transaction.atomic
def risk_assessment_approve(*, actor, assessment: RiskAssessment, ip=None) -> RiskAssessment:
    if not selectors.may_manage_risk_assessments(actor):
        raise PermissionDenied("Only school staff can approve a risk assessment.")
    if assessment.approved_at is None:
        assessment.approved_by = actor
        assessment.approved_at = timezone.now()
        assessment.save(update_fields=["approved_by", "approved_at"])
        audit_record(
            actor=actor,
            action="risk_assessment.approved",
            object_type="RiskAssessment",
            object_id=assessment.pk,
            ip=ip,
        )
        recheck(Scope.pupil(assessment.placement.pupil_id))
    return assessment


@transaction.atomic
def induction_record(
    *,
    actor,
    placement,
    date,
    told_who_dsl_is: bool,
    told_what_to_do_if_unsafe: bool,
    provider_dsl_name: str,
    ip=None,
) -> Induction:
    problems = {}
    if not told_who_dsl_is:
        problems["told_who_dsl_is"] = "Record the induction once the pupil has been told who the DSL is."
    if not told_what_to_do_if_unsafe:
        problems["told_what_to_do_if_unsafe"] = (
            "Record the induction once the pupil has been told what to do if they feel unsafe."
        )
    if date and date < placement.start_date:
        problems["date"] = "The induction date cannot be before the placement starts."
    if date and date > timezone.localdate():
        problems["date"] = "The induction date cannot be in the future."
    if problems:
        raise ValidationError(problems)
    induction = Induction(
        placement=placement,
        date=date,
        told_who_dsl_is=told_who_dsl_is,
        told_what_to_do_if_unsafe=told_what_to_do_if_unsafe,
        provider_dsl_name=(provider_dsl_name or "").strip(),
        recorded_by=actor,
    )
    induction.full_clean()
    induction.save()
    audit_record(
        actor=actor,
        action="induction.recorded",
        object_type="Induction",
        object_id=induction.pk,
        details={"placement": placement.pk},
        ip=ip,
    )
    recheck(Scope.pupil(placement.pupil_id))
    return induction


@transaction.atomic
def safeguarding_transfer_record(
    *, actor, pupil, sent_on, sent_to: str, method: str, ip=None
) -> SafeguardingTransfer:
    """A DSL records that the pupil's safeguarding file was sent to the new school (KCSIE): the
    `safeguarding_transfer_due` flag clears as the record arrives. Only a DSL of the pupil may."""
    if not selectors.dsl_concerns(actor).filter(pupil=pupil).exists():
        raise PermissionDenied("Only the pupil's DSL can record the transfer of their safeguarding file.")
    transfer = SafeguardingTransfer(
        pupil=pupil,
        sent_on=sent_on,
        sent_to=(sent_to or "").strip(),
        method=(method or "").strip(),
        sent_by=actor,
    )
    transfer.full_clean()
    transfer.save()
    audit_record(
        actor=actor,
        action="safeguarding.file_transferred",
        object_type="Pupil",
        object_id=pupil.pk,
        details={"sent_on": sent_on.isoformat(), "sent_to": transfer.sent_to, "method": transfer.method},
        ip=ip,
    )
    recheck(Scope.pupil(pupil.pk))
    return transfer
