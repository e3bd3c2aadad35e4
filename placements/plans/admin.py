"""Admin for plans, milestones, reviews, qualifications and outcomes."""

from __future__ import annotations

from django.contrib import admin

from apdash.admin import ReadOnlyAdmin, ReadOnlyInline
from placements.plans.models import LearningPlan, Milestone, MilestoneProgress, Outcome, Qualification, Review


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    extra = 0
    fields = ["description", "measure", "target_date", "status", "met_on"]


@admin.register(LearningPlan)
class LearningPlanAdmin(ReadOnlyAdmin):
    list_display = ["pupil", "goal", "goal_target_date", "updated_at"]
    list_filter = ["goal"]
    list_select_related = ["pupil"]
    search_fields = ["pupil__first_name", "pupil__last_name", "pupil__upn"]
    autocomplete_fields = ["pupil"]
    inlines = [MilestoneInline]


class MilestoneProgressInline(ReadOnlyInline):
    model = MilestoneProgress
    extra = 0
    autocomplete_fields = ["milestone"]


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ["description", "plan", "target_date", "status"]
    list_filter = ["status"]
    list_select_related = ["plan__pupil"]
    search_fields = ["description", "plan__pupil__last_name"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["plan", "date", "next_review_on"]
    list_select_related = ["plan__pupil"]
    search_fields = ["plan__pupil__first_name", "plan__pupil__last_name"]
    autocomplete_fields = ["plan"]
    inlines = [MilestoneProgressInline]


@admin.register(Qualification)
class QualificationAdmin(ReadOnlyAdmin):
    list_display = ["pupil", "area", "subject", "level", "provider", "entered", "result"]
    list_filter = ["area", "entered"]
    list_select_related = ["pupil", "provider"]
    search_fields = ["subject", "pupil__last_name"]
    autocomplete_fields = ["pupil", "provider"]


@admin.register(Outcome)
class OutcomeAdmin(ReadOnlyAdmin):
    list_display = ["pupil", "recorded_on", "reintegrated_on", "destination", "sustained"]
    list_filter = ["destination", "sustained"]
    list_select_related = ["pupil"]
    search_fields = ["pupil__last_name", "destination_name"]
    autocomplete_fields = ["pupil", "placement"]
