"""Admin for flags."""

from __future__ import annotations

from django.contrib import admin

from placements.compliance.models import Flag


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
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
