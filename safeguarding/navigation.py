"""Safeguarding in the service navigation (registered in SafeguardingConfig.ready)."""

from django.urls import reverse

from apdash.models import Role

from .selectors import may_manage_risk_assessments


def safeguarding_pages(user, roles):
    """Anyone with a role may raise a concern; a DSL lands on their inbox."""
    if not roles - {Role.SUPERUSER}:
        return []
    target = "safeguarding:inbox" if Role.DSL in roles else "safeguarding:index"
    return [("Safeguarding", reverse(target))]


def placement_links(user, placement):
    """One click from a placement to its risk assessment and induction (G §4, §3e): school staff
    record both; everyone who may see the placement sees what is recorded."""
    links = []
    if may_manage_risk_assessments(user):
        links.append(
            (
                "Record the risk assessment",
                reverse("safeguarding:risk_assessment_create", args=[placement.pk]),
            )
        )
    links.append(("Record the induction", reverse("safeguarding:induction_create", args=[placement.pk])))
    links.append(("Risk assessments and inductions", reverse("safeguarding:placement", args=[placement.pk])))
    return links
