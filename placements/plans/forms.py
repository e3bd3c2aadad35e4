"""Forms for learning plans, milestones, reviews, qualifications and outcomes."""

from __future__ import annotations

from datetime import date

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fixed, Fluid, Layout, Size, Submit
from django import forms

from apdash.forms import DATE_HINT, govuk_choices
from apdash.uploads import validate_document
from placements.core.models import Placement
from placements.plans.models import LearningPlan, Milestone, MilestoneStatus, Outcome, Qualification, Review

DATE_HELP = DATE_HINT


def _date_errors(what):
    return {
        "required": f"Enter the {what}",
        "invalid": f"Enter the {what} as a real date, for example 27 3 2026",
    }


class LearningPlanForm(forms.ModelForm):
    class Meta:
        model = LearningPlan
        fields = ["needs_summary", "rationale", "goal", "goal_target_date", "document"]
        labels = {
            "needs_summary": "Summary of the pupil's needs",
            "rationale": "Why is this the right way forward for the pupil?",
            "goal": "Agreed goal",
            "goal_target_date": "Target date for the goal",
            "document": "Plan document (optional)",
        }
        help_texts = {
            "goal_target_date": DATE_HELP,
            "document": "The full plan as a PDF or Word document (.docx)",
        }
        widgets = {
            "goal_target_date": forms.TextInput,
            "goal": forms.RadioSelect,
            "document": forms.FileInput,
        }
        error_messages = {
            "needs_summary": {"required": "Enter a summary of the pupil's needs"},
            "rationale": {"required": "Say why this is the right way forward for the pupil"},
            "goal": {"required": "Choose the agreed goal"},
            "goal_target_date": _date_errors("target date for the goal"),
        }

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["goal"].choices = Placement.Goal.choices
        govuk_choices(self)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("needs_summary", rows=4),
            Field.textarea("rationale", rows=4),
            Field.radios("goal", legend_size=Size.SMALL),
            Field.text("goal_target_date", field_width=Fixed.TEN),
            Field("document"),
            Submit("submit", "Save plan"),
        )

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document and hasattr(document, "content_type"):
            validate_document(document, what="The plan document")
        return document


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["description", "measure", "target_date", "status"]
        labels = {
            "description": "Milestone",
            "measure": "How will we know it is met?",
            "target_date": "Target date",
            "status": "Status",
        }
        help_texts = {"target_date": DATE_HELP}
        widgets = {"target_date": forms.TextInput, "status": forms.RadioSelect}
        error_messages = {
            "description": {"required": "Describe the milestone"},
            "measure": {"required": "Say how you will know the milestone is met"},
            "target_date": _date_errors("target date"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_choices(self)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("description", field_width=Fluid.FULL),
            Field.text("measure", field_width=Fluid.FULL),
            Field.text("target_date", field_width=Fixed.TEN),
            Field.radios("status", legend_size=Size.SMALL, small=True),
            Submit("submit", "Save milestone"),
        )


ATTENDEES = [
    ("attended_school", "School"),
    ("attended_provider", "Provider"),
    ("attended_parent", "Parent or carer"),
    ("attended_pupil", "Pupil"),
    ("attended_partnership", "Partnership"),
]


class ReviewForm(forms.ModelForm):
    """A review, with the progress agreed against each of the plan's milestones."""

    attendees = forms.MultipleChoiceField(
        label="Who attended?",
        choices=ATTENDEES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who attended the review"},
    )

    class Meta:
        model = Review
        fields = [
            "date",
            "attendance_summary",
            "behaviour_summary",
            "pupil_view",
            "decisions",
            "next_review_on",
        ]
        labels = {
            "date": "Date of the review",
            "attendance_summary": "Attendance",
            "behaviour_summary": "Behaviour",
            "pupil_view": "The pupil's view",
            "decisions": "Decisions",
            "next_review_on": "Date of the next review",
        }
        help_texts = {
            "date": DATE_HELP,
            "next_review_on": "At least half-termly. " + DATE_HELP,
            "attendance_summary": "Filled in from the registers since the last review; change it if needed",
            "behaviour_summary": "Filled in from visit notes since the last review; change it if needed",
        }
        widgets = {"date": forms.TextInput, "next_review_on": forms.TextInput}
        error_messages = {
            "date": _date_errors("date of the review"),
            "next_review_on": _date_errors("date of the next review"),
            "decisions": {"required": "Enter what the review decided"},
        }

    def __init__(self, *args, milestones, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.milestones = list(milestones)
        milestone_layout = []
        for milestone in self.milestones:
            status, note = f"milestone_{milestone.pk}", f"milestone_{milestone.pk}_note"
            self.fields[status] = forms.ChoiceField(
                label=milestone.description,
                help_text=f"Measure: {milestone.measure}. Target {milestone.target_date.day} "
                f"{milestone.target_date:%B %Y}.",
                choices=MilestoneStatus.choices,
                initial=milestone.status,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose the progress on “{milestone.description}”"},
            )
            self.fields[note] = forms.CharField(
                label=f"Notes on “{milestone.description}” (optional)", required=False, widget=forms.Textarea
            )
            milestone_layout += [
                Field.radios(status, legend_size=Size.SMALL, small=True, inline=True),
                Field.textarea(note, rows=2),
            ]
        govuk_choices(self)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("date", field_width=Fixed.TEN),
            Field.checkboxes("attendees", legend_size=Size.SMALL, small=True),
            *(
                [
                    Fieldset(
                        *milestone_layout, legend="Progress against each milestone", legend_size=Size.MEDIUM
                    )
                ]
                if milestone_layout
                else []
            ),
            Field.textarea("attendance_summary", rows=3),
            Field.textarea("behaviour_summary", rows=3),
            Field.textarea("pupil_view", rows=3),
            Field.textarea("decisions", rows=4),
            Field.text("next_review_on", field_width=Fixed.TEN),
            Submit("submit", "Save review"),
        )

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > self.today:
            raise forms.ValidationError("The date of the review must be today or in the past")
        return day

    def clean(self):
        cleaned = super().clean()
        day, following = cleaned.get("date"), cleaned.get("next_review_on")
        if day and following and following <= day:
            self.add_error("next_review_on", "The next review must be after this one")
        return cleaned

    def review_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        for name, _ in ATTENDEES:
            data[name] = name in self.cleaned_data["attendees"]
        return data

    def progress(self) -> dict[int, tuple[str, str]]:
        return {
            m.pk: (self.cleaned_data[f"milestone_{m.pk}"], self.cleaned_data[f"milestone_{m.pk}_note"])
            for m in self.milestones
        }


class QualificationForm(forms.ModelForm):
    entered = forms.TypedChoiceField(
        label="Has the pupil been entered for it?",
        choices=[("no", "No"), ("yes", "Yes")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the pupil has been entered"},
    )

    class Meta:
        model = Qualification
        fields = ["area", "subject", "level", "awarding_body", "provider", "entered", "result", "result_on"]
        labels = {
            "area": "Subject area",
            "subject": "Qualification",
            "level": "Level",
            "awarding_body": "Awarding body (optional)",
            "provider": "Where is the pupil studying it?",
            "result": "Result (optional)",
            "result_on": "Date of the result (optional)",
        }
        help_texts = {
            "subject": "For example, Functional Skills English or GCSE Mathematics",
            "level": "For example, Entry 3, Level 1 or GCSE",
            "result_on": DATE_HELP,
        }
        widgets = {"area": forms.RadioSelect, "result_on": forms.TextInput}
        error_messages = {
            "area": {"required": "Choose the subject area"},
            "subject": {"required": "Enter the qualification"},
            "level": {"required": "Enter the level"},
            "result_on": {"invalid": "Enter the date of the result as a real date, for example 27 3 2026"},
        }

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["provider"].empty_label = "At school"
        if self.instance.pk:
            self.initial["entered"] = "yes" if self.instance.entered else "no"
        govuk_choices(self)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("area", legend_size=Size.SMALL, inline=True),
            Field.text("subject", field_width=Fluid.TWO_THIRDS),
            Field.text("level", field_width=Fixed.TWENTY),
            Field.text("awarding_body", field_width=Fluid.ONE_HALF),
            Field.select("provider"),
            Field.radios("entered", legend_size=Size.SMALL, inline=True),
            Field.text("result", field_width=Fixed.TEN),
            Field.text("result_on", field_width=Fixed.TEN),
            Submit("submit", "Save qualification"),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("result") and not cleaned.get("entered"):
            self.add_error("entered", "A pupil with a result must have been entered")
        return cleaned


SUSTAINED = [("yes", "Yes"), ("no", "No"), ("unknown", "Not known yet")]


class OutcomeForm(forms.ModelForm):
    sustained = forms.TypedChoiceField(
        label="Is the pupil still there?",
        choices=SUSTAINED,
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the pupil is still there, or that it is not known yet"},
    )

    class Meta:
        model = Outcome
        fields = [
            "placement",
            "recorded_on",
            "reintegrated_on",
            "destination",
            "destination_name",
            "sustained",
            "notes",
        ]
        labels = {
            "placement": "Which placement does this follow? (optional)",
            "recorded_on": "Date recorded",
            "reintegrated_on": "Date the pupil returned to mainstream school (optional)",
            "destination": "Post-16 destination (optional)",
            "destination_name": "Where (optional)",
            "notes": "Notes (optional)",
        }
        help_texts = {"recorded_on": DATE_HELP, "reintegrated_on": DATE_HELP}
        widgets = {"recorded_on": forms.TextInput, "reintegrated_on": forms.TextInput}
        error_messages = {
            "recorded_on": _date_errors("date recorded"),
            "reintegrated_on": {
                "invalid": "Enter the date back in school as a real date, for example 27 3 2026"
            },
        }

    def __init__(self, *args, placements, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placement"].queryset = placements
        self.fields["placement"].empty_label = "None of them"
        self.fields["recorded_on"].initial = today.strftime("%d/%m/%Y")
        self.fields["destination"].choices = [("", "Not a post-16 destination")] + list(
            Outcome.Destination.choices
        )
        govuk_choices(self)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.select("placement"),
            Field.text("recorded_on", field_width=Fixed.TEN),
            Field.text("reintegrated_on", field_width=Fixed.TEN),
            Field.select("destination"),
            Field.text("destination_name", field_width=Fluid.ONE_HALF),
            Field.radios("sustained", legend_size=Size.SMALL, inline=True),
            Field.textarea("notes", rows=3),
            Submit("submit", "Save outcome"),
        )
