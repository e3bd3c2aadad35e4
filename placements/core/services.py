"""Writes for pupils and placements (with their timetables). Views, admin, imports and the API
all call these."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apdash import thresholds
from apdash.checks import Scope, recheck
from apdash.services import audit_write, model_update
from placements.core import ctf, rules
from placements.core.models import Placement, Pupil, TimetableSlot


def validate_timetable(slots: list[rules.Slot]) -> None:
    earliest, latest = thresholds.timetable_bounds()
    problems = rules.timetable_problems(
        slots, earliest=earliest, latest=latest, max_slots=thresholds.max_slots_per_placement()
    )
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
    pupil.upn = rules.normalise_upn(pupil.upn)
    pupil.full_clean()
    pupil.save()
    audit_write(actor, "pupil.created", pupil, fields)
    return pupil


@transaction.atomic
def pupil_update(*, actor=None, pupil: Pupil, **fields) -> Pupil:
    fields["upn"] = rules.normalise_upn(fields.get("upn", pupil.upn))
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


# --- Telling parents and the local authority (DfE "Arranging alternative provision") ---------------


def _when_sent(value, what):
    if value is None:
        raise ValidationError({what: "Enter the date it was sent"})
    if value > timezone.localdate():
        raise ValidationError({what: "The date cannot be in the future"})


@transaction.atomic
def parental_notice_record(*, actor=None, placement: Placement, sent_on, how: str) -> Placement:
    """Record that the written notice of an off-site direction went to the parents (and to the LA
    for a pupil with an EHC plan): when, and how."""
    _when_sent(sent_on, "parental_notice_sent_on")
    placement.parental_notice_sent_on, placement.parental_notice_how = sent_on, how
    if not how:
        raise ValidationError({"parental_notice_how": "Say how the notice was sent"})
    placement.full_clean()
    placement.save(update_fields=["parental_notice_sent_on", "parental_notice_how", "updated_at"])
    audit_write(
        actor,
        "placement.parental_notice_recorded",
        placement,
        ["parental_notice_sent_on", "parental_notice_how"],
    )
    recheck(Scope.placement(placement.pk))
    return placement


@transaction.atomic
def la_notification_record(*, actor=None, placement: Placement, notified_on, how: str) -> Placement:
    """Record when and how the local authority was told about the placement."""
    _when_sent(notified_on, "la_notified_on")
    placement.la_notified_on, placement.la_notified_how = notified_on, how
    if not how:
        raise ValidationError({"la_notified_how": "Say how the local authority was told"})
    placement.full_clean()
    placement.save(update_fields=["la_notified_on", "la_notified_how", "updated_at"])
    audit_write(actor, "placement.la_notification_recorded", placement, ["la_notified_on", "la_notified_how"])
    recheck(Scope.placement(placement.pk))
    return placement


# --- Common Transfer File (CTF) import ------------------------------------------------------------


@dataclass(frozen=True)
class CtfProblem:
    position: int  # the pupil's place in the file, from 1
    upn: str
    name: str
    messages: list[str]

    def __str__(self):
        who = f"Pupil {self.position}" + (f", {self.name}" if self.name else "")
        return f"{who} (UPN {self.upn or 'none'}): {' '.join(self.messages)}"


@dataclass
class CtfImportResult:
    source: ctf.SourceSchool
    pupils: list[ctf.CtfPupil]
    # Every pupil that cannot be imported as it stands.
    problems: list[CtfProblem]
    # UPN -> "new" or "update"
    actions: dict[str, str]
    saved: bool = False

    @property
    def created(self) -> int:
        return sum(1 for a in self.actions.values() if a == "new")

    @property
    def updated(self) -> int:
        return sum(1 for a in self.actions.values() if a == "update")


class _Rollback(Exception):
    pass


def ctf_import(*, actor=None, school, data: bytes, dry_run: bool = False) -> CtfImportResult:
    """Create or update the CTF's pupils on `school`'s roll, all or nothing: any pupil with a
    problem and none is saved. With `dry_run`, check everything and save nothing (the preview).
    A UPN already on apdash at another school is refused, never moved. Raises ValidationError
    when the file is not a CTF."""
    try:
        transfer = ctf.read_ctf(data)
    except ctf.CtfFileError as exc:
        raise ValidationError(str(exc), code="not_ctf") from exc
    existing = {p.upn: p for p in Pupil.objects.filter(upn__in=[p.upn for p in transfer.pupils if p.upn])}
    result = CtfImportResult(source=transfer.source, pupils=transfer.pupils, problems=[], actions={})
    first_position: dict[str, int] = {}
    try:
        with transaction.atomic():
            for row in transfer.pupils:
                messages = list(row.problems)
                pupil = existing.get(row.upn)
                if row.upn and row.upn in first_position:
                    messages.append(
                        f"UPN {row.upn} is in the file twice (first as pupil {first_position[row.upn]})."
                    )
                first_position.setdefault(row.upn, row.position)
                if pupil is not None and pupil.school_id != school.id:
                    messages.append(f"A pupil with UPN {row.upn} is already on apdash at another school.")
                if not messages:
                    try:
                        if pupil is None:
                            pupil_create(actor=actor, school=school, **row.fields)
                        else:
                            pupil_update(actor=actor, pupil=pupil, **row.fields)
                    except ValidationError as exc:
                        messages.extend(exc.messages)
                if messages:
                    name = f"{row.first_name} {row.last_name}".strip()
                    result.problems.append(CtfProblem(row.position, row.upn, name, messages))
                else:
                    result.actions[row.upn] = "update" if pupil is not None else "new"
            if result.problems or dry_run:
                raise _Rollback
    except _Rollback:
        return result
    result.saved = True
    return result
