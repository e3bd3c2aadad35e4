"""Opening and resolving flags for a check, idempotently. A check computes the set of
conditions that hold now; `flags_sync` makes the open flags of that kind match it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apdash.checks import CheckResult
from apdash.services import audit_write
from placements.compliance.kinds import BY_CODE
from placements.compliance.models import Flag


@dataclass(frozen=True)
class FlagCondition:
    key: str
    message: str
    # Empty: the kind's usual severity from the table of kinds.
    severity: str = ""
    school_id: int | None = None
    pupil_id: int | None = None
    placement_id: int | None = None
    provider_id: int | None = None
    subject_date: date | None = None
    details: dict = field(default_factory=dict)


AUTO_RESOLUTION = "Resolved automatically: the condition no longer holds."


def flags_sync(
    kind: str,
    conditions: list[FlagCondition],
    *,
    now: datetime | None = None,
    checked_keys: set[str] | None = None,
    within: Q | None = None,
) -> CheckResult:
    """Open one flag per condition (unless a person resolved that key), refresh the wording of
    those still open, and resolve open flags of `kind` whose condition has cleared. With
    `checked_keys`, only flags the check looked at again (keys in that set) can clear: a fact about
    a past half term stays open across the year's rollover and after its placement ends, until a
    person resolves it. `within` limits the run to the flags of a scope (the conditions were
    computed for that scope only). Safe to run twice at once: the partial unique constraint on
    open keys turns a racing insert into a no-op. When nothing changed (a re-run over the same
    data) it reads one query: the open flags, as plain rows."""
    now = now or timezone.now()
    within = within if within is not None else Q()
    default_severity = BY_CODE[kind].severity
    by_key = {c.key: c for c in conditions}
    # Within a caller's transaction (a scoped re-check) no savepoint: an error here aborts the
    # whole run anyway, and each savepoint is two more round trips per kind.
    with transaction.atomic(savepoint=False):
        open_flags = {
            key: (pk, message, details, severity)
            for pk, key, message, details, severity in Flag.objects.filter(
                within, kind=kind, resolved_at__isnull=True
            ).values_list("pk", "key", "message", "details", "severity")
        }
        unopened = [key for key in by_key if key not in open_flags]
        dismissed = (
            set(
                Flag.objects.filter(kind=kind, key__in=unopened, resolved_by__isnull=False).values_list(
                    "key", flat=True
                )
            )
            if unopened
            else set()
        )
        new = [by_key[key] for key in unopened if key not in dismissed]
        Flag.objects.bulk_create(
            [
                Flag(
                    kind=kind,
                    key=c.key,
                    severity=c.severity or default_severity,
                    message=c.message,
                    school_id=c.school_id,
                    pupil_id=c.pupil_id,
                    placement_id=c.placement_id,
                    provider_id=c.provider_id,
                    subject_date=c.subject_date,
                    details=c.details,
                )
                for c in new
            ],
            ignore_conflicts=True,
        )
        changed = []
        for key, (pk, message, details, severity) in open_flags.items():
            c = by_key.get(key)
            if c is None:
                continue
            wanted = (c.message, c.details, c.severity or default_severity)
            if (message, details, severity) != wanted:
                changed.append(Flag(pk=pk, message=wanted[0], details=wanted[1], severity=wanted[2]))
        Flag.objects.bulk_update(changed, ["message", "details", "severity"])
        cleared = [
            pk
            for key, (pk, *_) in open_flags.items()
            if key not in by_key and (checked_keys is None or key in checked_keys)
        ]
        resolved = (
            Flag.objects.filter(pk__in=cleared, resolved_at__isnull=True).update(
                resolved_at=now, resolution=AUTO_RESOLUTION
            )
            if cleared
            else 0
        )
        # Nothing inserted: the open flags are those read less those resolved (a racing run's
        # inserts are its own to count). Otherwise count them, since a conflicting insert is a no-op.
        still_open = (
            Flag.objects.filter(within, kind=kind, resolved_at__isnull=True).count()
            if new
            else len(open_flags) - resolved
        )
    opened = still_open - (len(open_flags) - resolved)
    return CheckResult(kind=kind, opened=max(opened, 0), resolved=resolved, still_open=still_open)


@transaction.atomic
def flag_resolve(*, actor, flag: Flag, resolution: str) -> Flag:
    """A person resolves a flag with a written reason; later runs do not reopen its key."""
    resolution = (resolution or "").strip()
    if not resolution:
        from django.core.exceptions import ValidationError

        raise ValidationError({"resolution": "Say why this flag is resolved."})
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    if flag.resolved_at is None:
        flag.resolved_at = timezone.now()
        flag.resolved_by = actor
        flag.resolution = resolution
        flag.save(update_fields=["resolved_at", "resolved_by", "resolution"])
        audit_write(actor, "flag.resolved", flag, kind=flag.kind)
    return flag
