"""Writes for the core app: memberships, the append-only audit trail (`audit_write` for every
service's writes outside safeguarding too) and `model_update`, the one set/validate/save step."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from .checks import Scope, recheck
from .models import AuditAnchor, AuditEvent, Closure, Membership, Partnership, Role, User

# One advisory lock serialises appends so the hash chain has a single head.
AUDIT_CHAIN_LOCK = 7_426_010


@transaction.atomic
def audit_record(*, actor, action: str, object_type: str, object_id, details: dict | None = None, ip=None):
    """Append one event to the hash chain, in the caller's transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK])
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    event = AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=details or {},
        ip_address=ip,
        created_at=timezone.now(),
        prev_hash=last or "",
    )
    event.hash = event.compute_hash()
    event.save(force_insert=True)
    _anchor_move(event)
    return event


def audit_write(actor, action: str, obj, fields=(), **details):
    """Record who wrote what, in the writing service's transaction: `action` like
    "placement.updated", the object, and the names (never the values) of the fields written."""
    return audit_record(
        actor=actor,
        action=action,
        object_type=type(obj).__name__,
        object_id=obj.pk,
        details={**({"fields": sorted(fields)} if fields else {}), **details},
    )


def model_update(instance, fields: dict, *, exclude_from_clean=None):
    """The one set-validate-save step of every service: set the fields, `full_clean()` (field
    validators and check constraints: bad input is a ValidationError, never a database error),
    save. Returns the instance."""
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean(exclude=exclude_from_clean)
    instance.save()
    return instance


def _anchor_move(event: AuditEvent) -> None:
    """Move the anchor on to `event` in one statement (the first anchor counts what is there)."""
    table, events = AuditAnchor._meta.db_table, AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, length, last_event_id, last_hash, updated_at) "
            f"VALUES (1, (SELECT COUNT(*) FROM {events} WHERE id <= %s), %s, %s, %s) "
            "ON CONFLICT (id) DO UPDATE SET "
            f"length = {table}.length + 1, last_event_id = excluded.last_event_id, "
            "last_hash = excluded.last_hash, updated_at = excluded.updated_at",
            [event.id, event.id, event.hash, timezone.now()],
        )


def audit_chain_shortfall() -> str | None:
    """Why the chain is shorter than its anchor (its tail removed), or None."""
    anchor = AuditAnchor.objects.filter(pk=1).first()
    if anchor is None:
        return None
    length = AuditEvent.objects.count()
    if length < anchor.length:
        return f"the chain has {length} events but was anchored at {anchor.length}"
    if (
        anchor.last_event_id
        and not AuditEvent.objects.filter(id=anchor.last_event_id, hash=anchor.last_hash).exists()
    ):
        return f"event #{anchor.last_event_id}, the anchored head of the chain, is missing or changed"
    return None


def audit_chain_first_break() -> AuditEvent | None:
    """The first event whose stored hash or link does not match its content, or None."""
    previous = ""
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != previous or event.compute_hash() != event.hash:
            return event
        previous = event.hash
    return None


@transaction.atomic
def membership_add(*, email: str, role: str, school=None, partnership=None, provider=None, password=None):
    """Give a user (created if new) a role at one organisation; idempotent."""
    if role not in Role.values:
        raise ValueError(f"Unknown role “{role}”. Choose one of: {', '.join(Role.values)}.")
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password)
    elif password:
        user.set_password(password)
        user.save(update_fields=["password"])
    if role == Role.SUPERUSER and not user.is_superuser:
        user.is_superuser = user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    membership, _ = Membership.objects.get_or_create(
        user=user, role=role, school=school, partnership=partnership, provider=provider
    )
    membership.full_clean()
    return membership


# --- The school calendar: half terms and closures ---------------------------------------------


def _calendar_rechecks(partnership_ids) -> None:
    """A calendar change moves which days are school days and where half terms end, so visits,
    reviews and attendance are judged again at once for every pupil it can reach: the named
    partnerships' pupils (None: the schools in no partnership)."""
    scopes = [Scope.partnership(id) for id in sorted(id for id in partnership_ids if id is not None)]
    recheck(*scopes, *([Scope.no_partnership()] if None in partnership_ids else []))


def _calendar_reach(record) -> set:
    """The partnerships whose calendar a half term or closure is part of. England's usual half
    terms (no partnership) reach every partnership, and the schools in none."""
    if isinstance(record, Closure) and record.school_id is not None:
        return {record.school.partnership_id}
    if record.partnership_id is not None:
        return {record.partnership_id}
    return {*Partnership.objects.values_list("id", flat=True), None}


@transaction.atomic
def calendar_save(*, actor, model, instance=None, fields: dict):
    """Add (instance None) or change a half term or a closure, audited; the pupils it reaches are
    re-checked on commit (before and after a change: a closure moved to another school reaches
    both)."""
    before = _calendar_reach(instance) if instance is not None else set()
    record = model_update(instance if instance is not None else model(), fields)
    action = f"{model.__name__.lower()}.{'updated' if instance is not None else 'created'}"
    audit_write(actor, action, record, fields=fields)
    _calendar_rechecks(before | _calendar_reach(record))
    return record


@transaction.atomic
def closure_delete(*, actor, closure) -> None:
    """Remove a wrongly entered closure day; the audit keeps what it was."""
    reach = _calendar_reach(closure)
    audit_write(actor, "closure.deleted", closure, date=closure.date.isoformat(), reason=closure.reason)
    closure.delete()
    _calendar_rechecks(reach)
