"""django-filter FilterSets for the placement-area list pages."""

import django_filters
from django import forms
from django.db.models import Q

from .models import Flag, Pupil

YES_NO = [("yes", "Yes"), ("no", "No")]


class PupilFilter(django_filters.FilterSet):
    """The pupil list's filters. `providers` limits the provider choices to what the user sees."""

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
    has_open_flags = django_filters.ChoiceFilter(
        label="Has open flags", choices=YES_NO, empty_label="Either", method="filter_flags"
    )

    class Meta:
        model = Pupil
        fields = ["q", "year_group", "sen_status", "looked_after", "provider", "has_open_flags"]

    def __init__(self, *args, providers, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.filters["provider"].queryset = providers
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
        active = Q(placements__start_date__lte=self.today) & (
            Q(placements__end_date__isnull=True) | Q(placements__end_date__gte=self.today)
        )
        return queryset.filter(id__in=Pupil.objects.filter(active, placements__provider=value).values("id"))

    def filter_flags(self, queryset, name, value):
        flagged = Flag.objects.filter(resolved_at__isnull=True, pupil__isnull=False).values("pupil_id")
        return queryset.filter(id__in=flagged) if value == "yes" else queryset.exclude(id__in=flagged)


class FlagFilter(django_filters.FilterSet):
    """The Flags page's filters; open flags unless asked otherwise. `schools` limits the school
    choices to what the user sees."""

    STATUSES = [("open", "Open"), ("resolved", "Resolved"), ("all", "Open and resolved")]

    status = django_filters.ChoiceFilter(
        label="Status", choices=STATUSES, empty_label=None, method="filter_status"
    )
    kind = django_filters.ChoiceFilter(label="Kind", choices=Flag.Kind.choices, empty_label="All kinds")
    severity = django_filters.ChoiceFilter(
        label="Severity", choices=Flag.Severity.choices, empty_label="Red and amber"
    )
    school = django_filters.ModelChoiceFilter(label="School", queryset=None, empty_label="All schools")

    class Meta:
        model = Flag
        fields = ["status", "kind", "severity", "school"]

    def __init__(self, data=None, *args, schools, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", "open")
        super().__init__(data, *args, **kwargs)
        self.filters["school"].queryset = schools
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "govuk-select"

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(resolved_at__isnull=True)
        if value == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset
