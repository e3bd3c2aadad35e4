from datetime import datetime

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import (
    ConditionalQuestion,
    ConditionalRadios,
    Field,
    Fixed,
    Fluid,
    Layout,
    Size,
    Submit,
)
from django import forms
from django.utils import timezone

from apdash.forms import DATE_HINT, govuk_choices

from .models import Concern, ConcernEntry, concern_categories


class ChoosePupilForm(forms.Form):
    pupil = forms.ModelChoiceField(
        queryset=None,
        label="Which pupil is the concern about?",
        empty_label="Choose a pupil",
        error_messages={"required": "Choose the pupil the concern is about"},
    )

    def __init__(self, *args, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils
        self.fields["pupil"].label_from_instance = (
            lambda p: f"{p.last_name}, {p.first_name} ({p.told_apart}, {p.school.name})"
        )
        govuk_choices(self)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(Field.select("pupil"), Submit("submit", "Continue"))


class ConcernForm(forms.Form):
    placement = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Where did it happen?",
        empty_label="Not at a provider (at school, at home or elsewhere)",
    )
    location = forms.CharField(
        label="Where exactly (optional)",
        required=False,
        max_length=200,
        help_text="For example, the workshop",
    )
    occurred_date = forms.DateField(
        label="Date it happened",
        help_text=DATE_HINT,
        error_messages={
            "required": "Enter the date it happened",
            "invalid": "Enter the date it happened as a real date, for example 27 3 2026",
        },
    )
    occurred_time = forms.TimeField(
        label="Time it happened",
        help_text="For example, 14:30",
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        error_messages={
            "required": "Enter the time it happened",
            "invalid": "Enter the time it happened as hours and minutes, like 14:30",
        },
    )
    category = forms.ChoiceField(
        label="What kind of concern is it?",
        error_messages={"required": "Choose what kind of concern it is"},
    )
    description = forms.CharField(
        label="What did you see or hear?",
        help_text="Use the words the pupil or others used. Facts, not opinions.",
        widget=forms.Textarea,
        error_messages={"required": "Enter what you saw or heard"},
    )
    immediate_action = forms.CharField(
        label="What did you do straight away? (optional)", widget=forms.Textarea, required=False
    )
    urgency = forms.ChoiceField(
        label="How urgent is it?",
        choices=Concern.Urgency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the concern is urgent"},
    )

    def __init__(self, *args, placements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placement"].queryset = placements
        self.fields["placement"].label_from_instance = lambda p: p.provider.name
        self.fields["category"].choices = [("", "Choose a category")] + concern_categories()
        govuk_choices(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("placement"),
            Field.text("location", field_width=Fluid.TWO_THIRDS),
            Field.text("occurred_date", field_width=Fixed.TEN),
            Field.text("occurred_time", field_width=Fixed.FIVE),
            Field.select("category"),
            Field.textarea("description", rows=6),
            Field.textarea("immediate_action", rows=3),
            Field.radios("urgency", legend_size=Size.SMALL),
            Submit("submit", "Send to the DSL"),
        )

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("occurred_date"), cleaned.get("occurred_time")
        if day and time:
            occurred_at = timezone.make_aware(datetime.combine(day, time))
            if occurred_at > timezone.now():
                self.add_error("occurred_date", "The date and time it happened must be in the past")
            cleaned["occurred_at"] = occurred_at
        return cleaned


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you recording?",
        choices=[
            (ConcernEntry.Kind.NOTE, "A note or discussion"),
            (ConcernEntry.Kind.ACTION, "An action taken"),
            (ConcernEntry.Kind.REFERRAL, "A referral"),
            (ConcernEntry.Kind.DECISION, "A decision, with the reason"),
            (ConcernEntry.Kind.CORRECTION, "A correction to an earlier entry"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you are recording"},
    )
    referral_to = forms.ChoiceField(
        label="Referred to",
        choices=[("", "Choose who")] + ConcernEntry.ReferralTo.choices,
        required=False,
    )
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("", "Choose the decision")] + ConcernEntry.Decision.choices,
        required=False,
    )
    corrects = forms.ModelChoiceField(
        queryset=ConcernEntry.objects.none(),
        label="Entry being corrected",
        empty_label="Choose the entry",
        required=False,
    )
    text = forms.CharField(
        label="Details",
        help_text="For a decision, give the reason, including for a decision not to refer.",
        widget=forms.Textarea,
        error_messages={"required": "Enter the details"},
    )

    def __init__(self, *args, concern, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["corrects"].queryset = concern.entries.select_related("author").order_by("created_at")
        self.fields["corrects"].label_from_instance = (
            lambda e: f"{timezone.localtime(e.created_at):%d/%m/%Y %H:%M} {e.heading} by {e.author}"
        )
        govuk_choices(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
        # The fields for the kind of entry chosen appear under it (GOV.UK conditional reveal).
        self.helper.layout = Layout(
            ConditionalRadios(
                "kind",
                "A note or discussion",
                "An action taken",
                ConditionalQuestion("A referral", Field.select("referral_to")),
                ConditionalQuestion("A decision, with the reason", Field.select("decision")),
                ConditionalQuestion("A correction to an earlier entry", Field.select("corrects")),
            ),
            Field.textarea("text", rows=6),
            Submit("submit", "Add to the chronology"),
        )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == ConcernEntry.Kind.REFERRAL and not cleaned.get("referral_to"):
            self.add_error("referral_to", "Choose who the referral was made to")
        if kind == ConcernEntry.Kind.DECISION and not cleaned.get("decision"):
            self.add_error("decision", "Choose the decision")
        if kind == ConcernEntry.Kind.CORRECTION and not cleaned.get("corrects"):
            self.add_error("corrects", "Choose the entry you are correcting")
        return cleaned


class CloseForm(forms.Form):
    outcome = forms.CharField(
        label="Outcome",
        help_text="What happened and why the concern can be closed.",
        widget=forms.Textarea,
        error_messages={"required": "Enter the outcome"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_choices(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.textarea("outcome", rows=5), Submit("submit", "Close the concern"))


class RiskAssessmentForm(forms.Form):
    journey = forms.CharField(
        label="Journey to and from the setting",
        help_text="How the pupil travels, who with, and the risks on the way",
        widget=forms.Textarea,
        error_messages={"required": "Describe the journey to and from the setting"},
    )
    at_setting = forms.CharField(
        label="At the setting",
        widget=forms.Textarea,
        error_messages={"required": "Describe the risks at the setting"},
    )
    hazards = forms.CharField(
        label="Hazards", widget=forms.Textarea, error_messages={"required": "List the hazards"}
    )
    controls = forms.CharField(
        label="Controls in place",
        widget=forms.Textarea,
        error_messages={"required": "Describe the controls in place"},
    )
    review_date = forms.DateField(
        label="Review date",
        help_text=DATE_HINT,
        error_messages={
            "required": "Enter the review date",
            "invalid": "Enter the review date as a real date, for example 27 3 2026",
        },
    )
    approve = forms.BooleanField(label="I approve this risk assessment", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_choices(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.textarea("journey", rows=4),
            Field.textarea("at_setting", rows=4),
            Field.textarea("hazards", rows=4),
            Field.textarea("controls", rows=4),
            Field.text("review_date", field_width=Fixed.TEN),
            Field.checkbox("approve"),
            Submit("submit", "Save risk assessment"),
        )


class InductionForm(forms.Form):
    date = forms.DateField(
        label="Date of the induction",
        help_text=DATE_HINT,
        error_messages={
            "required": "Enter the date of the induction",
            "invalid": "Enter the date of the induction as a real date, for example 27 3 2026",
        },
    )
    told_who_dsl_is = forms.BooleanField(
        label="The pupil was told who the DSL is",
        error_messages={"required": "Record the induction once the pupil has been told who the DSL is"},
    )
    told_what_to_do_if_unsafe = forms.BooleanField(
        label="The pupil was told what to do if they feel unsafe",
        error_messages={
            "required": "Record the induction once the pupil has been told what to do if they feel unsafe"
        },
    )
    provider_dsl_name = forms.CharField(
        label="Provider's DSL",
        max_length=150,
        error_messages={"required": "Enter the name of the provider's DSL"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_choices(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("date", field_width=Fixed.TEN),
            Field.checkbox("told_who_dsl_is"),
            Field.checkbox("told_what_to_do_if_unsafe"),
            Field.text("provider_dsl_name", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Save induction"),
        )


class TransferForm(forms.Form):
    sent_on = forms.DateField(
        label="Date sent",
        help_text="For example, 23/11/2026",
        widget=forms.TextInput,
        error_messages={
            "required": "Enter the date the file was sent",
            "invalid": "Enter a real date, like 23/11/2026",
        },
    )
    sent_to = forms.CharField(
        label="Sent to",
        help_text="The new school and its DSL",
        max_length=200,
        error_messages={"required": "Enter who the file was sent to"},
    )
    method = forms.CharField(
        label="How it was sent",
        help_text="For example, secure email, with receipt confirmed",
        max_length=200,
        error_messages={"required": "Enter how the file was sent"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("sent_on", field_width=Fixed.TEN),
            Field.text("sent_to"),
            Field.text("method"),
            Submit("submit", "Record the file as sent"),
        )
