"""Read queries for the provider register."""

from collections.abc import Callable
from datetime import timedelta

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from apdash import thresholds
from apdash.models import School
from apdash.selectors import partnership_ids_in_view, user_scope
from providers.models import Provider

from .models import ProviderAudit, QAVisit


def visible_providers(user) -> QuerySet:
    """Every member of a school or partnership may read the provider register (it is shared
    across the partnership, G §3e); provider staff see only their own provider."""
    scope = user_scope(user)
    if scope.everything or scope.school_ids:
        return Provider.objects.all()
    return Provider.objects.filter(id__in=scope.provider_ids)


def provider_in_use_by(user) -> QuerySet:
    """Providers a user works with: those their schools place pupils with, or that their
    partnership added to the register (everything for a superuser). Only these may they change."""
    scope = user_scope(user)
    if scope.everything:
        return Provider.objects.all()
    return Provider.objects.filter(
        Q(placements__pupil__school_id__in=scope.school_ids)
        | Q(added_by_partnership_id__in=partnership_ids_in_view(user))
    ).distinct()


# Apps to the left add what they own to a provider's page (placements: the user's own pupils
# there with their weekly hours against the limits) without this app importing them: each
# registers in its AppConfig.ready(). A section is called as section(user, provider, today) and
# returns a dict for the template.
PROVIDER_PAGE_SECTIONS: list[Callable] = []


def register_provider_page_section(section: Callable) -> None:
    if section not in PROVIDER_PAGE_SECTIONS:
        PROVIDER_PAGE_SECTIONS.append(section)


def _latest_audit(field):
    return Subquery(
        ProviderAudit.objects.filter(provider=OuterRef("pk")).order_by("-audited_on", "-pk").values(field)[:1]
    )


def audit_expired_q(today) -> Q:
    """No audit, the latest older than the maximum age (G §3a–c: annual), or insurance lapsed or
    not recorded."""
    oldest = today - timedelta(days=thresholds.audit_max_age_days())
    return Q(last_audited_on__isnull=True) | Q(last_audited_on__lt=oldest) | Q(insurance_expires_on__lt=today)


def audit_due_soon_q(today, *, within_days: int = 30) -> Q:
    """Not yet expired, but the audit or the insurance runs out within `within_days`."""
    oldest = today - timedelta(days=thresholds.audit_max_age_days())
    return ~audit_expired_q(today) & (
        Q(last_audited_on__lt=oldest + timedelta(days=within_days))
        | Q(insurance_expires_on__lt=today + timedelta(days=within_days))
    )


def provider_list(user, *, today=None):
    """Providers with the number of the user's own pupils placed there today and their latest
    audit's dates."""
    today = today or timezone.localdate()
    scope = user_scope(user)
    active = Q(placements__start_date__lte=today) & (
        Q(placements__end_date__isnull=True) | Q(placements__end_date__gte=today)
    )
    if not scope.everything:
        active &= Q(placements__pupil__school_id__in=scope.school_ids)
    return visible_providers(user).annotate(
        pupils_placed=Count("placements__pupil", filter=active, distinct=True),
        last_audited_on=_latest_audit("audited_on"),
        audit_next_due_on=_latest_audit("next_due_on"),
        insurance_expires_on=_latest_audit("insurance_expires_on"),
    )


def audit_status(provider, today) -> str:
    """ "expired", "due" or "current" for a provider from `provider_list` (the same tests as the
    register's filter)."""
    oldest = today - timedelta(days=thresholds.audit_max_age_days())
    audited, insurance = provider.last_audited_on, provider.insurance_expires_on
    if audited is None or audited < oldest or insurance is None or insurance < today:
        return "expired"
    if audited < oldest + timedelta(days=30) or insurance < today + timedelta(days=30):
        return "due"
    return "current"


def provider_page_sections(user, provider, *, today):
    return [section(user, provider, today) for section in PROVIDER_PAGE_SECTIONS]


# --- Quality assurance (G §3e: QA reports shared across the partnership) ---------------------------


def qa_visits_visible_to(user):
    """QA visits shared with a partnership are visible to every school of that partnership and to
    no other; a visit a school kept to itself (no partnership) only to that school."""
    scope = user_scope(user)
    visits = QAVisit.objects.select_related("provider", "partnership", "school")
    if scope.everything:
        return visits
    if not scope.school_ids:
        return visits.none()
    partnerships = School.objects.filter(id__in=scope.school_ids).values("partnership_id")
    return visits.filter(
        Q(partnership_id__in=partnerships) | Q(partnership__isnull=True, school_id__in=scope.school_ids)
    )


def audits_visible_to(user):
    """Audits of the providers on the user's register (the directory audit is shared, G §3a)."""
    return ProviderAudit.objects.filter(provider__in=visible_providers(user)).select_related("provider")


def quality_section(user, provider, today) -> dict:
    """For a provider's page: its QA visits the user may read, newest first."""
    return {
        "template": "providers/quality_section.html",
        "provider": provider,
        "qa_visits": list(
            qa_visits_visible_to(user).filter(provider=provider).order_by("-visited_on", "-pk")
        ),
    }
