"""Opening and resolving flags for a check, idempotently. A check computes the set of
conditions that hold now; `flags_sync` makes the open flags of that kind match it
(`flags_sync_kinds` does so for a check's several kinds with one read of their open flags)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast
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


class OpenFlag(NamedTuple):
    pk: int
    key: str
    message: str
    # As stored, undecoded: a shard reads thousands of open flags, and decoding them all cost more
    # than the query. `flags_sync_kinds` decodes only those whose wording it must compare.
    details_json: str
    severity: str
    placement_id: int | None
    subject_date: date | None


def open_flags_of(kinds, within: Q | None = None) -> dict[str, dict[str, OpenFlag]]:
    """The open flags of these kinds in a scope, by kind then key, as plain rows: one query."""
    found: dict[str, dict[str, OpenFlag]] = {kind: {} for kind in kinds}
    rows = Flag.objects.filter(
        within if within is not None else Q(), kind__in=list(found), resolved_at__isnull=True
    )
    fields = [Cast("details", TextField()) if name == "details_json" else name for name in OpenFlag._fields]
    for kind, *values in rows.order_by().values_list("kind", *fields):
        flag = OpenFlag(*values)
        found[kind][flag.key] = flag
    return found


def flags_sync(
    kind: str,
    conditions: list[FlagCondition],
    *,
    now: datetime | None = None,
    checked_keys: set[str] | None = None,
    within: Q | None = None,
    open_flags: dict[str, dict[str, OpenFlag]] | None = None,
) -> CheckResult:
    """Open one flag per condition (unless a person resolved that key), refresh the wording of
    those still open, and resolve open flags of `kind` whose condition has cleared. With
    `checked_keys`, only flags the check looked at again (keys in that set) can clear: a fact about
    a past half term stays open across the year's rollover and after its placement ends, until a
    person resolves it. `within` limits the run to the flags of a scope (the conditions were
    computed for that scope only). Safe to run twice at once: the partial unique constraint on
    open keys turns a racing insert into a no-op. `open_flags`: as for `flags_sync_kinds`."""
    return flags_sync_kinds(
        {kind: conditions}, now=now, checked_keys=checked_keys, within=within, open_flags=open_flags
    )[0]


def flags_sync_kinds(
    found: dict[str, list[FlagCondition]],
    *,
    now: datetime | None = None,
    checked_keys: set[str] | None = None,
    within: Q | None = None,
    open_flags: dict[str, dict[str, OpenFlag]] | None = None,
) -> list[CheckResult]:
    """`flags_sync` for several kinds of one check and one scope at once, with `open_flags` when
    the check read them already (`open_flags_of`, same kinds and scope). When nothing changed (a
    re-run over the same data) it reads one query for all the kinds: the open flags (none when
    `open_flags` are given)."""
    now = now or timezone.now()
    within = within if within is not None else Q()
    # Within a caller's transaction (a scoped re-check) no savepoint: an error here aborts the
    # whole run anyway, and each savepoint is two more round trips.
    with transaction.atomic(savepoint=False):
        if open_flags is None:
            open_flags = open_flags_of(found, within)
        by_key = {kind: {c.key: c for c in conditions} for kind, conditions in found.items()}
        unopened = [key for kind, keys in by_key.items() for key in keys if key not in open_flags[kind]]
        dismissed = (
            set(
                Flag.objects.filter(kind__in=list(found), key__in=unopened, resolved_by__isnull=False)
                .order_by()
                .values_list("key", flat=True)
            )
            if unopened
            else set()
        )
        new, changed, cleared = {}, [], {}
        for kind, conditions in by_key.items():
            default_severity = BY_CODE[kind].severity
            new[kind] = [
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
                for key, c in conditions.items()
                if key not in open_flags[kind] and key not in dismissed
            ]
            cleared[kind] = []
            for key, flag in open_flags[kind].items():
                c = conditions.get(key)
                if c is None:
                    if checked_keys is None or key in checked_keys:
                        cleared[kind].append(flag.pk)
                    continue
                wanted = (c.message, c.details, c.severity or default_severity)
                if (flag.message, flag.severity) != (wanted[0], wanted[2]) or json.loads(
                    flag.details_json
                ) != wanted[1]:
                    changed.append(Flag(pk=flag.pk, message=wanted[0], details=wanted[1], severity=wanted[2]))
        Flag.objects.bulk_create([flag for flags in new.values() for flag in flags], ignore_conflicts=True)
        Flag.objects.bulk_update(changed, ["message", "details", "severity"])
        resolved = {
            kind: Flag.objects.filter(pk__in=pks, resolved_at__isnull=True).update(
                resolved_at=now, resolution=AUTO_RESOLUTION
            )
            if pks
            else 0
            for kind, pks in cleared.items()
        }
        # Nothing inserted: the open flags are those read less those resolved (a racing run's
        # inserts are its own to count). Otherwise count them, since a conflicting insert is a no-op.
        still_open = {kind: len(open_flags[kind]) - resolved[kind] for kind in found}
        inserted = [kind for kind, flags in new.items() if flags]
        if inserted:
            still_open |= dict.fromkeys(inserted, 0) | dict(
                Flag.objects.filter(within, kind__in=inserted, resolved_at__isnull=True)
                .values("kind")
                .annotate(count=Count("pk"))
                .values_list("kind", "count")
            )
    return [
        CheckResult(
            kind=kind,
            opened=max(still_open[kind] - (len(open_flags[kind]) - resolved[kind]), 0),
            resolved=resolved[kind],
            still_open=still_open[kind],
        )
        for kind in found
    ]


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
