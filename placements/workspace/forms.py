"""Forms for the workspace pages."""

from __future__ import annotations

from django import forms

from apdash.forms import DATE_HINT


class TodayBoardForm(forms.Form):
    """The today board's date chooser and filters (a GET form). `schools` are the
    user's: with only one, the board asks no school question."""

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

    school = forms.ModelChoiceField(label="School", required=False, queryset=None, empty_label="All schools")

    def __init__(self, *args, providers, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["school"].queryset = schools
        if schools.count() < 2:  # one school: no school question (issue 17)
            del self.fields["school"]
