from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fixed, Fluid, Layout, Size, Submit
from django import forms

from .models import Pupil


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
        ]
        labels = {"upn": "UPN (unique pupil number)"}
        help_texts = {"date_of_birth": "For example, 27 3 2011 or 27/03/2011"}

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
            Submit("submit", "Save pupil"),
        )

    def clean_upn(self):
        return (self.cleaned_data.get("upn") or "").strip().upper()
