from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import AcademicYear, AuditEvent, Closure, HalfTerm, Membership, Partnership, School, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["school", "partnership", "provider"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal details", {"fields": ("full_name", "phone")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [MembershipInline]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "urn", "partnership"]
    list_filter = ["partnership"]
    search_fields = ["name", "urn"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "school", "partnership", "provider"]
    list_filter = ["role"]
    list_select_related = ["user", "school", "partnership", "provider"]
    autocomplete_fields = ["user", "school", "partnership", "provider"]


class NationalHalfTermsReadOnly:
    """England's usual half terms (no partnership) are changed by superusers only."""

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            if isinstance(obj, HalfTerm) and obj.partnership_id is None:
                return False
            if isinstance(obj, AcademicYear):
                return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj) and super().has_delete_permission(request, obj)


class HalfTermInline(NationalHalfTermsReadOnly, admin.TabularInline):
    model = HalfTerm
    extra = 0


@admin.register(AcademicYear)
class AcademicYearAdmin(admin.ModelAdmin):
    list_display = ["label", "start_date", "end_date"]
    inlines = [HalfTermInline]


@admin.register(HalfTerm)
class HalfTermAdmin(NationalHalfTermsReadOnly, admin.ModelAdmin):
    list_display = ["name", "academic_year", "start_date", "end_date", "partnership"]
    list_filter = ["academic_year", "partnership"]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["date", "reason", "school", "partnership"]
    list_filter = ["partnership", "school"]
    date_hierarchy = "date"


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is only ever appended to, by the services."""

    list_display = ["created_at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    list_select_related = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
