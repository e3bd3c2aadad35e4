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
    open keys turns a racing insert into a no-op."""
    now = now or timezone.now()
    within = within if within is not None else Q()
    by_key = {c.key: c for c in conditions}
    with transaction.atomic():
        scoped = Flag.objects.filter(within, kind=kind)
        open_flags = {f.key: f for f in scoped.filter(resolved_at__isnull=True)}
        dismissed = set(
            Flag.objects.filter(kind=kind, key__in=list(by_key), resolved_by__isnull=False).values_list(
                "key", flat=True
            )
        )
        new = [c for key, c in by_key.items() if key not in open_flags and key not in dismissed]
        Flag.objects.bulk_create(
            [
                Flag(
                    kind=kind,
                    key=c.key,
                    severity=c.severity or BY_CODE[kind].severity,
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
        for key, flag in open_flags.items():
            c = by_key.get(key)
            if c is None:
                continue
            severity = c.severity or BY_CODE[kind].severity
            if (flag.message, flag.details, flag.severity) != (c.message, c.details, severity):
                flag.message, flag.details, flag.severity = c.message, c.details, severity
                changed.append(flag)
        Flag.objects.bulk_update(changed, ["message", "details", "severity"])
        cleared = [
            key for key in open_flags if key not in by_key and (checked_keys is None or key in checked_keys)
        ]
        resolved = Flag.objects.filter(kind=kind, resolved_at__isnull=True, key__in=cleared).update(
            resolved_at=now, resolution=AUTO_RESOLUTION
        )
        still_open = scoped.filter(resolved_at__isnull=True).count()
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
