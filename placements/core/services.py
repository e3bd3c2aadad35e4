"""Writes for pupils and placements (with their timetables). Views, admin, imports and the API
all call these."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from apdash import thresholds
from apdash.checks import Scope, recheck
from apdash.services import audit_write, model_update
from placements.core import rules
from placements.core.models import Placement, Pupil, TimetableSlot


def validate_timetable(slots: list[rules.Slot]) -> None:
    earliest, latest = thresholds.timetable_bounds()
    problems = rules.timetable_problems(slots, earliest=earliest, latest=latest)
    if problems:
        raise ValidationError({"timetable": [message for _, message in problems]})


def refuse_clashes(placement: Placement, timetable: list[rules.Slot]) -> None:
    """A pupil cannot be timetabled in two places at once: refuse a slot that overlaps a slot of
    another of the pupil's placements on a day both run, naming that placement and the clash."""
    others = (
        Placement.objects.filter(pupil_id=placement.pupil_id)
        .exclude(pk=placement.pk)
        .running_on_or_after(placement.start_date)
        .select_related("provider")
        .prefetch_related("timetable")
    )
    if placement.end_date is not None:
        others = others.filter(start_date__lte=placement.end_date)
    by_id = {other.pk: other for other in others}
    candidate = rules.Arrangement(placement.pk, placement.start_date, placement.end_date, tuple(timetable))
    clashes = rules.timetable_clashes(
        candidate,
        [
            rules.Arrangement(
                p.pk, p.start_date, p.end_date, tuple(s.as_rule_slot() for s in p.timetable.all())
            )
            for p in by_id.values()
        ],
    )
    if clashes:
        raise ValidationError(
            {"timetable": [rules.describe_clash(c, setting=str(by_id[c.other.id].provider)) for c in clashes]}
        )


@transaction.atomic
def pupil_create(*, actor=None, **fields) -> Pupil:
    pupil = Pupil(**fields)
    pupil.upn = (pupil.upn or "").strip().upper()
    pupil.full_clean()
    pupil.save()
    audit_write(actor, "pupil.created", pupil, fields)
    return pupil


@transaction.atomic
def pupil_update(*, actor=None, pupil: Pupil, **fields) -> Pupil:
    fields["upn"] = (fields.get("upn", pupil.upn) or "").strip().upper()
    model_update(pupil, fields)
    audit_write(actor, "pupil.updated", pupil, fields)
    # Age, needs and looked-after status are in the registration test.
    recheck(Scope.pupil(pupil.pk))
    return pupil


@transaction.atomic
def placement_create(*, actor=None, timetable: list[rules.Slot] = (), **fields) -> Placement:
    """Create a placement and its weekly timetable together: all or nothing."""
    timetable = list(timetable)
    validate_timetable(timetable)
    placement = Placement(created_by=actor if getattr(actor, "pk", None) else None, **fields)
    placement.full_clean()
    refuse_clashes(placement, timetable)
    placement.save()
    TimetableSlot.objects.bulk_create(
        TimetableSlot(placement=placement, weekday=s.weekday, start=s.start, end=s.end) for s in timetable
    )
    audit_write(actor, "placement.created", placement, fields, timetable_slots=len(timetable))
    recheck(Scope.pupil(placement.pupil_id))
    return placement


@transaction.atomic
def placement_update(
    *, actor=None, placement: Placement, timetable: list[rules.Slot] | None = None, **fields
):
    """Change a placement; when `timetable` is given it replaces the weekly timetable."""
    before = Placement.objects.filter(pk=placement.pk).values("pupil_id", "provider_id").first() or {}
    for name, value in fields.items():
        setattr(placement, name, value)
    placement.full_clean()
    if timetable is not None:
        timetable = list(timetable)
        validate_timetable(timetable)
    refuse_clashes(
        placement,
        timetable if timetable is not None else [s.as_rule_slot() for s in placement.timetable.all()],
    )
    placement.save()
    if timetable is not None:
        placement.timetable.all().delete()
        TimetableSlot.objects.bulk_create(
            TimetableSlot(placement=placement, weekday=s.weekday, start=s.start, end=s.end) for s in timetable
        )
    audit_write(
        actor,
        "placement.updated",
        placement,
        fields,
        **({"timetable_slots": len(timetable)} if timetable is not None else {}),
    )
    # The pupil's rules and their providers' rules; a pupil or provider moved away from is
    # re-checked too (the flags it had may now clear).
    scopes = [Scope.pupil(placement.pupil_id)]
    if before.get("pupil_id") not in (None, placement.pupil_id):
        scopes.append(Scope.pupil(before["pupil_id"]))
    if before.get("provider_id") not in (None, placement.provider_id):
        scopes.append(Scope.provider(before["provider_id"]))
    recheck(*scopes)
    return placement


@transaction.atomic
def placement_end(
    *, actor=None, placement: Placement, end_date, end_reason: str, end_notes: str = ""
) -> Placement:
    """End a placement; the record and its history are kept."""
    placement.end_date = end_date
    placement.end_reason = end_reason
    placement.end_notes = end_notes
    placement.status = Placement.Status.ENDED
    placement.full_clean()
    placement.save()
    audit_write(actor, "placement.ended", placement, ["end_date", "end_reason", "end_notes", "status"])
    recheck(Scope.pupil(placement.pupil_id))
    return placement
