"""Read queries for flags, scoped to what each user may see."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from apdash.models import Role, User
from apdash.selectors import (
    user_scope,
)
from placements.compliance.kinds import BY_CODE, DSL_ONLY_CODES, KINDS
from placements.compliance.models import Flag
from placements.core.models import Placement
from providers.models import Provider


def visible_flags(user) -> QuerySet:
    """Flags about the user's schools, and provider-wide flags (no school) for providers where
    the user's schools have pupils placed. Concern flags only for the schools where the user is
    the DSL, and for a partnership DSL only about partnership-commissioned placements (as with the
    concerns themselves) — not even a superuser sees that a concern exists otherwise."""
    scope = user_scope(user)
    may_see_concern = Q(school_id__in=scope.dsl_school_ids) | Q(
        school_id__in=scope.dsl_partnership_school_ids,
        placement__commissioned_by=Placement.Commissioner.PARTNERSHIP,
    )
    qs = Flag.objects.select_related("school", "pupil", "placement", "provider").exclude(
        Q(kind__in=DSL_ONLY_CODES) & ~may_see_concern
    )
    if scope.everything:
        return qs
    if not scope.school_ids:
        return qs.none()
    provider_ids = Placement.objects.filter(pupil__school_id__in=scope.school_ids).values("provider_id")
    return qs.filter(Q(school_id__in=scope.school_ids) | Q(school__isnull=True, provider_id__in=provider_ids))


def providers_with_issues(user, *, limit: int = 10) -> list[tuple[object, list[tuple[str, int]], int]]:
    """The `limit` providers with most open flags the user may see, most first: each with its count
    of open flags by kind (label, number) and in all. Three queries, however many flags."""
    open_flags = visible_flags(user).filter(resolved_at__isnull=True, provider__isnull=False).order_by()
    counts = list(
        open_flags.values("provider_id")
        .annotate(n=Count("id"))
        .order_by("-n", "provider__name")
        .values_list("provider_id", "n")[:limit]
    )
    if not counts:
        return []
    by_kind = defaultdict(list)
    for provider_id, kind, n in (
        open_flags.filter(provider_id__in=[provider_id for provider_id, _ in counts])
        .values("provider_id", "kind")
        .annotate(n=Count("id"))
        .order_by("provider_id", "-n", "kind")
        .values_list("provider_id", "kind", "n")
    ):
        by_kind[provider_id].append((BY_CODE[kind].label, n))
    providers = Provider.objects.in_bulk([provider_id for provider_id, _ in counts])
    return [(providers[provider_id], by_kind[provider_id], n) for provider_id, n in counts]


def flags_for(user, *, filters: dict | None = None):
    """The flags a user may see, with what a list shows already joined (not the placement: its
    row shows the pupil, provider and school); `filters` are field lookups from the flags page's
    FilterSet."""
    return (
        visible_flags(user)
        .filter(**(filters or {}))
        .select_related(None)
        .select_related("school", "pupil", "provider", "resolved_by")
    )


def flag_summary(user) -> list[dict]:
    """Open flags the user may see, counted by kind and severity (the head's view)."""
    rows = (
        visible_flags(user)
        .filter(resolved_at__isnull=True)
        .values("kind", "severity")
        .annotate(count=Count("id"))
        .order_by("kind", "severity")
    )
    labels = {kind.code: kind.label for kind in KINDS}
    summary: dict[str, dict] = {}
    for row in rows:
        entry = summary.setdefault(
            row["kind"],
            {"kind": row["kind"], "label": labels.get(row["kind"], row["kind"]), "red": 0, "amber": 0},
        )
        entry[row["severity"]] = row["count"]
    return sorted(summary.values(), key=lambda e: (-e["red"], -e["amber"], e["label"]))


def flags_by_kind_and_school(user, schools) -> dict:
    """Open flags the user may see, counted by kind (rows) and school (columns), with the
    provider-wide ones (no school) apart: the partnership home's summary. One query."""
    return _flags_by_kind(user, list(schools), column="school_id", param="school")


def flags_by_kind_and_partnership(user, partnerships) -> dict:
    """`flags_by_kind_and_school` with a column per partnership (`pk` None: the schools in none),
    for service staff, whose schools run to thousands."""
    return _flags_by_kind(user, list(partnerships), column="school__partnership_id", param="partnership")


def _flags_by_kind(user, columns: list, *, column: str, param: str) -> dict:
    counts, provider_wide = {}, {}
    for kind, key, no_school, n in (
        visible_flags(user)
        .filter(resolved_at__isnull=True)
        .annotate(no_school=ExpressionWrapper(Q(school__isnull=True), output_field=BooleanField()))
        .values_list("kind", column, "no_school")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if no_school:
            provider_wide[kind] = provider_wide.get(kind, 0) + n
        else:
            counts[(kind, key)] = n
    rows = []
    for kind in KINDS:
        cells = [(each, counts.get((kind.code, each.pk), 0)) for each in columns]
        total = sum(n for _, n in cells) + provider_wide.get(kind.code, 0)
        if total:
            rows.append(
                {
                    "kind": kind.code,
                    "label": kind.label,
                    "severity": kind.severity,
                    "cells": cells,
                    "provider_wide": provider_wide.get(kind.code, 0),
                    "total": total,
                }
            )
    rows.sort(key=lambda row: (row["severity"] != Flag.Severity.RED, -row["total"]))
    return {
        "columns": columns,
        "param": param,
        "rows": rows,
        "provider_wide": sum(r["provider_wide"] for r in rows),
        "total": sum(r["total"] for r in rows),
    }


def open_flags_for_pupil(user, pupil):
    """Open flags about one pupil that the user may see, red first."""
    return (
        visible_flags(user).filter(pupil=pupil, resolved_at__isnull=True).order_by("-severity", "-opened_at")
    )


def open_flags_for_provider(user, provider):
    """Open flags at one provider that the user may see: provider-wide ones and those about the
    user's own pupils there, red first."""
    return (
        visible_flags(user)
        .filter(provider=provider, resolved_at__isnull=True)
        .order_by("-severity", "-opened_at")
    )


def red_flag_digests(*, since: datetime, until: datetime):
    """(co-ordinator, red flags opened in [since, until) still open that they may see) for each
    active school or partnership co-ordinator with any; one query per co-ordinator, not per flag."""
    coordinators = (
        User.objects.filter(
            is_active=True, memberships__role__in=[Role.SCHOOL_COORDINATOR, Role.PARTNERSHIP_COORDINATOR]
        )
        .distinct()
        .order_by("email")
    )
    for user in coordinators:
        flags = list(
            visible_flags(user)
            .filter(
                severity=Flag.Severity.RED,
                resolved_at__isnull=True,
                opened_at__gte=since,
                opened_at__lt=until,
            )
            .order_by("kind", "-opened_at")
        )
        if flags:
            yield user, flags
