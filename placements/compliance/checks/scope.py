"""What a scoped check run covers, as filters over the models the checks read. Pupil-level rules
(a flag about one pupil) follow the pupils a scope reaches: a provider's or a placement's scope
reaches every pupil placed there, so a rule over all of a pupil's placements (hours, reviews) sees
them all. Provider-wide rules (audits, the cross-school registration test) follow the providers."""

from __future__ import annotations

from django.db.models import Q

from apdash.checks import Scope, shared
from placements.compliance.models import Flag
from placements.compliance.services import OpenFlag, open_flags_of
from placements.core.models import Placement

# Flags about a provider and no pupil: the provider-wide rules write them, within `providers_q`.
PROVIDER_WIDE_KINDS = (
    Flag.Kind.AUDIT_EXPIRED,
    Flag.Kind.AUDIT_UNSATISFACTORY,
    Flag.Kind.HOURS_BREACH_PROVIDER,
    Flag.Kind.REGISTRATION_LAPSED,
    Flag.Kind.REGISTRATION_UNVERIFIED,
)
# Flags about a pupil, within `pupils_q`: every other kind but the concern's (a flag that names
# no pupil, found through its concern).
PUPIL_KINDS = tuple(
    kind
    for kind in Flag.Kind.values
    if kind not in PROVIDER_WIDE_KINDS and kind != Flag.Kind.CONCERN_UNACKNOWLEDGED
)


def pupils_q(scope: Scope | None, path: str = "pupil") -> Q | None:
    """A filter on a model that reaches the pupil through `path`, or None when the scope runs no
    pupil-level rules. Subqueries, not id lists: the query count does not grow with the data."""
    scope = scope or Scope()
    if not scope.runs_pupil_rules:
        return None
    if scope.level == Scope.EVERYTHING:
        return Q()
    if scope.level == Scope.PARTNERSHIP:
        return partnerships_q(scope, f"{path}__school__partnership")
    if scope.level == Scope.NO_PARTNERSHIP:
        return Q(**{f"{path}__school__partnership__isnull": True})
    if scope.level == Scope.PUPIL:
        return Q(**{path: scope.id})
    placements = Placement.objects.filter(
        **({"pk": scope.id} if scope.level == Scope.PLACEMENT else {"provider_id": scope.id})
    )
    return Q(**{f"{path}__in": placements.values("pupil_id")})


def partnerships_q(scope: Scope, path: str) -> Q:
    """A partnership scope's filter on a model that reaches the partnership through `path`."""
    if scope.last is None:
        return Q(**{path: scope.id})
    return Q(**{f"{path}__gte": scope.id, f"{path}__lte": scope.last})


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


def pupil_open_flags(scope: Scope | None, kinds) -> dict[str, dict[str, OpenFlag]]:
    """The open flags of these pupil-level kinds in the scope (`pupils_q`), for `flags_sync`: one
    read for all the pupil-level checks of a run (`apdash.checks.shared`)."""
    every = shared(
        "open pupil flags",
        lambda: open_flags_of(PUPIL_KINDS, pupils_q(scope)),
        alone=lambda: open_flags_of(kinds, pupils_q(scope)),
    )
    return {kind: every[kind] for kind in kinds}


def provider_open_flags(scope: Scope | None, kinds) -> dict[str, dict[str, OpenFlag]]:
    """`pupil_open_flags` for the provider-wide kinds, within `providers_q`."""
    every = shared(
        "open provider flags",
        lambda: open_flags_of(PROVIDER_WIDE_KINDS, providers_q(scope)),
        alone=lambda: open_flags_of(kinds, providers_q(scope)),
    )
    return {kind: every[kind] for kind in kinds}
