"""Forms for registers, follow-ups and register imports. The register and the grid are parsed
here with one clear message per problem; the rest are crispy-forms-gds forms."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fixed, Layout, Size, Submit
from django import forms
from django.utils import timezone

from apdash import thresholds
from apdash.forms import DATE_HINT, DATE_INVALID, govuk_choices
from placements.attendance import rules
from placements.attendance.models import FollowUp
from placements.core import rules as core_rules

SESSION_NAMES = {"AM": "morning", "PM": "afternoon"}


STATUS_LABELS = {rules.ATTENDED: "Attended", rules.LATE: "Late", rules.ABSENT: "Absent"}


@dataclass
class RegisterSubmission:
    """A provider's register as posted: one entry per pupil and session that was marked, and a
    message per problem. A pupil or session not on the day's register is never read."""

    rows: list
    data: dict
    day: date
    entries: list[dict] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self):
        for row in self.rows:
            name = row.placement.pupil.full_name
            for session in row.sessions:
                prefix = f"{row.placement.pk}-{session}"
                status = self.data.get(f"status-{prefix}", "")
                if not status:
                    continue
                when = f"{name} ({SESSION_NAMES[session]})"
                entry = {"placement": row.placement, "date": self.day, "session": session, "status": status}
                entry["note"] = self.data.get(f"note-{prefix}", "").strip()
                if status not in STATUS_LABELS:
                    self.errors.append((f"status-{prefix}", f"Choose attended, late or absent for {when}"))
                    continue
                if status == rules.LATE:
                    minutes = self.data.get(f"late-{prefix}", "").strip()
                    if not minutes.isdigit() or not 1 <= int(minutes) <= 300:
                        self.errors.append(
                            (f"late-{prefix}", f"Enter how many minutes late {when} was, from 1 to 300")
                        )
                        continue
                    entry["minutes_late"] = int(minutes)
                if status == rules.ABSENT:
                    reason = self.data.get(f"reason-{prefix}", "")
                    if reason not in rules.ABSENCE_REASON_CODES:
                        self.errors.append((f"reason-{prefix}", f"Choose why {when} was absent"))
                        continue
                    if reason == "other" and not entry["note"]:
                        self.errors.append((f"note-{prefix}", f"Say why {when} was absent"))
                        continue
                    entry["absence_reason"] = reason
                self.entries.append(entry)

    @property
    def is_valid(self):
        return not self.errors


def grid_entries(rows, data) -> tuple[list[dict], list[tuple[str, str]]]:
    """Codes typed into the coordinator's grid that differ from what is recorded. Only scheduled
    cells are read; an emptied cell is left as it was (marks are corrected, not deleted)."""
    entries, errors = [], []
    for row in rows:
        for cell in row.cells:
            if not cell.scheduled:
                continue
            name = cell.name
            value = data.get(name, "").strip().upper()
            if not value or (cell.mark is not None and cell.mark.code == value):
                continue
            if value not in rules.ATTENDANCE_CODES:
                errors.append(
                    (
                        name,
                        f"{row.placement.pupil.full_name}, {cell.day:%A} {SESSION_NAMES[cell.session]}: "
                        f"“{value}” is not a DfE attendance code",
                    )
                )
                continue
            entries.append(
                {"placement": row.placement, "date": cell.day, "session": cell.session, "code": value}
            )
    return entries, errors


def mark_all_attended_entries(rows, *, now: datetime) -> list[dict]:
    """Every scheduled session with no mark yet that has ended by `now` (local time, by the pupil's
    school's session times), as attended."""
    return [
        {"placement": row.placement, "date": cell.day, "session": cell.session, "status": rules.ATTENDED}
        for row in rows
        for cell in row.cells
        if cell.scheduled
        and cell.mark is None
        and rules.session_ended(
            cell.session,
            cell.day,
            now,
            am_end=row.placement.pupil.school.am_session_end,
            pm_end=row.placement.pupil.school.pm_session_end,
        )
    ]


class FollowUpForm(forms.Form):
    contacted = forms.CharField(
        label="Who did you contact?",
        help_text="For example, parent by phone, or the provider's DSL",
        max_length=200,
        error_messages={"required": "Enter who you contacted"},
    )
    contacted_on = forms.DateField(
        widget=forms.TextInput,
        label="Date of contact",
        help_text=DATE_HINT,
        error_messages={
            "required": "Enter the date of contact",
            "invalid": DATE_INVALID,
        },
    )
    contacted_time = forms.TimeField(
        widget=forms.TextInput,
        label="Time of contact",
        help_text="24-hour clock, for example 09:45",
        input_formats=["%H:%M", "%H.%M"],
        error_messages={"required": "Enter the time of contact", "invalid": "Enter a time like 09:45"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=FollowUp.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome of the follow-up"},
    )
    note = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea)

    def __init__(self, *args, now: datetime, day: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now
        self.day = day
        local = timezone.localtime(now)
        self.fields["contacted_on"].initial = local.date().strftime("%d/%m/%Y")
        self.fields["contacted_time"].initial = local.strftime("%H:%M")
        govuk_choices(self)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("contacted"),
            Field.text("contacted_on", field_width=Fixed.TEN),
            Field.text("contacted_time", field_width=Fixed.FIVE),
            Field.radios("outcome", legend_size=Size.MEDIUM),
            Field.textarea("note", rows=3),
            Submit("submit", "Record follow-up"),
        )

    def clean(self):
        cleaned = super().clean()
        day, clock = cleaned.get("contacted_on"), cleaned.get("contacted_time")
        if day and clock:
            contacted_at = timezone.make_aware(datetime.combine(day, clock))
            if contacted_at > self.now:
                self.add_error("contacted_time", "The time of contact cannot be in the future")
            elif self.day and day < self.day:
                self.add_error(
                    "contacted_on", f"The contact cannot be before the absence ({self.day:%-d %B %Y})"
                )
            cleaned["contacted_at"] = contacted_at
        if cleaned.get("outcome") == FollowUp.Outcome.OTHER and not cleaned.get("note"):
            self.add_error("note", "Say what happened when the outcome is other")
        return cleaned


class RegisterLinkForm(forms.Form):
    provider = forms.ModelChoiceField(
        queryset=None, label="Provider", error_messages={"required": "Choose a provider"}
    )
    date = forms.DateField(
        widget=forms.TextInput,
        label="Register date",
        help_text=DATE_HINT,
        error_messages={
            "required": "Enter the register date",
            "invalid": DATE_INVALID,
        },
    )

    def __init__(self, *args, providers, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["date"].initial = today.strftime("%d/%m/%Y")
        govuk_choices(self)
        self.today = today
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.select("provider"),
            Field.text("date", field_width=Fixed.TEN),
            Submit("submit", "Create link"),
        )

    def clean_date(self):
        day = self.cleaned_data["date"]
        problem = rules.register_link_date_problem(
            day, self.today, grace_days=thresholds.register_link_grace_days()
        )
        if problem:
            raise forms.ValidationError(problem)
        return day


IMPORT_COLUMNS = ("upn", "date", "session", "status")


IMPORT_HELP = (
    "A CSV file with a header row: upn, date, session (AM or PM), status (attended, late, absent or a "
    "DfE code), and optionally minutes_late, reason (ill, medical, no_contact, refused, other) and note."
)


class AttendanceImportForm(forms.Form):
    provider = forms.ModelChoiceField(
        queryset=None,
        label="Provider",
        error_messages={"required": "Choose the provider whose register this is"},
    )
    file = forms.FileField(
        label="Register file (CSV)",
        help_text=IMPORT_HELP,
        error_messages={"required": "Choose a CSV file to import"},
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        govuk_choices(self)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.select("provider"), Field("file"), Submit("submit", "Import register")
        )


def parse_register_csv(
    text: str, *, placements_by_upn: dict, scheduled, today: date
) -> tuple[list[dict], list[str]]:
    """Rows of a provider's register file as service entries, or row-numbered problems (row 2 is the
    first after the header). `scheduled(placement, day, session)` says whether that session was
    on the pupil's timetable there; `placements_by_upn` maps a UPN to its placements at the provider.
    A mark for a day after `today` is refused, as the API refuses it."""
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in IMPORT_COLUMNS if c not in headers]
    if missing:
        return [], [f"The file must have a header row with the columns: {', '.join(IMPORT_COLUMNS)}"]
    reader.fieldnames = headers
    entries, errors, seen = [], [], set()
    for number, raw in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in raw.items() if k}
        problem, entry = _import_row(row, placements_by_upn, scheduled, today)
        if problem is None and (key := (entry["placement"].pk, entry["date"], entry["session"])) in seen:
            problem = "this pupil and session appears earlier in the file"
        if problem:
            errors.append(f"Row {number}: {problem}")
            continue
        seen.add(key)
        entries.append(entry)
    if not entries and not errors:
        errors.append("The file has no rows under its header")
    return entries, errors


def _register_day(text: str):
    """23/11/2026 or 2026-11-23 as a date, else None. The common shapes are read directly (a
    register file runs to 10,000 rows); anything else goes through strptime."""
    parts = text.split("/")
    try:
        if len(parts) == 3 and len(parts[2]) == 4:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        return date.fromisoformat(text)
    except ValueError:
        pass
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _import_row(row, placements_by_upn, scheduled, today):
    upn = row.get("upn", "").upper()
    day = _register_day(row.get("date", ""))
    if day is None:
        return f"“{row.get('date', '')}” is not a date (use 23/11/2026 or 2026-11-23)", None
    future = rules.future_mark_problem(day, today=today)
    if future:
        return future, None
    session = row.get("session", "").upper()
    if session not in core_rules.SESSIONS:
        return f"session must be AM or PM, not “{row.get('session', '')}”", None
    placement = next((p for p in placements_by_upn.get(upn, []) if p.is_active_on(day)), None)
    if placement is None:
        return f"no pupil with UPN “{upn}” is placed at this provider on {day:%-d %B %Y}", None
    if not scheduled(placement, day, session):
        return f"{placement.pupil.full_name} is not timetabled there on {day:%-d %B %Y} ({session})", None
    entry = {"placement": placement, "date": day, "session": session, "note": row.get("note", "")}
    status = row.get("status", "").lower()
    if status in (rules.ATTENDED, rules.ABSENT, rules.LATE):
        entry["status"] = status
    elif status.upper() in rules.ATTENDANCE_CODES:
        entry["code"] = status.upper()
    else:
        return f"status must be attended, late, absent or a DfE code, not “{row.get('status', '')}”", None
    if status == rules.LATE or row.get("minutes_late"):
        minutes = row.get("minutes_late", "")
        if not minutes.isdigit() or not 0 <= int(minutes) <= 300:
            return f"minutes_late must be a whole number from 0 to 300, not “{minutes}”", None
        entry["minutes_late"] = int(minutes)
    if status == rules.ABSENT:
        reason = row.get("reason", "").lower().replace(" ", "_")
        if reason not in rules.ABSENCE_REASON_CODES:
            return "an absence needs a reason: ill, medical, no_contact, refused or other", None
        entry["absence_reason"] = reason
    return None, entry
