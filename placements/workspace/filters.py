"""django-filter FilterSet for the pupil list, which shows each pupil with their placements and flags."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from apdash.school_choices import limit_schools
from placements.compliance.models import Flag
from placements.core.models import Placement, Pupil

YES_NO = [("yes", "Yes"), ("no", "No")]


class PupilFilter(django_filters.FilterSet):
    """The pupil list's filters. `providers` limits the provider choices to what the user sees;
    `school_choices` are the schools and partnerships `apdash.school_choices.school_choices`
    offers them."""

    q = django_filters.CharFilter(label="Name or UPN", method="filter_search")
    year_group = django_filters.ChoiceFilter(
        label="Year group", choices=[(y, f"Year {y}") for y in range(7, 14)], empty_label="All year groups"
    )
    sen_status = django_filters.ChoiceFilter(
        label="SEN status", choices=Pupil.SenStatus.choices, empty_label="Any SEN status"
    )
    looked_after = django_filters.ChoiceFilter(
        label="Looked after", choices=YES_NO, empty_label="Either", method="filter_yes_no"
    )
    provider = django_filters.ModelChoiceFilter(
        label="Provider (current placement)",
        queryset=None,
        empty_label="Any provider",
        method="filter_provider",
    )
    partnership = django_filters.ModelChoiceFilter(
        label="Partnership", field_name="school__partnership", queryset=None, empty_label="All partnerships"
    )
    school = django_filters.ModelChoiceFilter(label="School", queryset=None, empty_label="All schools")
    has_open_flags = django_filters.ChoiceFilter(
        label="Has open flags", choices=YES_NO, empty_label="Either", method="filter_flags"
    )

    class Meta:
        model = Pupil
        fields = [
            "q",
            "year_group",
            "sen_status",
            "looked_after",
            "provider",
            "partnership",
            "school",
            "has_open_flags",
        ]

    def __init__(self, *args, providers, today, school_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.filters["provider"].queryset = providers
        limit_schools(self.filters, school_choices)
        for name, field in self.form.fields.items():
            if name != "q":
                field.widget.attrs["class"] = "govuk-select"
        self.form.fields["q"].widget = forms.TextInput(attrs={"class": "govuk-input"})

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        q = Q(upn__iexact=value)
        for word in value.split():
            q |= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        return queryset.filter(q)

    def filter_yes_no(self, queryset, name, value):
        return queryset.filter(**{name: value == "yes"})

    def filter_provider(self, queryset, name, value):
        placed = Placement.objects.active_on(self.today).filter(provider=value).values("pupil_id")
        return queryset.filter(id__in=placed)

    def filter_flags(self, queryset, name, value):
        flagged = Flag.objects.filter(resolved_at__isnull=True, pupil__isnull=False).values("pupil_id")
        return queryset.filter(id__in=flagged) if value == "yes" else queryset.exclude(id__in=flagged)
