"""The visit form."""

from __future__ import annotations

from datetime import date

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fixed, Fluid, Layout, Size, Submit
from django import forms

from apdash.forms import DATE_HINT, DATE_INVALID, govuk_choices
from placements.visits.models import Visit


class VisitForm(forms.ModelForm):
    pupil_seen = forms.TypedChoiceField(
        label="Did you see the pupil?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you saw the pupil"},
    )

    class Meta:
        model = Visit
        fields = [
            "date",
            "visitor_name",
            "pupil_seen",
            "wellbeing",
            "learning",
            "behaviour",
            "pupil_view",
            "notes",
        ]
        labels = {
            "date": "Date of visit",
            "visitor_name": "Visitor",
            "wellbeing": "Wellbeing",
            "learning": "Learning",
            "behaviour": "Behaviour",
            "pupil_view": "The pupil's view",
            "notes": "Anything else (optional)",
        }
        help_texts = {"date": DATE_HINT, "visitor_name": "Who visited"}
        widgets = {"date": forms.TextInput}
        error_messages = {
            "date": {
                "required": "Enter the date of the visit",
                "invalid": DATE_INVALID,
            },
        }

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["date"].initial = today.strftime("%d/%m/%Y")
        self.fields["visitor_name"].required = True
        self.fields["visitor_name"].error_messages["required"] = "Enter who visited"
        govuk_choices(self)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("date", field_width=Fixed.TEN),
            Field.text("visitor_name", field_width=Fluid.FULL),
            Field.radios("pupil_seen", legend_size=Size.MEDIUM, inline=True),
            Field.textarea("wellbeing", rows=3),
            Field.textarea("learning", rows=3),
            Field.textarea("behaviour", rows=3),
            Field.textarea("pupil_view", rows=3),
            Field.textarea("notes", rows=2),
            Submit("submit", "Save visit"),
        )

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > self.today:
            raise forms.ValidationError("The date of the visit cannot be in the future")
        return day
