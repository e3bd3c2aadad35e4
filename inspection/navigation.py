"""Inspection pages in the service navigation (registered in InspectionConfig.ready)."""

from django.urls import reverse

from apdash.models import Role

# The DSL's work is safeguarding; readiness and the governors' report are for those who lead AP.
INSPECTION_ROLES = frozenset(
    {Role.SCHOOL_COORDINATOR, Role.PARTNERSHIP_COORDINATOR, Role.HEAD, Role.SUPERUSER}
)


def inspection_pages(user, roles):
    if not roles & INSPECTION_ROLES:
        return []
    return [
        ("Inspection", reverse("inspection:readiness")),
        ("Governors", reverse("inspection:governor_report")),
    ]
