"""CSV import and export of pupils and placements (django-import-export). Imports create pupils
through `services.pupil_create`, all or nothing, with row-numbered messages a coordinator can act on."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from placements.core import rules, services
from placements.core.models import Placement, Pupil

PUPIL_COLUMNS = [
    "UPN",
    "Forename",
    "Surname",
    "Date of birth",
    "Year group",
    "SEN status",
    "Looked after",
    "Pupil premium",
]


REQUIRED_COLUMNS = ["UPN", "Forename", "Surname", "Date of birth", "Year group"]


SAMPLE_ROWS = [
    ["B801200005001", "Kacey", "Walsh", "17/05/2011", "Year 10", "K", "No", "Yes"],
    ["E931400011002", "Jordan", "Okafor", "02/11/2010", "Year 11", "E", "Yes", "Yes"],
]


class UPNWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        value = rules.normalise_upn(value)
        if not value:
            raise ValueError("Enter the pupil's UPN")
        problem = rules.upn_problem(value)
        if problem:
            raise ValueError(problem)
        return value


class RequiredTextWidget(widgets.CharWidget):
    def __init__(self, what, **kwargs):
        super().__init__(**kwargs)
        self.what = what

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            raise ValueError(f"Enter the pupil's {self.what}")
        return value


class UKDateWidget(widgets.Widget):
    FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        for fmt in self.FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(f"Enter the date of birth as DD/MM/YYYY; “{text}” is not a date")

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%d/%m/%Y") if value else ""


class YearGroupWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        digits = text.upper().removeprefix("YEAR").removeprefix("YR").removeprefix("Y").strip()
        if digits.isdigit() and 7 <= int(digits) <= 13:
            return int(digits)
        raise ValueError(f"Unknown year group “{text}”: use Year 7 to Year 13")

    def render(self, value, obj=None, **kwargs):
        return f"Year {value}"


class SenWidget(widgets.Widget):
    # Census SEN provision codes: N none, K SEN support, E EHC plan.
    VALUES = {
        "": Pupil.SenStatus.NONE,
        "N": Pupil.SenStatus.NONE,
        "NONE": Pupil.SenStatus.NONE,
        "K": Pupil.SenStatus.SEN_SUPPORT,
        "SEN SUPPORT": Pupil.SenStatus.SEN_SUPPORT,
        "E": Pupil.SenStatus.EHCP,
        "EHCP": Pupil.SenStatus.EHCP,
        "EHC PLAN": Pupil.SenStatus.EHCP,
    }
    CODES = {Pupil.SenStatus.NONE: "N", Pupil.SenStatus.SEN_SUPPORT: "K", Pupil.SenStatus.EHCP: "E"}

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        try:
            return self.VALUES[text.upper()]
        except KeyError:
            raise ValueError(f"Unknown SEN status “{text}”: use N, K or E") from None

    def render(self, value, obj=None, **kwargs):
        return self.CODES.get(value, "")


class YesNoWidget(widgets.Widget):
    def __init__(self, what, **kwargs):
        super().__init__(**kwargs)
        self.what = what

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip().upper()
        if text in ("", "N", "NO", "FALSE", "0"):
            return False
        if text in ("Y", "YES", "TRUE", "1"):
            return True
        raise ValueError(f"{self.what}: use Yes or No, not “{value}”")

    def render(self, value, obj=None, **kwargs):
        return "Yes" if value else "No"


class PupilResource(resources.ModelResource):
    upn = fields.Field(attribute="upn", column_name="UPN", widget=UPNWidget())
    first_name = fields.Field(
        attribute="first_name", column_name="Forename", widget=RequiredTextWidget("forename")
    )
    last_name = fields.Field(
        attribute="last_name", column_name="Surname", widget=RequiredTextWidget("surname")
    )
    date_of_birth = fields.Field(
        attribute="date_of_birth", column_name="Date of birth", widget=UKDateWidget()
    )
    year_group = fields.Field(attribute="year_group", column_name="Year group", widget=YearGroupWidget())
    sen_status = fields.Field(attribute="sen_status", column_name="SEN status", widget=SenWidget())
    looked_after = fields.Field(
        attribute="looked_after", column_name="Looked after", widget=YesNoWidget("Looked after")
    )
    pupil_premium = fields.Field(
        attribute="pupil_premium", column_name="Pupil premium", widget=YesNoWidget("Pupil premium")
    )
    school = fields.Field(attribute="school__name", column_name="School", readonly=True)

    class Meta:
        model = Pupil
        fields = (
            "upn",
            "first_name",
            "last_name",
            "date_of_birth",
            "year_group",
            "sen_status",
            "looked_after",
            "pupil_premium",
            "school",
        )
        import_order = fields[:-1]
        export_order = fields
        force_init_instance = True
        use_transactions = True
        skip_diff = True

    def __init__(self, *, school=None, actor=None):
        super().__init__()
        self.school = school
        self.actor = actor
        self.existing_upns: set[str] = set()
        self.first_row_of: dict[str, int] = {}

    def before_import(self, dataset, **kwargs):
        missing = [c for c in REQUIRED_COLUMNS if c not in (dataset.headers or [])]
        if missing:
            raise ValueError(
                "The file is missing the column"
                + ("s " if len(missing) > 1 else " ")
                + ", ".join(missing)
                + ". Use the sample file's headings."
            )
        upns = [rules.normalise_upn(str(u or "")) for u in dataset["UPN"]]
        self.existing_upns = set(Pupil.objects.filter(upn__in=upns).values_list("upn", flat=True))

    def import_instance(self, instance, row, **kwargs):
        instance.school = self.school
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        upn = instance.upn
        if upn and "upn" not in errors:
            first = self.first_row_of.setdefault(upn, kwargs["row_number"])
            if upn in self.existing_upns:
                errors["upn"] = [f"A pupil with UPN {upn} is already on apdash"]
            elif first != kwargs["row_number"]:
                errors["upn"] = [f"UPN {upn} is in the file twice (first on row {first + 1})"]
        if errors:
            raise ValidationError(errors)

    def column_names(self) -> dict[str, str]:
        """Each field's heading in the file, for problems that name the column."""
        return {field.attribute: field.column_name for field in self.fields.values() if field.attribute}

    def do_instance_save(self, instance, is_create):
        created = services.pupil_create(
            actor=self.actor,
            **{name: getattr(instance, name) for name in self._meta.import_order},
            school=self.school,
        )
        instance.pk = created.pk


def import_problems(result, *, columns: dict[str, str] | None = None) -> list[tuple[int | None, list[str]]]:
    """Every problem in an import result as (row number counting the header as row 1, messages),
    each message naming the file's column it is about ("Surname: Enter the pupil's surname") when
    `columns` maps the field to its heading."""
    columns = columns or {}
    problems = [(None, [str(error.error)]) for error in result.base_errors]
    for number, errors in result.row_errors():
        problems.append((number + 1, [str(error.error) for error in errors]))
    for row in result.invalid_rows:
        messages = [
            f"{columns[name]}: {message}" if name in columns else message
            for name, field_messages in row.error_dict.items()
            for message in field_messages
        ]
        problems.append((row.number + 1, messages))
    return sorted(problems, key=lambda item: item[0] or 0)


class PlacementResource(resources.ModelResource):
    upn = fields.Field(attribute="pupil__upn", column_name="UPN")
    pupil = fields.Field(column_name="Pupil")
    school = fields.Field(attribute="pupil__school__name", column_name="School")
    provider = fields.Field(attribute="provider__name", column_name="Provider")
    registration = fields.Field(column_name="Registration status")
    provider_urn = fields.Field(column_name="Provider URN or UKPRN")
    start_date = fields.Field(attribute="start_date", column_name="Start date", widget=UKDateWidget())
    end_date = fields.Field(attribute="end_date", column_name="End date", widget=UKDateWidget())
    status = fields.Field(column_name="Status")
    census_reason = fields.Field(attribute="census_reason", column_name="Census reason")
    goal = fields.Field(column_name="Goal")
    hours = fields.Field(column_name="Hours a week")
    days = fields.Field(column_name="Days a week")
    main_responsibility = fields.Field(
        attribute="provider_has_main_responsibility",
        column_name="Provider has main responsibility",
        widget=YesNoWidget("Main responsibility"),
    )

    class Meta:
        model = Placement
        fields = (
            "upn",
            "pupil",
            "school",
            "provider",
            "registration",
            "provider_urn",
            "start_date",
            "end_date",
            "status",
            "census_reason",
            "goal",
            "hours",
            "days",
            "main_responsibility",
        )
        export_order = fields

    def dehydrate_pupil(self, placement):
        return placement.pupil.full_name

    def dehydrate_registration(self, placement):
        return placement.provider.get_registration_status_display()

    def dehydrate_provider_urn(self, placement):
        return placement.provider.urn or placement.provider.ukprn

    def dehydrate_status(self, placement):
        return placement.get_status_display()

    def dehydrate_goal(self, placement):
        return placement.get_goal_display()

    def dehydrate_hours(self, placement):
        return f"{rules.weekly_hours(s.as_rule_slot() for s in placement.timetable.all()):g}"

    def dehydrate_days(self, placement):
        return rules.days_per_week(s.as_rule_slot() for s in placement.timetable.all())
