"""What every form in the service shares, so each reads the GOV.UK way: one date hint that shows a
format the date fields accept, choice lists that say what to choose (never "---------"), and no
school question for a user who has only one school."""

from __future__ import annotations

from django import forms

# Shown under every date field. DATE_INPUT_FORMATS (apdash/formats/en_GB) accepts it as shown.
DATE_HINT = "For example, 27 3 2026 or 27/03/2026"
DATE_INVALID = "Enter a real date, for example 27 3 2026"
BLANK = "---------"


def _prompt(field) -> str:
    label = str(field.label or "one").rstrip("?:. ")
    return f"Choose {label[0].lower() + label[1:]}" if label else "Choose one"


def govuk_choices(form, *, single: tuple[str, ...] = ("school",)) -> None:
    """Call at the end of a form's __init__ (after its querysets are set): every blank choice says
    what to choose, and a field in `single` (the school) with exactly one option is not asked — it
    is filled in and kept as a hidden input."""
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField):
            if name in single and field.queryset is not None and field.queryset.count() == 1:
                only = field.queryset.first()
                field.initial = only.pk
                field.empty_label = None
                field.widget = forms.HiddenInput()
                if form.is_bound:  # not asked, so whatever was posted, it is the one school
                    form.data = form.data.copy()
                    form.data[form.add_prefix(name)] = only.pk
                continue
            if field.empty_label == BLANK:
                field.empty_label = _prompt(field)
        elif isinstance(field, forms.ChoiceField):
            choices = list(field.choices)
            if any(label == BLANK for _, label in choices):
                field.choices = [(v, _prompt(field) if label == BLANK else label) for v, label in choices]
