"""Forms for the annual provider audit and QA visits against the partnership's framework."""

from __future__ import annotations

from datetime import date

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fixed, Fluid, Layout, Size, Submit
from django import forms

from apdash.forms import DATE_HINT, govuk_choices
from apdash.uploads import validate_document

from .models import ProviderAudit, QAVisit

DATE_HELP = DATE_HINT
YES_NO = [("yes", "Yes"), ("no", "No")]


def _date_errors(what):
    return {
        "required": f"Enter the {what}",
        "invalid": f"Enter the {what} as a real date, for example 27 3 2026",
    }


def _yes_no_field(label, missing):
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": missing},
    )


class ProviderAuditForm(forms.ModelForm):
    single_central_record_checked = _yes_no_field(
        "Was the single central record checked?", "Say whether the single central record was checked"
    )
    dsl_confirmed = _yes_no_field("Is a named DSL confirmed?", "Say whether a named DSL is confirmed")
    health_and_safety_checked = _yes_no_field(
        "Was health and safety checked?", "Say whether health and safety was checked"
    )
    registration_law_understood = _yes_no_field(
        "Does the provider understand when it must register as a school?",
        "Say whether the provider understands the registration law",
    )
    safeguarding_checks_confirmed_in_writing = _yes_no_field(
        "Has the provider confirmed its safeguarding checks on staff in writing?",
        "Say whether the safeguarding checks are confirmed in writing",
    )

    class Meta:
        model = ProviderAudit
        fields = [
            "audited_on",
            "auditor",
            "single_central_record_checked",
            "dsl_confirmed",
            "insurance_expires_on",
            "health_and_safety_checked",
            "registration_law_understood",
            "safeguarding_checks_confirmed_in_writing",
            "outcome",
            "next_due_on",
            "notes",
        ]
        labels = {
            "audited_on": "Date of the audit",
            "auditor": "Who audited",
            "insurance_expires_on": "Insurance expiry date",
            "outcome": "Outcome",
            "next_due_on": "Next audit due",
            "notes": "Notes (optional)",
        }
        help_texts = {"audited_on": DATE_HELP, "insurance_expires_on": DATE_HELP, "next_due_on": DATE_HELP}
        widgets = {
            "audited_on": forms.TextInput,
            "insurance_expires_on": forms.TextInput,
            "next_due_on": forms.TextInput,
            "outcome": forms.RadioSelect,
        }
        error_messages = {
            "audited_on": _date_errors("date of the audit"),
            "insurance_expires_on": _date_errors("insurance expiry date"),
            "next_due_on": _date_errors("date the next audit is due"),
        }

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        for name in ("auditor", "insurance_expires_on", "next_due_on"):
            self.fields[name].required = True
        self.fields["auditor"].error_messages["required"] = "Enter who carried out the audit"
        govuk_choices(self)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("audited_on", field_width=Fixed.TEN),
            Field.text("auditor", field_width=Fluid.ONE_HALF),
            Field.radios("single_central_record_checked", legend_size=Size.SMALL, inline=True),
            Field.radios("dsl_confirmed", legend_size=Size.SMALL, inline=True),
            Field.text("insurance_expires_on", field_width=Fixed.TEN),
            Field.radios("health_and_safety_checked", legend_size=Size.SMALL, inline=True),
            Field.radios("registration_law_understood", legend_size=Size.SMALL, inline=True),
            Field.radios("safeguarding_checks_confirmed_in_writing", legend_size=Size.SMALL, inline=True),
            Field.radios("outcome", legend_size=Size.SMALL),
            Field.text("next_due_on", field_width=Fixed.TEN),
            Field.textarea("notes", rows=3),
            Submit("submit", "Save audit"),
        )

    def clean_audited_on(self):
        day = self.cleaned_data["audited_on"]
        if day > self.today:
            raise forms.ValidationError("The date of the audit must be today or in the past")
        return day

    def clean(self):
        cleaned = super().clean()
        audited, due = cleaned.get("audited_on"), cleaned.get("next_due_on")
        if audited and due and due <= audited:
            self.add_error("next_due_on", "The next audit must be due after this one")
        return cleaned


SCORES = [(4, "4 – Strong"), (3, "3 – Secure"), (2, "2 – Developing"), (1, "1 – Weak")]
FRAMEWORK_AREAS = [
    ("safeguarding_score", "Safeguarding"),
    ("curriculum_score", "Curriculum"),
    ("teaching_score", "Teaching"),
    ("attendance_behaviour_score", "Attendance and behaviour"),
    ("personal_development_score", "Personal development"),
    ("leadership_score", "Leadership"),
]


class QAVisitForm(forms.ModelForm):
    share_with_partnership = _yes_no_field(
        "Share this report with every school in the partnership?",
        "Say whether to share the report with the partnership",
    )

    class Meta:
        model = QAVisit
        fields = [
            "visited_on",
            "visitor",
            *[name for name, _ in FRAMEWORK_AREAS],
            "strengths",
            "actions",
            "judgement",
            "report",
        ]
        labels = {
            "visited_on": "Date of the visit",
            "visitor": "Who visited",
            "strengths": "Strengths",
            "actions": "Actions agreed",
            "judgement": "Overall judgement",
            "report": "Visit report (optional)",
        }
        help_texts = {"visited_on": DATE_HELP, "report": "A PDF or Word document (.docx)"}
        widgets = {"visited_on": forms.TextInput, "judgement": forms.RadioSelect}
        error_messages = {
            "visited_on": _date_errors("date of the visit"),
            "visitor": {"required": "Enter who visited"},
            "judgement": {"required": "Choose the overall judgement"},
        }

    def __init__(self, *args, today: date, can_share: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        for name, label in FRAMEWORK_AREAS:
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                choices=SCORES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Score {label.lower()}"},
            )
        if not can_share:
            del self.fields["share_with_partnership"]
        govuk_choices(self)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("visited_on", field_width=Fixed.TEN),
            Field.text("visitor", field_width=Fluid.ONE_HALF),
            Fieldset(
                *[Field.radios(name, legend_size=Size.SMALL, inline=True) for name, _ in FRAMEWORK_AREAS],
                legend="Framework areas",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("strengths", rows=3),
            Field.textarea("actions", rows=3),
            Field.radios("judgement", legend_size=Size.SMALL),
            Field("report"),
            *(
                [Field.radios("share_with_partnership", legend_size=Size.SMALL, inline=True)]
                if can_share
                else []
            ),
            Submit("submit", "Save QA visit"),
        )

    def clean_visited_on(self):
        day = self.cleaned_data["visited_on"]
        if day > self.today:
            raise forms.ValidationError("The date of the visit must be today or in the past")
        return day

    def clean_report(self):
        report = self.cleaned_data.get("report")
        if report and hasattr(report, "size"):
            validate_document(report, what="The visit report")
        return report
