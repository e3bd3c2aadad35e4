"""Forms for the evidence pack and the census export."""

from __future__ import annotations

from datetime import date

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fixed, Layout, Size, Submit
from django import forms

from apdash.forms import DATE_HINT, DATE_INVALID, govuk_choices
from placements.core.rules import normalise_upn, upn_problem

from .models import EvidencePack

DATE_HELP = DATE_HINT


def _date_field(label, required_message):
    return forms.DateField(
        label=label,
        widget=forms.TextInput,
        help_text=DATE_HELP,
        error_messages={"required": required_message, "invalid": DATE_INVALID},
    )


class EvidencePackForm(forms.Form):
    scope = forms.ChoiceField(
        label="What should the pack cover?",
        choices=EvidencePack.Scope.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the pack should cover"},
    )
    school = forms.ModelChoiceField(
        queryset=None,
        label="School",
        required=False,
        empty_label=None,
        help_text="For a whole-school pack, and the school of a single pupil",
    )
    partnership = forms.ModelChoiceField(
        queryset=None,
        label="Partnership",
        required=False,
        help_text="For a partnership pack",
        error_messages={"invalid_choice": "Choose one of your partnerships"},
    )
    upn = forms.CharField(
        label="Pupil's UPN", required=False, help_text="Only for a single pupil's pack", max_length=40
    )
    date_from = _date_field("Evidence from", "Enter the date the evidence starts from")
    date_to = _date_field("Evidence up to", "Enter the date the evidence runs to")

    def __init__(self, *args, schools, partnerships, pupils, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.pupils = pupils
        self.fields["school"].queryset = schools
        # A co-ordinator of several partnerships says whose pack; of one, is not asked.
        self.fields["partnership"].queryset = partnerships.order_by("name", "pk")
        if not partnerships.exists():
            self.fields["scope"].choices = [
                c for c in EvidencePack.Scope.choices if c[0] != EvidencePack.Scope.PARTNERSHIP
            ]
            del self.fields["partnership"]
        govuk_choices(self, single=("school", "partnership"))
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("scope", legend_size=Size.MEDIUM),
            Field.select("school"),
            *([Field.select("partnership")] if "partnership" in self.fields else []),
            Field.text("upn", field_width=Fixed.TEN),
            Field.text("date_from", field_width=Fixed.TEN),
            Field.text("date_to", field_width=Fixed.TEN),
            Submit("submit", "Generate the evidence pack"),
        )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", "The end date must be on or after the start date")
        if last and last > self.today:
            self.add_error("date_to", "The end date cannot be in the future")
        scope = cleaned.get("scope")
        if scope != EvidencePack.Scope.PARTNERSHIP:
            cleaned["partnership"] = None  # a pack of one school or pupil is not a partnership's
        if scope == EvidencePack.Scope.PARTNERSHIP:
            if not cleaned.get("partnership") and "partnership" not in self.errors:
                self.add_error("partnership", "Choose the partnership")
        elif scope == EvidencePack.Scope.PUPIL:
            upn = normalise_upn(cleaned.get("upn") or "")
            problem = upn_problem(upn) if upn else "Enter the UPN of the pupil"
            pupil = None if problem else self.pupils.filter(upn=upn).first()
            if problem:
                self.add_error("upn", problem)
            elif pupil is None:
                self.add_error("upn", f"No pupil with UPN {upn} at your schools")
            cleaned["pupil"] = pupil
        elif scope == EvidencePack.Scope.SCHOOL and not cleaned.get("school"):
            self.add_error("school", "Choose the school")
        return cleaned


class CensusForm(forms.Form):
    school = forms.ModelChoiceField(queryset=None, label="School", empty_label=None)
    census_date = _date_field("Census date", "Enter the census date")

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        govuk_choices(self)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.select("school"),
            Field.text("census_date", field_width=Fixed.TEN),
            Submit("submit", "Download the census CSV"),
        )


class LAReturnForm(forms.Form):
    date_from = _date_field("From", "Enter the first day of the period")
    date_to = _date_field("To", "Enter the last day of the period")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("date_from", field_width=Fixed.TEN),
            Field.text("date_to", field_width=Fixed.TEN),
            Submit("submit", "Download the LA return (CSV)"),
        )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", "The last day must be on or after the first day")
        return cleaned
