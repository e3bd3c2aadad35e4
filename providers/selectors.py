"""Read queries for the provider register."""

from django.db.models import Count, Q
from django.utils import timezone

from apdash.selectors import user_scope, visible_providers


def provider_list(user, *, today=None):
    """Providers with the number of the user's own pupils placed there today."""
    today = today or timezone.localdate()
    scope = user_scope(user)
    active = Q(placements__start_date__lte=today) & (
        Q(placements__end_date__isnull=True) | Q(placements__end_date__gte=today)
    )
    if not scope.everything:
        active &= Q(placements__pupil__school_id__in=scope.school_ids)
    return visible_providers(user).annotate(
        pupils_placed=Count("placements__pupil", filter=active, distinct=True)
    )
