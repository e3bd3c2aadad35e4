"""django-filter FilterSet for the flags page."""

from __future__ import annotations

import django_filters

from apdash.school_choices import limit_schools
from placements.compliance.models import Flag


class FlagFilter(django_filters.FilterSet):
    """The Flags page's filters; open flags unless asked otherwise. `school_choices` are the
    schools and partnerships `apdash.school_choices.school_choices` offers the user."""

    STATUSES = [("open", "Open"), ("resolved", "Resolved"), ("all", "Open and resolved")]

    status = django_filters.ChoiceFilter(
        label="Status", choices=STATUSES, empty_label=None, method="filter_status"
    )
    kind = django_filters.ChoiceFilter(label="Kind", choices=Flag.Kind.choices, empty_label="All kinds")
    severity = django_filters.ChoiceFilter(
        label="Severity", choices=Flag.Severity.choices, empty_label="Red and amber"
    )
    partnership = django_filters.ModelChoiceFilter(
        label="Partnership", field_name="school__partnership", queryset=None, empty_label="All partnerships"
    )
    school = django_filters.ModelChoiceFilter(label="School", queryset=None, empty_label="All schools")

    class Meta:
        model = Flag
        fields = ["status", "kind", "severity", "partnership", "school"]

    def __init__(self, data=None, *args, school_choices, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", "open")
        super().__init__(data, *args, **kwargs)
        limit_schools(self.filters, school_choices)
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "govuk-select"

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(resolved_at__isnull=True)
        if value == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset
