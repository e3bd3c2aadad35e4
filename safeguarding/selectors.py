"""Who may read which concern, and the reads the pages, API and other apps need.

A concern's detail is for the DSL(s) of the pupil's school, the partnership DSL when the
placement is partnership-commissioned, and the raiser (what they wrote, and its status). Nobody
else learns it exists: not in lists, counts or the API. Superusers are not DSLs and get nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from apdash import thresholds
from apdash.models import AuditEvent, Membership, Role
from apdash.selectors import user_scope
from placements.attendance.rules import describe_elapsed
from placements.core.selectors import visible_placements, visible_pupils
from placements.models import FollowUp

from . import rules
from .models import Concern, ConcernEntry, Induction, RiskAssessment

OPEN_STATUSES = (Concern.Status.NEW, Concern.Status.ACKNOWLEDGED)


@dataclass(frozen=True)
class DslScope:
    school_ids: frozenset[int]
    partnership_ids: frozenset[int]

    def __bool__(self):
        return bool(self.school_ids or self.partnership_ids)


def dsl_scope(user) -> DslScope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return DslScope(frozenset(), frozenset())
    cached = getattr(user, "_safeguarding_dsl_scope", None)
    if cached is None:
        rows = list(
            Membership.objects.filter(user=user, role=Role.DSL).values_list("school_id", "partnership_id")
        )
        cached = DslScope(frozenset(s for s, _ in rows if s), frozenset(p for _, p in rows if p))
        user._safeguarding_dsl_scope = cached
    return cached


def _dsl_q(scope: DslScope, prefix: str = "") -> Q:
    return Q(**{f"{prefix}pupil__school_id__in": scope.school_ids}) | Q(
        **{
            f"{prefix}placement__commissioned_by": "partnership",
            f"{prefix}pupil__school__partnership_id__in": scope.partnership_ids,
        }
    )


def is_dsl(user) -> bool:
    return bool(dsl_scope(user))


def dsl_concerns(user) -> QuerySet:
    """Concerns this user reads in full as a DSL."""
    scope = dsl_scope(user)
    qs = Concern.objects.select_related("pupil", "pupil__school", "placement__provider", "raised_by")
    if not scope:
        return qs.none()
    return qs.filter(_dsl_q(scope))


def visible_concerns(user) -> QuerySet:
    """Concerns this user may open at all: as a DSL, or as the person who raised them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Concern.objects.none()
    scope = dsl_scope(user)
    q = Q(raised_by=user)
    if scope:
        q |= _dsl_q(scope)
    return Concern.objects.select_related(
        "pupil", "pupil__school", "placement__provider", "raised_by", "acknowledged_by"
    ).filter(q)


def concern_for(user, concern_id: int) -> tuple[Concern, bool]:
    """The concern and whether the user reads it as a DSL; Concern.DoesNotExist otherwise."""
    concern = visible_concerns(user).get(pk=concern_id)
    return concern, dsl_concerns(user).filter(pk=concern.pk).exists()


def concern_entries(concern: Concern) -> QuerySet:
    return concern.entries.select_related("author", "corrects").prefetch_related("corrections")


def dsl_inbox(user) -> QuerySet:
    """Open concerns: new before acknowledged, urgent first, oldest first ("new" sorts after
    "acknowledged" and "urgent" after "routine", hence the descending order)."""
    return (
        dsl_concerns(user)
        .filter(status__in=OPEN_STATUSES)
        .annotate(entry_count=Count("entries"))
        .order_by("-status", "-urgency", "raised_at")
    )


def raised_by_me(user) -> QuerySet:
    return visible_concerns(user).filter(raised_by=user).order_by("-raised_at")


def pupil_chronology(user, *, pupil_id: int):
    """A pupil and every entry across their concerns, oldest first, for a DSL of theirs."""
    concerns = list(
        dsl_concerns(user)
        .filter(pupil_id=pupil_id)
        .prefetch_related(
            Prefetch("entries", queryset=ConcernEntry.objects.select_related("author", "corrects"))
        )
        .order_by("raised_at")
    )
    if not concerns:
        raise Concern.DoesNotExist
    events = []
    for concern in concerns:
        events.append({"at": concern.raised_at, "concern": concern, "entry": None})
        events += [{"at": e.created_at, "concern": concern, "entry": e} for e in concern.entries.all()]
    events.sort(key=lambda e: e["at"])
    for event in events:
        entry, concern = event["entry"], event["concern"]
        event["sentence"] = rules.chronology_sentence(
            who=(entry.author if entry else concern.raised_by).get_full_name(),
            kind=entry.kind if entry else "raised",
            heading=entry.heading if entry else concern.get_category_display(),
            at=timezone.localtime(event["at"]),
        )
    return concerns[0].pupil, concerns, events


def concern_access_log(concern: Concern) -> list[AuditEvent]:
    """Every recorded read and write of this concern, including lists it appeared in."""
    events = AuditEvent.objects.filter(object_type="Concern", created_at__gte=concern.raised_at).filter(
        Q(object_id=str(concern.pk)) | Q(action="concern.list_viewed")
    )
    return [
        e
        for e in events.select_related("actor").order_by("id")
        if e.action != "concern.list_viewed" or concern.pk in e.details.get("concern_ids", [])
    ]


def raisable_pupils(user, *, today: date | None = None) -> QuerySet:
    """Pupils this user may raise a concern about: every pupil they can see (provider staff: those
    placed with them now)."""
    return visible_pupils(user, today=today).order_by("last_name", "first_name")


def raisable_placements(user, pupil, *, today: date | None = None) -> QuerySet:
    return visible_placements(user, today=today).filter(pupil=pupil).order_by("-start_date")


def follow_up_for_concern(user, pupil, *, placement_id, follow_up_id):
    """An attendance follow-up about this pupil, at a placement the user may raise a concern about:
    where a concern drafted from an escalated absence starts. DoesNotExist (or ValueError for a
    malformed id) when the user may not see it."""
    placement = raisable_placements(user, pupil).get(pk=placement_id)
    follow_up = FollowUp.objects.select_related("attendance").get(
        pk=follow_up_id, attendance__placement=placement
    )
    return placement, follow_up


def safeguarding_placement(user, placement_id: int, *, today: date | None = None):
    """A placement whose risk assessments and inductions this user may read and record."""
    return visible_placements(user, today=today).get(pk=placement_id)


def may_manage_risk_assessments(user) -> bool:
    scope = user_scope(user)
    return scope.everything or bool(scope.school_ids)


def placement_safeguarding_records(placement) -> tuple[list[RiskAssessment], list[Induction]]:
    return (
        list(placement.risk_assessments.select_related("approved_by", "created_by")),
        list(placement.inductions.select_related("recorded_by")),
    )


def concern_summary_for_pupils(pupil_ids) -> dict[int, dict]:
    """Counts and acknowledgement timeliness only, never narrative: what an evidence pack or an
    export may carry: {pupil_id: {total, open, acknowledged, slowest_ack_minutes, last_raised_at, ...}}."""
    rows = (
        Concern.objects.filter(pupil_id__any=pupil_ids)
        .values("pupil_id")
        .annotate(
            total=Count("id"),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
            last_raised_at=Max("raised_at"),
            first_raised_at=Min("raised_at"),
        )
    )
    summary = {r["pupil_id"]: {**r, "slowest_ack_minutes": None} for r in rows}
    for pupil_id, raised_at, acknowledged_at in Concern.objects.filter(
        pupil_id__any=summary, acknowledged_at__isnull=False
    ).values_list("pupil_id", "raised_at", "acknowledged_at"):
        minutes = int((acknowledged_at - raised_at).total_seconds() // 60)
        current = summary[pupil_id]["slowest_ack_minutes"]
        summary[pupil_id]["slowest_ack_minutes"] = minutes if current is None else max(current, minutes)
    for row in summary.values():
        row.pop("pupil_id")
    return summary


def acknowledgements_overdue(pupil_ids, *, now) -> dict[int, int]:
    """How many of each pupil's concerns wait past the DSL-acknowledgement deadline now: the one
    answer to "does safeguarding reach the DSL" that the readiness grid (column d, web and API)
    and the evidence pack read, and the rule `concern_unacknowledged` flags. A count, never text."""
    hours = thresholds.concern_ack_hours()
    overdue: dict[int, int] = {}
    for pupil_id, urgency, raised_at in Concern.objects.filter(
        pupil_id__any=pupil_ids, status=Concern.Status.NEW
    ).values_list("pupil_id", "urgency", "raised_at"):
        if rules.acknowledgement_overdue(raised_at, urgency, now=now, hours=hours):
            overdue[pupil_id] = overdue.get(pupil_id, 0) + 1
    return overdue


@dataclass
class WaitingConcern:
    concern: Concern
    waited: str  # "2 hours 15 minutes" since it was raised
    overdue: bool  # unacknowledged past the time allowed


def dsl_waiting(user, *, now) -> list[WaitingConcern]:
    """The DSL's open concerns in their order of work (unacknowledged first, then urgent, then the
    longest waiting), each with how long it has waited: what the DSL's home page leads with.
    Nothing of what was written, so listing them is not a read of any concern."""
    concerns = sorted(
        dsl_concerns(user).filter(status__in=OPEN_STATUSES).select_related("pupil__school"),
        key=lambda c: rules.waiting_order(c.status, c.urgency, c.raised_at),
    )
    return waiting_for(concerns, now=now)


def waiting_for(concerns, *, now) -> list[WaitingConcern]:
    """How long each of these concerns has waited, and whether past the time allowed. No query."""
    hours = thresholds.concern_ack_hours()
    return [
        WaitingConcern(
            concern=c,
            waited=describe_elapsed((now - c.raised_at).total_seconds()),
            overdue=c.status == Concern.Status.NEW
            and rules.acknowledgement_overdue(c.raised_at, c.urgency, now=now, hours=hours),
        )
        for c in concerns
    ]
