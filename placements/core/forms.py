"""Forms for pupils, placements with their weekly timetable, ending a placement and pupil imports."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fixed, Fluid, Layout, Size, Submit
from django import forms
from django.core.validators import MaxLengthValidator

from apdash import thresholds
from apdash.forms import DATE_HINT, govuk_choices
from apdash.imports import read_csv_upload
from placements.core import rules
from placements.core.models import Placement, Pupil


class PupilForm(forms.ModelForm):
    class Meta:
        model = Pupil
        fields = [
            "upn",
            "first_name",
            "last_name",
            "date_of_birth",
            "year_group",
            "school",
            "sen_status",
            "looked_after",
            "pupil_premium",
            "needs_summary",
            "left_on",
            "moved_to",
        ]
        labels = {"upn": "UPN (unique pupil number)"}
        help_texts = {
            "date_of_birth": DATE_HINT,
            "left_on": "Only when the pupil has left the school's roll: their safeguarding file must follow",
        }
        widgets = {
            "date_of_birth": forms.DateInput(
                format="%d/%m/%Y", attrs={"class": "govuk-input govuk-input--width-10"}
            ),
            "left_on": forms.DateInput(
                format="%d/%m/%Y", attrs={"class": "govuk-input govuk-input--width-10"}
            ),
        }

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        if schools is not None:
            self.fields["school"].queryset = schools
            if schools.count() == 1:
                self.fields["school"].initial = schools.first()
        self.fields["year_group"] = forms.TypedChoiceField(
            choices=[("", "Choose a year group")] + [(y, f"Year {y}") for y in range(7, 14)],
            coerce=int,
            label="Year group",
            error_messages={"required": "Choose the pupil's year group"},
        )
        self.fields["upn"].error_messages["unique"] = "A pupil with this UPN is already on apdash."
        # A pasted UPN may carry spaces, which are ignored: the length is checked after removing them.
        self.fields["upn"].max_length = None
        self.fields["upn"].validators = [
            v for v in self.fields["upn"].validators if not isinstance(v, MaxLengthValidator)
        ]
        self.fields["upn"].widget.attrs.pop("maxlength", None)
        govuk_choices(self)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("upn", field_width=Fixed.TWENTY),
            Field.text("first_name"),
            Field.text("last_name"),
            Field.text("date_of_birth", field_width=Fluid.ONE_QUARTER),
            Field.select("year_group"),
            Field.select("school"),
            Fieldset(Field.radios("sen_status", legend_size=Size.SMALL), legend="Needs"),
            Field.checkbox("looked_after"),
            Field.checkbox("pupil_premium"),
            Field.textarea("needs_summary", rows=4),
            Field.text("left_on", field_width=Fluid.ONE_QUARTER),
            Field.text("moved_to"),
            Submit("submit", "Save pupil"),
        )

    def clean_upn(self):
        return rules.normalise_upn(self.cleaned_data.get("upn"))


YES_NO = [("no", "No"), ("yes", "Yes")]


def _yes_no(value):
    return value == "yes"


class PlacementForm(forms.ModelForm):
    """The placement itself; its weekly timetable is the `TimetableFormSet` beside it."""

    provider_has_main_responsibility = forms.TypedChoiceField(
        label="Will the provider have main responsibility for the pupil's programme?",
        help_text="A partnership school never hands main responsibility to an unregistered provider (G §3f).",
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the provider will have main responsibility"},
    )
    confirm_breach = forms.BooleanField(
        required=False,
        label="I understand this timetable breaks the limits for an unregistered provider, "
        "and the reason is recorded in the rationale",
    )

    class Meta:
        model = Placement
        fields = [
            "pupil",
            "provider",
            "start_date",
            "census_reason",
            "reason",
            "rationale",
            "goal",
            "qualifications",
            "commissioned_by",
            "arranged_by",
            "provider_has_main_responsibility",
            "off_site_direction",
            "reports_to",
            "objectives",
        ]
        labels = {
            "provider": "Provider (setting)",
            "census_reason": "Primary reason for placement (school census)",
            "reason": "Why this placement",
            "rationale": "Why this is the best option for the pupil",
            "goal": "Agreed goal",
            "qualifications": "Qualifications the pupil will work towards here",
            "commissioned_by": "Commissioned by",
            "arranged_by": "Who arranged the provision",
        }
        widgets = {
            "start_date": forms.DateInput(
                format="%d/%m/%Y", attrs={"class": "govuk-input govuk-input--width-10"}
            )
        }
        help_texts = {
            "reason": "",
            "start_date": DATE_HINT,
            "rationale": "Inspectors ask why off-site provision is the best option and how you keep it under "
            "review (para 402).",
            "qualifications": "For example, GCSE English and maths, BTEC Level 1 Construction",
        }
        error_messages = {
            "pupil": {"required": "Choose the pupil"},
            "provider": {"required": "Choose the provider"},
            "start_date": {
                "required": "Enter the start date",
                "invalid": "Enter the start date as a real date, for example 27 3 2026",
            },
            "reason": {"required": "Enter why the pupil is being placed here"},
        }

    def __init__(self, *args, pupils, providers, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils
        self.fields["pupil"].label_from_instance = lambda pupil: pupil.listed_name
        self.fields["provider"].queryset = providers
        self.fields["provider"].label_from_instance = lambda p: (
            f"{p.name} ({p.get_registration_status_display().lower()})"
        )
        self.fields["goal"].choices = [("", "Choose a goal")] + list(Placement.Goal.choices)
        self.fields["census_reason"].choices = [("", "Choose a reason")] + list(
            Placement.CensusReason.choices
        )
        self.fields["goal"].required = True
        self.fields["goal"].error_messages["required"] = "Choose the agreed goal"
        # Who arranged the provision decides its attendance code (B, or K for the LA); most are the school's.
        self.fields["arranged_by"].required = False
        self.fields["arranged_by"].choices = list(Placement.ArrangedBy.choices)
        self.fields["rationale"].required = True
        self.fields["rationale"].error_messages["required"] = (
            "Enter why this is the best option for the pupil"
        )
        if self.instance.pk:
            self.initial["provider_has_main_responsibility"] = (
                "yes" if self.instance.provider_has_main_responsibility else "no"
            )
        if editing:
            self.fields["pupil"].disabled = True
        govuk_choices(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("pupil"),
            Field.select("provider"),
            Field.text("start_date", field_width=Fixed.TEN),
            Field.select("census_reason"),
            Field.textarea("reason", rows=3),
            Field.textarea("rationale", rows=4),
            Field.select("goal"),
            Field.textarea("qualifications", rows=2),
            Field.radios("commissioned_by", legend_size=Size.SMALL, small=True),
            Field.radios("arranged_by", legend_size=Size.SMALL, small=True),
            Field.radios("provider_has_main_responsibility", legend_size=Size.SMALL, small=True),
            Field.checkbox("off_site_direction", small=True),
            Field.text("reports_to"),
            Field.textarea("objectives", rows=3),
        )

    def clean_arranged_by(self):
        return self.cleaned_data.get("arranged_by") or Placement.ArrangedBy.SCHOOL


class TimetableSlotForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label="Day",
        choices=[("", "Choose a day")] + [(i, name) for i, name in enumerate(rules.WEEKDAY_NAMES)],
        coerce=int,
        error_messages={"required": "Choose the day"},
    )
    start = forms.TimeField(
        label="Start time",
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        widget=forms.TimeInput(format="%H:%M"),
        error_messages={
            "required": "Enter the start time, for example 09:00",
            "invalid": "Enter the start time as hours and minutes, for example 09:00",
        },
    )
    end = forms.TimeField(
        label="End time",
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        widget=forms.TimeInput(format="%H:%M"),
        error_messages={
            "required": "Enter the end time, for example 15:00",
            "invalid": "Enter the end time as hours and minutes, for example 15:00",
        },
    )


class BaseTimetableFormSet(forms.BaseFormSet):
    def kept_forms(self):
        return [
            f
            for f in self.forms
            if getattr(f, "cleaned_data", None) and not self._should_delete_form(f) and f.has_changed()
        ]

    def slots(self) -> list[rules.Slot]:
        return [
            rules.Slot(f.cleaned_data["weekday"], f.cleaned_data["start"], f.cleaned_data["end"])
            for f in self.kept_forms()
        ]

    def clean(self):
        if any(self.errors):
            return
        kept = self.kept_forms()
        earliest, latest = thresholds.timetable_bounds()
        problems = rules.timetable_problems(
            [
                rules.Slot(f.cleaned_data["weekday"], f.cleaned_data["start"], f.cleaned_data["end"])
                for f in kept
            ],
            earliest=earliest,
            latest=latest,
            max_slots=thresholds.max_slots_per_placement(),
        )
        for index, message in problems:
            kept[min(index, len(kept) - 1)].add_error(None, message)
        if problems:
            raise forms.ValidationError("Correct the timetable: " + " ".join(m for _, m in problems))


TimetableFormSet = forms.formset_factory(
    TimetableSlotForm, formset=BaseTimetableFormSet, extra=1, can_delete=True, max_num=20, validate_max=True
)


def timetable_formset(data=None, *, placement=None, prefix="slots"):
    """A timetable formset; without data, the placement's slots plus one blank row."""
    initial = None
    if placement is not None and data is None:
        initial = [{"weekday": s.weekday, "start": s.start, "end": s.end} for s in placement.timetable.all()]
    return TimetableFormSet(data, initial=initial, prefix=prefix)


class PlacementEndForm(forms.Form):
    end_date = forms.DateField(
        label="End date",
        help_text="The last day of the placement, for example 27 3 2026",
        error_messages={
            "required": "Enter the end date",
            "invalid": "Enter the end date as a real date, for example 27 3 2026",
        },
    )
    end_reason = forms.ChoiceField(
        label="Why is the placement ending?",
        choices=Placement.EndReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the placement is ending"},
    )
    end_notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea)

    def __init__(self, *args, placement, **kwargs):
        super().__init__(*args, **kwargs)
        self.placement = placement
        govuk_choices(self)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("end_date", field_width=Fixed.TEN),
            Field.radios("end_reason", legend_size=Size.SMALL, small=True),
            Field.textarea("end_notes", rows=3),
            Submit("submit", "End placement"),
        )

    def clean_end_date(self):
        end_date = self.cleaned_data["end_date"]
        if end_date < self.placement.start_date:
            raise forms.ValidationError(
                f"The end date must be on or after the start date, {self.placement.start_date:%-d %B %Y}"
            )
        return end_date


class _RollUploadForm(forms.Form):
    """A file of pupils for one school's roll: the school asked only when the user has several."""

    school = forms.ModelChoiceField(
        label="School",
        queryset=None,
        error_messages={"required": "Choose the school the pupils are on roll at"},
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        govuk_choices(self)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field("file"), Field.select("school"), Submit("submit", "Check the file"))


class PupilImportForm(_RollUploadForm):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="Exported from your MIS, with the columns of the sample file",
        error_messages={"required": "Choose a CSV file to upload", "empty": "The file is empty"},
    )
    field_order = ["file", "school"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The file must be a CSV file")
        return read_csv_upload(upload)


class CtfImportForm(_RollUploadForm):
    file = forms.FileField(
        label="Upload a CTF (XML) file",
        help_text="A Common Transfer File exported from your MIS or downloaded from School to School",
        error_messages={"required": "Choose a CTF file to upload", "empty": "The file is empty"},
    )
    field_order = ["file", "school"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xml"):
            raise forms.ValidationError("The file must be a CTF in XML (.xml)")
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError("The file must be smaller than 20 MB")
        return upload.read()


class SentForm(forms.Form):
    """When and how a notice was sent (to the parents, or to the local authority)."""

    sent_on = forms.DateField(
        label="Date sent",
        help_text="For example, 23/11/2026",
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "govuk-input govuk-input--width-10"}),
        error_messages={
            "required": "Enter the date it was sent",
            "invalid": "Enter a real date, like 23/11/2026",
        },
    )
    how = forms.ChoiceField(
        label="How was it sent?",
        choices=Placement.HowSent.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say how it was sent"},
    )

    def __init__(self, *args, submit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("sent_on", field_width=Fixed.TEN),
            Field.radios("how", legend_size=Size.SMALL, small=True),
            Submit(f"{self.prefix}-submit", submit),
        )
