"""Read queries for pupils and placements, scoped to the user first."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from apdash.selectors import visible_placements, visible_pupils

from .models import Placement


def pupil_list(user, *, today: date | None = None):
    today = today or timezone.localdate()
    active = Q(placements__start_date__lte=today) & (
        Q(placements__end_date__isnull=True) | Q(placements__end_date__gte=today)
    )
    return visible_pupils(user, today=today).annotate(
        active_placements=Count("placements", filter=active, distinct=True),
        open_flags=Count("flags", filter=Q(flags__resolved_at__isnull=True), distinct=True),
    )


def pupil_detail(user, *, pupil_id: int):
    placements = (
        Placement.objects.select_related("provider").prefetch_related("timetable").order_by("-start_date")
    )
    return visible_pupils(user).prefetch_related(Prefetch("placements", queryset=placements)).get(pk=pupil_id)


def placements_active_on(user, day: date):
    return (
        visible_placements(user, today=day)
        .filter(start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .prefetch_related("timetable")
    )
