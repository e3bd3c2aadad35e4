from django.contrib import admin

from .models import (
    AttendanceMark,
    Flag,
    FollowUp,
    LearningPlan,
    Milestone,
    MilestoneProgress,
    Outcome,
    Placement,
    Pupil,
    Qualification,
    Review,
    TimetableSlot,
    Visit,
)


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


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["placement", "date", "visitor_name", "pupil_seen"]
    list_select_related = ["placement__pupil", "placement__provider"]
    date_hierarchy = "date"
    raw_id_fields = ["placement"]


@admin.register(AttendanceMark)
class AttendanceMarkAdmin(admin.ModelAdmin):
    list_display = ["placement", "date", "session", "code", "source"]
    list_filter = ["session", "code", "source"]
    list_select_related = ["placement__pupil", "placement__provider"]
    date_hierarchy = "date"
    raw_id_fields = ["placement"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["attendance", "contacted", "contacted_at", "outcome"]
    list_filter = ["outcome"]
    raw_id_fields = ["attendance"]


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


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["description", "measure", "target_date", "status", "met_on"]


@admin.register(LearningPlan)
class LearningPlanAdmin(admin.ModelAdmin):
    list_display = ["pupil", "goal", "goal_target_date", "updated_at"]
    list_filter = ["goal"]
    list_select_related = ["pupil"]
    search_fields = ["pupil__first_name", "pupil__last_name", "pupil__upn"]
    autocomplete_fields = ["pupil"]
    inlines = [MilestoneInline]


class MilestoneProgressInline(admin.TabularInline):
    model = MilestoneProgress
    extra = 0
    autocomplete_fields = ["milestone"]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["description", "plan", "target_date", "status"]
    list_filter = ["status"]
    list_select_related = ["plan__pupil"]
    search_fields = ["description", "plan__pupil__last_name"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["plan", "date", "next_review_on"]
    list_select_related = ["plan__pupil"]
    search_fields = ["plan__pupil__first_name", "plan__pupil__last_name"]
    autocomplete_fields = ["plan"]
    inlines = [MilestoneProgressInline]


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ["pupil", "area", "subject", "level", "provider", "entered", "result"]
    list_filter = ["area", "entered"]
    list_select_related = ["pupil", "provider"]
    search_fields = ["subject", "pupil__last_name"]
    autocomplete_fields = ["pupil", "provider"]


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["pupil", "recorded_on", "reintegrated_on", "destination", "sustained"]
    list_filter = ["destination", "sustained"]
    list_select_related = ["pupil"]
    search_fields = ["pupil__last_name", "destination_name"]
    autocomplete_fields = ["pupil", "placement"]
