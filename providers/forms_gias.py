"""The GIAS extract upload form."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms

MAX_BYTES = 200 * 1024 * 1024  # the national extract is about 60 MB


class GiasUploadForm(forms.Form):
    file = forms.FileField(
        label="GIAS extract (CSV)",
        help_text="“All establishment data” from Get Information about Schools, as downloaded: do not open "
        "and save it in a spreadsheet first.",
        error_messages={"required": "Choose the GIAS extract file"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field("file"), Submit("submit", "Import the extract"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("The file is too large to be a GIAS extract.")
        return upload
