"""Admin for attendance marks and follow-ups."""

from __future__ import annotations

from django.contrib import admin

from apdash.admin import ReadOnlyAdmin
from placements.attendance.models import AttendanceMark, FollowUp


@admin.register(AttendanceMark)
class AttendanceMarkAdmin(ReadOnlyAdmin):
    list_display = ["placement", "date", "session", "code", "source"]
    list_filter = ["session", "code", "source"]
    list_select_related = ["placement__pupil", "placement__provider"]
    date_hierarchy = "date"
    raw_id_fields = ["placement"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["attendance", "contacted", "contacted_at", "outcome"]
    list_filter = ["outcome"]
    raw_id_fields = ["attendance"]
