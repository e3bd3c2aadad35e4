"""Read queries for the provider register."""

from collections.abc import Callable
from datetime import timedelta

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from apdash import thresholds
from apdash.models import Partnership, Role, School
from apdash.selectors import partnership_ids_in_view, user_scope
from providers import rules
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


def audit_unsatisfactory_q(today) -> Q:
    """In date, but the latest audit is not current (`rules.audit_shortfalls`): outcome
    Unsatisfactory, or no single central record check, DSL or written confirmation of checks."""
    return ~audit_expired_q(today) & (
        Q(audit_outcome=rules.OUTCOME_UNSATISFACTORY)
        | Q(audit_scr_checked=False)
        | Q(audit_dsl_confirmed=False)
        | Q(audit_checks_in_writing=False)
    )


def audit_due_soon_q(today, *, within_days: int = 30) -> Q:
    """Not yet expired nor unsatisfactory, but the audit or the insurance runs out within
    `within_days`."""
    oldest = today - timedelta(days=thresholds.audit_max_age_days())
    return (
        ~audit_expired_q(today)
        & ~audit_unsatisfactory_q(today)
        & (
            Q(last_audited_on__lt=oldest + timedelta(days=within_days))
            | Q(insurance_expires_on__lt=today + timedelta(days=within_days))
        )
    )


# How many of a user's pupils are placed at each provider on a day is the placements app's answer
# (an app to the left): it registers the count expression in its AppConfig.ready().
PUPILS_PLACED: dict[str, Callable] = {}


def register_pupils_placed(count: Callable) -> None:
    """`count(school_ids=..., today=...)` returns an expression over providers; school_ids None is
    every school."""
    PUPILS_PLACED["count"] = count


def provider_list(user, *, today=None):
    """Providers with the number of the user's own pupils placed there today and their latest
    audit's dates."""
    today = today or timezone.localdate()
    scope = user_scope(user)
    return visible_providers(user).annotate(
        pupils_placed=PUPILS_PLACED["count"](
            school_ids=None if scope.everything else scope.school_ids, today=today
        ),
        last_audited_on=_latest_audit("audited_on"),
        audit_next_due_on=_latest_audit("next_due_on"),
        insurance_expires_on=_latest_audit("insurance_expires_on"),
        audit_outcome=_latest_audit("outcome"),
        audit_scr_checked=_latest_audit("single_central_record_checked"),
        audit_dsl_confirmed=_latest_audit("dsl_confirmed"),
        audit_checks_in_writing=_latest_audit("safeguarding_checks_confirmed_in_writing"),
    )


def audit_status(provider, today) -> str:
    """`providers.rules.audit_status` for a provider from `provider_list`: "expired",
    "unsatisfactory", "due" or "current"."""
    shortfalls = (
        rules.audit_shortfalls(
            outcome=provider.audit_outcome,
            single_central_record_checked=provider.audit_scr_checked,
            dsl_confirmed=provider.audit_dsl_confirmed,
            safeguarding_checks_confirmed_in_writing=provider.audit_checks_in_writing,
        )
        if provider.last_audited_on
        else []
    )
    return rules.audit_status(
        audited_on=provider.last_audited_on,
        insurance_expires_on=provider.insurance_expires_on,
        shortfalls=shortfalls,
        today=today,
        max_age_days=thresholds.audit_max_age_days(),
    )


def audit_of(audit, *, today) -> tuple[str, list[tuple[str, str]]]:
    """(status, the words of every problem) for one audit row, or None: no audit."""
    max_age = thresholds.audit_max_age_days()
    if audit is None:
        problems = rules.audit_problems(
            audited_on=None, insurance_expires_on=None, today=today, max_age_days=max_age
        )
        return rules.EXPIRED, problems
    shortfalls = rules.audit_shortfalls(
        outcome=audit.outcome,
        single_central_record_checked=audit.single_central_record_checked,
        dsl_confirmed=audit.dsl_confirmed,
        safeguarding_checks_confirmed_in_writing=audit.safeguarding_checks_confirmed_in_writing,
    )
    expiry = rules.audit_problems(
        audited_on=audit.audited_on,
        insurance_expires_on=audit.insurance_expires_on,
        today=today,
        max_age_days=max_age,
    )
    status = rules.audit_status(
        audited_on=audit.audited_on,
        insurance_expires_on=audit.insurance_expires_on,
        shortfalls=shortfalls,
        today=today,
        max_age_days=max_age,
    )
    return status, expiry + shortfalls


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


def qa_visit_recorder(user):
    """Who a QA visit (page or API) is recorded for: a member of exactly one school records it for
    that school (and its partnership); a partnership co-ordinator for their partnership."""
    schools = list(
        School.objects.filter(members__user=user, members__role__in=[Role.SCHOOL_COORDINATOR, Role.HEAD])
        .select_related("partnership")
        .distinct()[:2]
    )
    if len(schools) == 1:
        return schools[0], schools[0].partnership
    partnership_ids = sorted(user_scope(user).partnership_ids)
    return None, Partnership.objects.filter(pk__in=partnership_ids[:1]).first()
