"""Admin for pupils and placements."""

from __future__ import annotations

from django.contrib import admin

from placements.core.models import Placement, Pupil, TimetableSlot


@admin.register(Pupil)
class PupilAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "upn", "year_group", "school", "sen_status", "looked_after"]
    list_filter = ["school", "year_group", "sen_status", "looked_after"]
    list_select_related = ["school"]
    search_fields = ["first_name", "last_name", "upn"]


class TimetableSlotInline(admin.TabularInline):
    model = TimetableSlot
    extra = 0


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["pupil", "provider", "start_date", "end_date", "status", "commissioned_by"]
    list_filter = ["status", "commissioned_by", "provider__registration_status"]
    list_select_related = ["pupil", "provider"]
    search_fields = ["pupil__first_name", "pupil__last_name", "pupil__upn", "provider__name"]
    autocomplete_fields = ["pupil", "provider"]
    inlines = [TimetableSlotInline]
