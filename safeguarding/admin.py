"""Read-only admin showing who and when, never what: the narrative stays behind the DSL pages,
where every read is audited. No search or filter reaches the narrative (a filter on it is an
oracle for its text), and every read here is audited too."""

from django.contrib import admin
from django.db.models.constants import LOOKUP_SEP

from apdash.admin import ReadOnlyAdmin
from apdash.services import audit_record

from .models import Concern, ConcernEntry, Induction, RiskAssessment


class SafeguardingAdmin(ReadOnlyAdmin):
    """Read-only, no search, only the declared filters, and every read audited."""

    search_fields = ()

    def lookup_allowed(self, lookup, value, request=None):
        # Only the declared list filters: `?description__startswith=…` is refused (a 400).
        allowed = {f if isinstance(f, str) else f[0] for f in self.list_filter}
        return lookup.split(LOOKUP_SEP)[0] in allowed and super().lookup_allowed(lookup, value, request)

    def _audit_read(self, request, object_id):
        audit_record(
            actor=request.user,
            action="admin.read",
            object_type=self.model.__name__,
            object_id=object_id or "list",
            details={"path": request.path, "query": request.GET.urlencode()},
            ip=request.META.get("REMOTE_ADDR"),
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            self._audit_read(request, None)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            self._audit_read(request, object_id)
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            self._audit_read(request, object_id)
        return response


@admin.register(Concern)
class ConcernAdmin(SafeguardingAdmin):
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
class ConcernEntryAdmin(SafeguardingAdmin):
    list_display = ["id", "concern", "kind", "author", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["concern__pupil", "author"]
    fields = ["concern", "kind", "author", "created_at", "corrects"]


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(SafeguardingAdmin):
    list_display = ["placement", "approved_at", "review_date", "created_by"]
    list_select_related = ["placement__pupil", "placement__provider", "created_by"]


@admin.register(Induction)
class InductionAdmin(SafeguardingAdmin):
    list_display = ["placement", "date", "provider_dsl_name", "recorded_by"]
    list_select_related = ["placement__pupil", "placement__provider", "recorded_by"]
