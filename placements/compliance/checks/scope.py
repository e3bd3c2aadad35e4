"""What a scoped check run covers, as filters over the models the checks read. Pupil-level rules
(a flag about one pupil) follow the pupils a scope reaches: a provider's or a placement's scope
reaches every pupil placed there, so a rule over all of a pupil's placements (hours, reviews) sees
them all. Provider-wide rules (audits, the cross-school registration test) follow the providers."""

from __future__ import annotations

from django.db.models import Q

from apdash.checks import Scope
from placements.core.models import Placement


def pupils_q(scope: Scope | None, path: str = "pupil") -> Q | None:
    """A filter on a model that reaches the pupil through `path`, or None when the scope runs no
    pupil-level rules. Subqueries, not id lists: the query count does not grow with the data."""
    scope = scope or Scope()
    if not scope.runs_pupil_rules:
        return None
    if scope.level == Scope.EVERYTHING:
        return Q()
    if scope.level == Scope.PARTNERSHIP:
        return Q(**{f"{path}__school__partnership": scope.id})
    if scope.level == Scope.NO_PARTNERSHIP:
        return Q(**{f"{path}__school__partnership__isnull": True})
    if scope.level == Scope.PUPIL:
        return Q(**{path: scope.id})
    placements = Placement.objects.filter(
        **({"pk": scope.id} if scope.level == Scope.PLACEMENT else {"provider_id": scope.id})
    )
    return Q(**{f"{path}__in": placements.values("pupil_id")})


def providers_q(scope: Scope | None, path: str = "provider") -> Q | None:
    """A filter on a model that reaches the provider through `path`, or None when the scope runs
    no provider-wide rules (a partnership's shard: the `providers` shard runs them once each)."""
    scope = scope or Scope()
    if not scope.runs_provider_rules:
        return None
    if scope.level in (Scope.EVERYTHING, Scope.PROVIDERS):
        return Q()
    if scope.level == Scope.PROVIDER:
        return Q(**{path: scope.id})
    placements = Placement.objects.filter(
        **({"pk": scope.id} if scope.level == Scope.PLACEMENT else {"pupil_id": scope.id})
    )
    return Q(**{f"{path}__in": placements.values("provider_id")})
