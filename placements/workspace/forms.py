"""Forms for the workspace pages."""

from __future__ import annotations

from django import forms

from apdash.forms import DATE_HINT
from apdash.school_choices import limit_schools


class TodayBoardForm(forms.Form):
    """The today board's date chooser and filters (a GET form). `school_choices` are the
    schools and partnerships `apdash.school_choices.school_choices` offers the user."""

    date = forms.DateField(
        label="Date",
        required=False,
        help_text=DATE_HINT,
        widget=forms.DateInput(format="%d/%m/%Y"),
        error_messages={"invalid": "Enter the date as a real date, for example 27 3 2026"},
    )
    provider = forms.ModelChoiceField(
        label="Provider", required=False, queryset=None, empty_label="All providers"
    )
    year_group = forms.TypedChoiceField(
        label="Year group",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "All year groups")] + [(y, f"Year {y}") for y in range(7, 14)],
    )

    partnership = forms.ModelChoiceField(
        label="Partnership", required=False, queryset=None, empty_label="All partnerships"
    )
    school = forms.ModelChoiceField(label="School", required=False, queryset=None, empty_label="All schools")

    def __init__(self, *args, providers, school_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        limit_schools(self.fields, school_choices)
