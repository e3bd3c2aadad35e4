"""The placements app's permissions, from the core's predicates (registered in ready())."""

import rules

from apdash.permissions import (
    is_provider_staff,
    is_school_staff,
    is_superuser,
    manages_placements,
    placement_in_scope,
    pupil_in_scope,
)


def register_permissions() -> None:
    rules.set_perm("placements.view_pupil", is_superuser | (is_school_staff & pupil_in_scope))
    rules.set_perm("placements.change_pupil", manages_placements & (is_superuser | pupil_in_scope))
    rules.set_perm("placements.add_placement", manages_placements)
    rules.set_perm("placements.change_placement", manages_placements & (is_superuser | placement_in_scope))
    rules.set_perm("placements.record_attendance", is_superuser | is_school_staff | is_provider_staff)
    rules.set_perm("placements.view_pupil_list", is_superuser | is_school_staff)
    rules.set_perm("placements.add_pupil", manages_placements)
    # Plans, reviews, qualifications and outcomes: by those who manage placements (the plan pages).
    rules.set_perm("placements.manage_plans", manages_placements)
    rules.set_perm("placements.record_visit", is_superuser | is_school_staff)
    rules.set_perm("placements.record_follow_up", is_superuser | is_school_staff)
    rules.set_perm("placements.resolve_flag", is_superuser | is_school_staff)
