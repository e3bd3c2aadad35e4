"""Read-only admin showing who and when, never what: the narrative stays behind the DSL pages,
where every read is audited."""

from django.contrib import admin

from apdash.admin import ReadOnlyAdmin

from .models import Concern, ConcernEntry, Induction, RiskAssessment


@admin.register(Concern)
class ConcernAdmin(ReadOnlyAdmin):
    list_display = ["id", "pupil", "urgency", "status", "raised_by", "raised_at", "acknowledged_at"]
    list_filter = ["status", "urgency"]
    list_select_related = ["pupil", "raised_by"]
    fields = [
        "pupil",
        "placement",
        "urgency",
        "status",
        "raised_by",
        "raised_at",
        "acknowledged_at",
        "closed_at",
    ]


@admin.register(ConcernEntry)
class ConcernEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "concern", "kind", "author", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["concern__pupil", "author"]
    fields = ["concern", "kind", "author", "created_at", "corrects"]


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["placement", "approved_at", "review_date", "created_by"]
    list_select_related = ["placement__pupil", "placement__provider", "created_by"]


@admin.register(Induction)
class InductionAdmin(ReadOnlyAdmin):
    list_display = ["placement", "date", "provider_dsl_name", "recorded_by"]
    list_select_related = ["placement__pupil", "placement__provider", "recorded_by"]
