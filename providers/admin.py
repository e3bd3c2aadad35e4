from django.contrib import admin

from . import services
from .models import Provider, ProviderAudit, QAVisit


class ProviderAuditInline(admin.TabularInline):
    model = ProviderAudit
    extra = 0
    fields = ["audited_on", "insurance_expires_on", "outcome", "next_due_on"]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "provider_type", "registration_status", "urn", "ukprn", "directory_registered"]
    list_filter = ["registration_status", "provider_type", "directory_registered"]
    search_fields = ["name", "urn", "ukprn", "postcode"]
    inlines = [ProviderAuditInline]

    def save_model(self, request, obj, form, change):
        # Through the services, so a registration change is audited with its evidence here too.
        if change:
            services.provider_update(actor=request.user, provider=obj)
        else:
            super().save_model(request, obj, form, change)


@admin.register(ProviderAudit)
class ProviderAuditAdmin(admin.ModelAdmin):
    list_display = ["provider", "audited_on", "insurance_expires_on", "outcome", "next_due_on"]
    list_filter = ["outcome"]
    list_select_related = ["provider"]
    autocomplete_fields = ["provider"]


@admin.register(QAVisit)
class QAVisitAdmin(admin.ModelAdmin):
    list_display = ["provider", "visited_on", "visitor", "judgement", "partnership", "school"]
    list_filter = ["judgement", "partnership"]
    list_select_related = ["provider"]
    autocomplete_fields = ["provider"]
