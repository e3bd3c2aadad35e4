"""The providers app's permissions, from the core's predicates (registered in ready())."""

import rules

from apdash.permissions import is_partnership_coordinator, is_school_staff, is_superuser, manages_placements

from .selectors import provider_in_use_by


@rules.predicate
def works_with_provider(user, provider):
    return provider is None or provider_in_use_by(user).filter(pk=provider.pk).exists()


def register_permissions() -> None:
    rules.set_perm("providers.view_provider_register", is_superuser | is_school_staff)
    rules.set_perm("providers.add_provider", manages_placements)
    rules.set_perm("providers.change_provider", is_superuser | (manages_placements & works_with_provider))
    # DfE's register is imported for the whole partnership, by its co-ordinators.
    rules.set_perm("providers.import_gias", is_superuser | is_partnership_coordinator)
