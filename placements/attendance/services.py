"""Writes for attendance marks, follow-ups and providers' register links."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apdash import thresholds
from apdash.checks import Scope, recheck
from apdash.models import School
from apdash.selectors import user_scope
from apdash.services import audit_write, model_update
from placements.attendance import rules
from placements.attendance.models import REGISTER_LINK_SALT, AttendanceMark, FollowUp, RegisterLink
from placements.core.models import TimetableSlot


def _mark_code(placement, *, code=None, status=None, absence_reason="") -> str:
    if status:
        return rules.attendance_code_for(
            status,
            absence_reason=absence_reason,
            la_arranged=placement.la_arranged,
        )
    if code not in rules.ATTENDANCE_CODES:
        raise ValidationError({"code": f"“{code}” is not a DfE attendance code."})
    return code


def _refuse_weekend_marks(entries: list[dict]) -> None:
    weekend = [e for e in entries if e["date"].weekday() >= 5]
    if not weekend:
        return
    session_days = {}
    for placement_id, weekday in TimetableSlot.objects.filter(
        placement_id__in={e["placement"].pk for e in weekend}, weekday__gte=5
    ).values_list("placement_id", "weekday"):
        session_days.setdefault(placement_id, set()).add(weekday)
    for entry in weekend:
        problem = rules.weekend_mark_problem(
            entry["date"], session_weekdays=session_days.get(entry["placement"].pk, ())
        )
        if problem:
            raise ValidationError({"date": problem})


@transaction.atomic
def attendance_bulk_record(*, actor=None, entries: list[dict], source: str) -> list[AttendanceMark]:
    """Record many marks at once, all or nothing. Each entry names `placement`, `date`, `session`
    and either a DfE `code` or a provider's `status` (with `absence_reason`), plus optional
    `minutes_late` and `note`. A mark that already exists is updated in place, never duplicated;
    an unchanged mark keeps its time, so the time to follow-up stays true. A mark for a day after
    today is refused."""
    if not entries:
        return []
    today = timezone.localdate()
    for entry in entries:
        # Every way in (register, grid, import, API) refuses a session not yet held.
        future = rules.future_mark_problem(entry["date"], today=today)
        if future:
            raise ValidationError({"date": future})
    _refuse_weekend_marks(entries)
    keys = {(e["placement"].pk, e["date"], e["session"]) for e in entries}
    existing = {
        (m.placement_id, m.date, m.session): m
        for m in AttendanceMark.objects.select_for_update().filter(
            placement_id__in={k[0] for k in keys}, date__in={k[1] for k in keys}
        )
    }
    now = timezone.now()
    # By id: the actor is often the request's lazy user, and each assignment of it to ten
    # thousand marks would go through its proxy.
    recorder_id = getattr(actor, "pk", None)
    to_create, to_update, result, validated = [], [], [], set()
    for entry in entries:
        placement = entry["placement"]
        status = entry.get("status")
        reason = entry.get("absence_reason", "") if status in (None, rules.ABSENT) else ""
        values = {
            "code": _mark_code(placement, code=entry.get("code"), status=status, absence_reason=reason),
            "minutes_late": entry.get("minutes_late") or 0 if status in (None, rules.LATE) else 0,
            "absence_reason": reason,
            "note": entry.get("note", ""),
        }
        key = (placement.pk, entry["date"], entry["session"])
        mark = existing.get(key)
        if mark is None:
            mark = AttendanceMark(
                placement=placement, date=entry["date"], session=entry["session"], source=source, **values
            )
            mark.recorded_by_id, mark.recorded_at, mark.first_recorded_at = recorder_id, now, now
            to_create.append(mark)
            existing[key] = mark
        elif any(getattr(mark, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(mark, name, value)
            mark.source, mark.recorded_by_id, mark.recorded_at = source, recorder_id, now
            if mark.pk and mark not in to_update:
                to_update.append(mark)
        # Uniqueness is guaranteed by the keyed lookup above, and the placement and recorder are
        # rows already in hand: skip their per-row queries. The date was compared with today
        # above, so only the other values can be invalid, and a register repeats a handful of
        # them: each distinct set is validated once (a 10,000-row file in seconds, issue 15).
        shape = (entry["session"], mark.source, *values.values())
        if shape not in validated:
            mark.full_clean(
                exclude=["placement", "recorded_by"], validate_unique=False, validate_constraints=False
            )
            validated.add(shape)
        result.append(mark)
    AttendanceMark.objects.bulk_create(to_create)
    AttendanceMark.objects.bulk_update(
        to_update, ["code", "minutes_late", "absence_reason", "note", "source", "recorded_by", "recorded_at"]
    )
    if to_create or to_update:
        audit_write(
            actor,
            "attendance.recorded",
            (to_create + to_update)[0],
            source=source,
            created=[m.pk for m in to_create],
            updated=[m.pk for m in to_update],
        )
    _recheck_pupils_of([mark.placement for mark in to_create + to_update])
    return result


# A register of more pupils than this re-checks its providers rather than pupil by pupil.
RECHECK_PUPILS_AT_MOST = 10


def _recheck_pupils_of(placements) -> None:
    pupils = {p.pupil_id for p in placements}
    if len(pupils) <= RECHECK_PUPILS_AT_MOST:
        recheck(*(Scope.pupil(pupil_id) for pupil_id in sorted(pupils)))
    else:
        recheck(*(Scope.provider(provider_id) for provider_id in sorted({p.provider_id for p in placements})))


@transaction.atomic
def attendance_mark_all_attended(*, actor, entries: list[dict]) -> list[AttendanceMark]:
    """ "Mark all as attended" on the register grid: each entry's session becomes attended, entered
    by the school (`actor`), but a session that has a mark by now is left alone — never
    overwritten, even if the mark arrived since the grid was drawn."""
    if not entries:
        return []
    taken = set(
        AttendanceMark.objects.select_for_update()
        .filter(placement_id__in={e["placement"].pk for e in entries}, date__in={e["date"] for e in entries})
        .values_list("placement_id", "date", "session")
    )
    fresh = [e for e in entries if (e["placement"].pk, e["date"], e["session"]) not in taken]
    return attendance_bulk_record(actor=actor, entries=fresh, source=AttendanceMark.Source.COORDINATOR)


def attendance_record(*, actor=None, placement, date, session, source, **values) -> AttendanceMark:
    """Record one mark (create or update in place)."""
    return attendance_bulk_record(
        actor=actor,
        entries=[{"placement": placement, "date": date, "session": session, **values}],
        source=source,
    )[0]


@transaction.atomic
def follow_up_record(
    *, actor=None, placement, date, session, contacted: str, contacted_at, outcome: str, note: str = ""
) -> FollowUp:
    """Record how the school followed up an absence or a missing mark. A missing mark is first
    recorded as `N` (reason not yet established), so the follow-up has a mark to belong to."""
    mark = (
        AttendanceMark.objects.select_for_update()
        .filter(placement=placement, date=date, session=session)
        .first()
    )
    if mark is None:
        mark = attendance_record(
            actor=actor,
            placement=placement,
            date=date,
            session=session,
            code="N",
            source=AttendanceMark.Source.COORDINATOR,
            note="No mark received; recorded when following up.",
        )
    elif not rules.is_absence(mark.code):
        raise ValidationError(f"{mark.code} is not an absence, so there is nothing to follow up.")
    follow_up = FollowUp(
        attendance=mark,
        contacted=contacted,
        contacted_at=contacted_at,
        outcome=outcome,
        note=note,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    follow_up.full_clean()
    follow_up.save()
    audit_write(actor, "follow_up.recorded", follow_up, outcome=outcome)
    recheck(Scope.pupil(placement.pupil_id))
    return follow_up


@transaction.atomic
def follow_up_update(*, actor=None, follow_up: FollowUp, **fields) -> FollowUp:
    """Correct a recorded follow-up; it still has to belong to an absence."""
    attendance = fields.get("attendance", follow_up.attendance)
    if "attendance" in fields and not rules.is_absence(attendance.code):
        raise ValidationError(
            {"attendance": f"{attendance.code} is not an absence, so there is nothing to follow up."}
        )
    model_update(follow_up, fields)
    audit_write(actor, "follow_up.updated", follow_up, fields)
    recheck(Scope.pupil(follow_up.attendance.placement.pupil_id))
    return follow_up


def register_link_token(link: RegisterLink) -> str:
    return signing.dumps(
        {"p": link.provider_id, "d": link.date.isoformat(), "n": link.nonce},
        salt=REGISTER_LINK_SALT,
        compress=True,
    )


def register_link_from_token(token: str, *, today) -> RegisterLink | None:
    """The live link a token stands for, or None when it is forged, expired or revoked."""
    max_age = timedelta(days=thresholds.register_link_grace_days() + 2)
    try:
        payload = signing.loads(token, salt=REGISTER_LINK_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    link = (
        RegisterLink.objects.select_related("provider")
        .filter(nonce=payload.get("n"), provider_id=payload.get("p"), revoked_at__isnull=True)
        .first()
    )
    if link is None or link.date.isoformat() != payload.get("d"):
        return None
    if not rules.register_link_usable(link.date, today, grace_days=thresholds.register_link_grace_days()):
        return None
    return link


def register_link_schools(*, actor, provider):
    """The schools a new link to a provider's register covers: those using the provider that its
    creator may see (a partnership co-ordinator: every school of the partnership there); the morning
    job (no actor) and a superuser cover every school using it."""
    schools = School.objects.filter(pupils__placements__provider=provider).distinct()
    scope = user_scope(actor)
    if getattr(actor, "pk", None) is None or scope.everything:
        return schools
    return schools.filter(id__in=scope.school_ids)


@transaction.atomic
def register_link_create(*, actor=None, provider, date) -> tuple[RegisterLink, str]:
    problem = rules.register_link_date_problem(
        date, timezone.localdate(), grace_days=thresholds.register_link_grace_days()
    )
    if problem:
        raise ValidationError({"date": problem})
    schools = list(register_link_schools(actor=actor, provider=provider))
    if getattr(actor, "pk", None) is not None and not schools:
        raise ValidationError({"provider": "None of your schools has a pupil placed with this provider."})
    link = RegisterLink(
        provider=provider,
        date=date,
        nonce=secrets.token_hex(16),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    link.full_clean()
    link.save()
    link.covers.set(schools)
    return link, register_link_token(link)


@transaction.atomic
def register_link_revoke(*, actor=None, link: RegisterLink) -> RegisterLink:
    """Revoke a link; the view offers only links within the actor's schools
    (`selectors.register_links`)."""
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


@transaction.atomic
def register_link_for_morning(*, provider, date) -> tuple[RegisterLink, str]:
    """The morning email's link: the live one the job already made for this provider and date,
    else a new one."""
    link = (
        RegisterLink.objects.select_for_update()
        .filter(provider=provider, date=date, created_by__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if link is None:
        return register_link_create(provider=provider, date=date)
    return link, register_link_token(link)
