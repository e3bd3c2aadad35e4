"""The provider register's filters."""

import django_filters
from django.utils import timezone

from . import selectors
from .models import Provider


class ProviderFilter(django_filters.FilterSet):
    registration_status = django_filters.ChoiceFilter(
        label="Registration", choices=Provider.RegistrationStatus.choices, empty_label="Any registration"
    )
    provider_type = django_filters.ChoiceFilter(
        label="Type", choices=Provider.ProviderType.choices, empty_label="Any type"
    )
    audit = django_filters.ChoiceFilter(
        label="Annual audit",
        choices=[
            ("expired", "Expired or missing"),
            ("unsatisfactory", "Not satisfactory"),
            ("due", "Due within 30 days"),
            ("current", "Current"),
        ],
        empty_label="Any audit status",
        method="filter_audit",
    )
    pupils_placed = django_filters.ChoiceFilter(
        label="Your pupils placed",
        choices=[("yes", "Has your pupils"), ("no", "None of your pupils")],
        empty_label="Either",
        method="filter_placed",
    )

    class Meta:
        model = Provider
        fields = ["registration_status", "provider_type", "audit", "pupils_placed"]

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "govuk-select"

    def filter_audit(self, queryset, name, value):
        expired = selectors.audit_expired_q(self.today)
        unsatisfactory = selectors.audit_unsatisfactory_q(self.today)
        due = selectors.audit_due_soon_q(self.today)
        if value == "expired":
            return queryset.filter(expired)
        if value == "unsatisfactory":
            return queryset.filter(unsatisfactory)
        if value == "due":
            return queryset.filter(due)
        return queryset.exclude(expired).exclude(unsatisfactory).exclude(due)

    def filter_placed(self, queryset, name, value):
        return queryset.filter(pupils_placed__gt=0) if value == "yes" else queryset.filter(pupils_placed=0)
