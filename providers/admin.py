from django.contrib import admin

from apdash.admin import ReadOnlyInline, ServiceAdmin

from . import services
from .models import Provider, ProviderAudit, QAVisit


class AddOnlyAdmin(ServiceAdmin):
    """Audits and QA visits are records of what happened: added here through the service, then kept."""

    def has_change_permission(self, request, obj=None):
        return obj is None


class ProviderAuditInline(ReadOnlyInline):
    model = ProviderAudit
    extra = 0
    fields = ["audited_on", "insurance_expires_on", "outcome", "next_due_on"]


@admin.register(Provider)
class ProviderAdmin(ServiceAdmin):
    list_display = ["name", "provider_type", "registration_status", "urn", "ukprn", "directory_registered"]
    list_filter = ["registration_status", "provider_type", "directory_registered"]
    search_fields = ["name", "urn", "ukprn", "postcode"]
    inlines = [ProviderAuditInline]

    def save_through_service(self, request, instance, fields):
        # Through the services, so a registration change is audited with its evidence here too.
        if instance is None:
            return services.provider_create(actor=request.user, **fields)
        return services.provider_update(actor=request.user, provider=instance, **fields)


@admin.register(ProviderAudit)
class ProviderAuditAdmin(AddOnlyAdmin):
    list_display = ["provider", "audited_on", "insurance_expires_on", "outcome", "next_due_on"]
    list_filter = ["outcome"]
    list_select_related = ["provider"]
    autocomplete_fields = ["provider"]
    exclude = ["recorded_by"]

    def save_through_service(self, request, instance, fields):
        return services.provider_audit_record(actor=request.user, **fields)


@admin.register(QAVisit)
class QAVisitAdmin(AddOnlyAdmin):
    list_display = ["provider", "visited_on", "visitor", "judgement", "partnership", "school"]
    list_filter = ["judgement", "partnership"]
    list_select_related = ["provider"]
    autocomplete_fields = ["provider"]
    exclude = ["recorded_by"]

    def save_through_service(self, request, instance, fields):
        return services.qa_visit_record(actor=request.user, **fields)
