"""Admin for pupils and placements: saves go through the services (validation, timetable
clashes, the audit trail, re-checked flags), a placement together with its timetable."""

from __future__ import annotations

from django.contrib import admin

from apdash.admin import ServiceAdmin
from placements.core import rules, services
from placements.core.models import Placement, Pupil, TimetableSlot


@admin.register(Pupil)
class PupilAdmin(ServiceAdmin):
    list_display = ["last_name", "first_name", "upn", "year_group", "school", "sen_status", "looked_after"]
    list_filter = ["school", "year_group", "sen_status", "looked_after"]
    list_select_related = ["school"]
    search_fields = ["first_name", "last_name", "upn"]

    def save_through_service(self, request, instance, fields):
        if instance is None:
            return services.pupil_create(actor=request.user, **fields)
        return services.pupil_update(actor=request.user, pupil=instance, **fields)


class TimetableSlotInline(admin.TabularInline):
    model = TimetableSlot
    extra = 0


@admin.register(Placement)
class PlacementAdmin(ServiceAdmin):
    list_display = ["pupil", "provider", "start_date", "end_date", "status", "commissioned_by"]
    list_filter = ["status", "commissioned_by", "provider__registration_status"]
    list_select_related = ["pupil", "provider"]
    search_fields = ["pupil__first_name", "pupil__last_name", "pupil__upn", "provider__name"]
    autocomplete_fields = ["pupil", "provider"]
    exclude = ["created_by"]
    inlines = [TimetableSlotInline]

    def save_model(self, request, obj, form, change):
        """Saved in `save_related`, with the timetable from the inline: all or nothing."""

    def save_related(self, request, form, formsets, change):
        slots = next(formset for formset in formsets if formset.model is TimetableSlot)
        timetable = [
            rules.Slot(f.cleaned_data["weekday"], f.cleaned_data["start"], f.cleaned_data["end"])
            for f in slots.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        # The service replaced the timetable; the change message names no inline objects.
        slots.new_objects, slots.changed_objects, slots.deleted_objects = [], [], []
        fields = self.form_fields(form, change)
        if change:
            services.placement_update(
                actor=request.user, placement=form.instance, timetable=timetable, **fields
            )
        else:
            placement = services.placement_create(actor=request.user, timetable=timetable, **fields)
            form.instance.pk, form.instance._state.adding = placement.pk, False
