"""The provider register in the service navigation (registered in ProvidersConfig.ready)."""

from django.urls import reverse

from apdash.navigation import SCHOOL_STAFF_ROLES


def provider_pages(user, roles):
    if not roles & SCHOOL_STAFF_ROLES:
        return []
    return [("Providers", reverse("providers:provider_list"))]
