from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect

from .models import AcademicYear, AuditEvent, Closure, HalfTerm, Membership, Partnership, School, User
from .services import calendar_save


class ReadOnlyAdmin(admin.ModelAdmin):
    """Domain records are written on their pages and through the API (services: validation, the
    audit trail, re-checked flags); the admin shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ServiceAdmin(admin.ModelAdmin):
    """An admin whose saves go through the app's service, as the pages' and the API's do:
    subclasses define `save_through_service(request, instance, fields)` (instance None to add)
    and return the saved object. A service's ValidationError is shown, and nothing is saved.
    Records are kept: nothing is deleted from here."""

    def save_through_service(self, request, instance, fields):
        raise NotImplementedError

    def changeform_view(self, request, *args, **kwargs):
        try:
            with transaction.atomic():
                return super().changeform_view(request, *args, **kwargs)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def form_fields(self, form, change) -> dict:
        names = form.changed_data if change else list(form.cleaned_data)
        return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}

    def save_model(self, request, obj, form, change):
        saved = self.save_through_service(request, obj if change else None, self.form_fields(form, change))
        obj.pk, obj._state.adding = saved.pk, False

    def has_delete_permission(self, request, obj=None):
        return False


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


class HalfTermInline(ReadOnlyInline):
    """Shown with their year; changed on the half term's own page, through the calendar service."""

    model = HalfTerm
    fields = ["name", "start_date", "end_date", "partnership"]
    readonly_fields = fields


@admin.register(AcademicYear)
class AcademicYearAdmin(admin.ModelAdmin):
    list_display = ["label", "start_date", "end_date"]
    inlines = [HalfTermInline]


@admin.register(HalfTerm)
class HalfTermAdmin(NationalHalfTermsReadOnly, ServiceAdmin):
    list_display = ["name", "academic_year", "start_date", "end_date", "partnership"]
    list_filter = ["academic_year", "partnership"]

    def save_through_service(self, request, instance, fields):
        return calendar_save(actor=request.user, model=HalfTerm, instance=instance, fields=fields)


@admin.register(Closure)
class ClosureAdmin(ServiceAdmin):
    list_display = ["date", "reason", "school", "partnership"]
    list_filter = ["partnership", "school"]
    date_hierarchy = "date"

    def save_through_service(self, request, instance, fields):
        return calendar_save(actor=request.user, model=Closure, instance=instance, fields=fields)


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
