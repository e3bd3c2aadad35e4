"""Read queries for pupils and placements, scoped to the user first: each app answers visibility
for its own models from the core's `user_scope`."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from apdash.selectors import (
    Scope,
    user_scope,
    visible_schools,
)
from placements.core import rules
from placements.core.models import Placement, Pupil, TimetableSlot, active_on_q
from providers.selectors import visible_providers


def _pupil_scope_q(scope: Scope, *, prefix: str, today: date) -> Q | None:
    """A filter on pupils (through `prefix`) for a scope; None means everything."""
    if scope.everything:
        return None
    q = Q(**{f"{prefix}school_id__in": scope.school_ids})
    if scope.provider_ids:
        q |= Q(**{f"{prefix}placements__provider_id__in": scope.provider_ids}) & active_on_q(
            today, through=f"{prefix}placements__"
        )
    return q


def visible_pupils(user, *, today: date | None = None) -> QuerySet:
    scope = user_scope(user)
    today = today or timezone.localdate()
    qs = Pupil.objects.select_related("school")
    q = _pupil_scope_q(scope, prefix="", today=today)
    if q is None:
        return qs
    if not scope.school_ids and not scope.provider_ids:
        return qs.none()
    if scope.provider_ids:
        # The join through placements can repeat a pupil; filter by id to keep rows unique.
        return qs.filter(id__in=Pupil.objects.filter(q).values("id"))
    return qs.filter(q)


def visible_placements(user, *, today: date | None = None) -> QuerySet:
    scope = user_scope(user)
    today = today or timezone.localdate()
    qs = Placement.objects.select_related("pupil", "pupil__school", "provider")
    if scope.everything:
        return qs
    q = Q(pupil__school_id__in=scope.school_ids)
    if scope.provider_ids:
        q |= Q(provider_id__in=scope.provider_ids) & active_on_q(today)
    return qs.filter(q)


def providers_in_use(user):
    """Providers where the user's pupils have placements: the choices a filter by provider needs
    (the whole register runs to thousands of settings at England scale)."""
    return (
        visible_providers(user)
        .filter(id__in=visible_placements(user).order_by().values("provider_id"))
        .order_by("name")
    )


def pupil_detail(user, *, pupil_id: int):
    placements = (
        Placement.objects.select_related("provider").prefetch_related("timetable").order_by("-start_date")
    )
    return visible_pupils(user).prefetch_related(Prefetch("placements", queryset=placements)).get(pk=pupil_id)


def placements_active_on(user, day: date):
    return visible_placements(user, today=day).active_on(day).prefetch_related("timetable")


def pupils_manageable_by(user):
    """Pupils on the roll of the user's schools (provider staff never manage pupils)."""
    return visible_pupils(user).filter(school__in=visible_schools(user))


def placements_manageable_by(user):
    """Placements of pupils on the roll of the user's schools. Provider staff may see a placement
    to record attendance, but never change it."""
    return visible_placements(user).filter(pupil__school__in=visible_schools(user))


def other_slots_at_provider(pupil, provider, *, exclude_placement=None, day: date) -> list[rules.Slot]:
    """The weekly slots of the pupil's other placements at this provider active on `day`. With the
    placement in hand they make the pupil's week there, which is what the unregistered-provider
    limits judge (G §3f; the hours check counts the same way). The caller has already checked it
    may see the pupil. Uses the pupil's placements with their timetables when they were prefetched
    (API lists), else one query."""
    exclude_id = getattr(exclude_placement, "pk", None)
    prefetched = getattr(pupil, "_prefetched_objects_cache", {}).get("placements")
    if prefetched is not None:
        return [
            slot.as_rule_slot()
            for placement in prefetched
            if placement.provider_id == provider.pk
            and placement.pk != exclude_id
            and rules.is_active_on(placement.start_date, placement.end_date, day)
            for slot in placement.timetable.all()
        ]
    slots = TimetableSlot.objects.filter(
        active_on_q(day, through="placement__"),
        placement__pupil=pupil,
        placement__provider=provider,
    ).exclude(placement_id=exclude_id)
    return [slot.as_rule_slot() for slot in slots]
