"""The placements pages in the service navigation (registered in PlacementsConfig.ready)."""

from django.urls import reverse

from apdash.models import Role
from apdash.navigation import SCHOOL_STAFF_ROLES
from apdash.selectors import user_scope


def pupil_pages(user, roles):
    if not roles & SCHOOL_STAFF_ROLES:
        return []
    return [("Today", reverse("placements:today")), ("Pupils", reverse("placements:pupil_list"))]


def follow_up_pages(user, roles):
    if not roles & SCHOOL_STAFF_ROLES:
        return []
    return [
        ("Flags", reverse("placements:flag_list")),
        ("Attendance", reverse("placements:register_grid")),
        ("Visits", reverse("placements:visit_coverage")),
    ]


def provider_registers(user, roles):
    """Provider staff keep their provider's register and nothing else."""
    if roles & SCHOOL_STAFF_ROLES or Role.PROVIDER_STAFF not in roles:
        return []
    return [
        ("Register", reverse("placements:provider_register", args=[provider_id]))
        for provider_id in sorted(user_scope(user).provider_ids)
    ]
