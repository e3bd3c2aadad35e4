from django.contrib import admin

from .models import EvidencePack


@admin.register(EvidencePack)
class EvidencePackAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "scope",
        "school",
        "partnership",
        "pupil",
        "status",
        "progress",
        "generated_by",
        "created_at",
    ]
    list_filter = ["status", "scope"]
    list_select_related = ["school", "partnership", "pupil", "generated_by"]
    readonly_fields = ["status", "progress", "stage", "pages", "file", "error", "generated_by", "created_at"]
