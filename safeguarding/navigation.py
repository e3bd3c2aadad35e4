"""Safeguarding in the service navigation (registered in SafeguardingConfig.ready)."""

from django.urls import reverse

from apdash.models import Role


def safeguarding_pages(user, roles):
    """Anyone with a role may raise a concern; a DSL lands on their inbox."""
    if not roles - {Role.SUPERUSER}:
        return []
    target = "safeguarding:inbox" if Role.DSL in roles else "safeguarding:index"
    return [("Safeguarding", reverse(target))]
