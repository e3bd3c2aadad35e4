"""Object permissions as small composable `rules` predicates: "may this user do X to this
object". Visibility itself is answered by each app's selectors from `apdash.selectors.user_scope`.
Each app registers its own permissions from these predicates in its AppConfig.ready()."""

import rules

from .models import Role
from .selectors import user_roles, user_scope


@rules.predicate
def is_superuser(user):
    return user_scope(user).everything


def has_role(*roles):
    wanted = frozenset(roles)

    @rules.predicate(name=f"has_role({', '.join(sorted(wanted))})")
    def predicate(user):
        return bool(user_roles(user) & wanted)

    return predicate


@rules.predicate
def pupil_in_scope(user, pupil):
    scope = user_scope(user)
    return scope.everything or pupil.school_id in scope.school_ids


@rules.predicate
def placement_in_scope(user, placement):
    # A school-side scope: provider staff reading a placement does not make it theirs to change.
    return placement is not None and pupil_in_scope(user, placement.pupil)


@rules.predicate
def school_in_scope(user, school):
    scope = user_scope(user)
    return scope.everything or school.id in scope.school_ids


is_school_coordinator = has_role(Role.SCHOOL_COORDINATOR)
is_partnership_coordinator = has_role(Role.PARTNERSHIP_COORDINATOR)
is_dsl = has_role(Role.DSL)
is_head = has_role(Role.HEAD)
is_provider_staff = has_role(Role.PROVIDER_STAFF)
is_school_staff = has_role(Role.SCHOOL_COORDINATOR, Role.PARTNERSHIP_COORDINATOR, Role.DSL, Role.HEAD)
manages_placements = is_superuser | has_role(Role.SCHOOL_COORDINATOR, Role.PARTNERSHIP_COORDINATOR)
manages_calendar = is_superuser | is_partnership_coordinator


@rules.predicate
def is_own_partnership_row(user, row):
    """A calendar row (half term, closure) of one of the user's own partnerships: England's usual
    half terms (no partnership) belong to no one but a superuser."""
    return row is None or (
        row.partnership_id is not None and row.partnership_id in user_scope(user).partnership_ids
    )


rules.add_perm("apdash.manage_calendar", manages_calendar)
rules.add_perm(
    "apdash.change_half_term", is_superuser | (is_partnership_coordinator & is_own_partnership_row)
)
rules.add_perm("apdash.manage_schools", is_superuser)
