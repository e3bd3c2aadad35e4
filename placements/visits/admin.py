"""Admin for visits."""

from __future__ import annotations

from django.contrib import admin

from apdash.admin import ReadOnlyAdmin
from placements.visits.models import Visit


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ["placement", "date", "visitor_name", "pupil_seen"]
    list_select_related = ["placement__pupil", "placement__provider"]
    date_hierarchy = "date"
    raw_id_fields = ["placement"]
