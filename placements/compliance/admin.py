"""Admin for flags."""

from __future__ import annotations

from django.contrib import admin

from apdash.admin import ReadOnlyAdmin
from placements.compliance.models import Flag
from placements.compliance.services import flag_resolve


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin):
    """Flags are opened and resolved by the checks; a person resolves one with a reason, on the
    flags page or with the action here (the checks do not reopen it)."""

    actions = ["resolve"]
    list_display = [
        "kind",
        "severity",
        "school",
        "pupil",
        "provider",
        "subject_date",
        "opened_at",
        "resolved_at",
    ]
    list_filter = ["kind", "severity", "resolved_at"]
    list_select_related = ["school", "pupil", "provider"]
    raw_id_fields = ["pupil", "placement", "provider", "school"]

    @admin.action(description="Resolve the selected flags (dealt with outside apdash)")
    def resolve(self, request, queryset):
        for flag in queryset.filter(resolved_at__isnull=True):
            flag_resolve(
                actor=request.user, flag=flag, resolution="Resolved in the admin: dealt with outside apdash."
            )
