"""Pupil and placement pages: adding and changing pupils, importing
them from an MIS CSV, and placements with their weekly timetable and the live hours warning."""

from __future__ import annotations

import csv
import io

import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.utils import ErrorDict, ErrorList
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from apdash.csv_export import csv_response, dataset_response
from apdash.selectors import visible_schools
from placements.core import selectors, services
from placements.core.forms import (
    PlacementEndForm,
    PlacementForm,
    PupilForm,
    PupilImportForm,
    timetable_formset,
)
from placements.core.resources import (
    PUPIL_COLUMNS,
    SAMPLE_ROWS,
    PlacementResource,
    PupilResource,
    import_problems,
)
from providers.selectors import visible_providers


@login_required
def pupil_create(request):
    if not request.user.has_perm("placements.add_placement"):
        raise Http404
    schools = visible_schools(request.user)
    form = PupilForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        try:
            pupil = services.pupil_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{pupil.full_name} has been added.")
            return redirect("placements:pupil_detail", pk=pupil.pk)
    return render(request, "placements/pupil_form.html", {"form": form})


@login_required
def pupil_edit(request, pk):
    pupil = get_object_or_404(selectors.pupils_manageable_by(request.user), pk=pk)
    if not request.user.has_perm("placements.change_pupil", pupil):
        raise Http404("No such pupil")
    name = pupil.full_name  # the form writes what was typed onto the instance, valid or not
    # The school list is the user's own, so a pupil cannot be moved to a school they cannot see.
    form = PupilForm(request.POST or None, instance=pupil, schools=visible_schools(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            pupil = services.pupil_update(actor=request.user, pupil=pupil, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{pupil.full_name}'s details have been changed.")
            return redirect("placements:pupil_detail", pk=pupil.pk)
    return render(request, "placements/pupil_form.html", {"form": form, "pupil": pupil, "name": name})


def _require_manager(user):
    if not user.has_perm("placements.add_placement"):
        raise Http404


def _placement_form(request, data, *, placement=None):
    return PlacementForm(
        data,
        instance=placement,
        pupils=selectors.pupils_manageable_by(request.user).order_by("last_name", "first_name"),
        providers=visible_providers(request.user).order_by("name"),
        editing=placement is not None,
        initial={"pupil": request.GET.get("pupil")} if placement is None else None,
    )


def hours_warning(*, pupil, provider, main_responsibility, slots, placement=None, start_date=None):
    """The unregistered-provider breach a timetable would make, in words; None when there is none.
    The pupil's other placements at the provider count too: the limits are on their whole week
    there, in every period the placement runs."""
    if provider is None:
        return None
    today = timezone.localdate()
    verdict = selectors.hours_assessment_of_proposal(
        pupil=pupil,
        provider=provider,
        start=start_date or getattr(placement, "start_date", None),
        end=getattr(placement, "end_date", None),
        slots=slots,
        main_responsibility=main_responsibility,
        placement_id=getattr(placement, "pk", None),
        today=today,
    )
    if verdict.breach is None:
        return None
    message = verdict.message()
    if verdict.counts_other_placements:
        message += " This counts the pupil's other placements at this provider."
    return message


def _clean_or_none(form, name):
    try:
        return form.fields[name].clean(form.data.get(form.add_prefix(name)))
    except ValidationError:
        return None


def _warning_for(form, formset, *, placement=None):
    """The warning for whatever is on the form so far: only the provider, the main-responsibility
    answer and a valid timetable are needed; the pupil and start date add their other placements."""
    provider = _clean_or_none(form, "provider")
    if provider is None or not formset.is_valid():
        return None
    return hours_warning(
        pupil=placement.pupil if placement is not None else _clean_or_none(form, "pupil"),
        provider=provider,
        main_responsibility=form.data.get(form.add_prefix("provider_has_main_responsibility")) == "yes",
        slots=formset.slots(),
        placement=placement,
        start_date=_clean_or_none(form, "start_date"),
    )


def _quiet(*forms):
    """Drop validation messages: pressing "Add another session" is not a submission."""
    for form in forms:
        form._errors = ErrorDict() if hasattr(form, "fields") else []
        if hasattr(form, "_non_form_errors"):
            form._non_form_errors = ErrorList()
        for inner in getattr(form, "forms", []):
            inner._errors = ErrorDict()


def _add_slot_row(data, prefix="slots"):
    """The no-JS "Add another session" button: the same form with one more blank row."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    data[key] = str(int(data.get(key) or 0) + 1)
    return data


def _save(request, *, placement=None):
    data = request.POST if request.method == "POST" else None
    adding_row = data is not None and "add_slot" in data
    if adding_row:
        data = _add_slot_row(data)
    form = _placement_form(request, data, placement=placement)
    formset = timetable_formset(data, placement=placement)
    warning = None
    if adding_row:
        warning = _warning_for(form, formset, placement=placement)
        form.is_valid()
        _quiet(form, formset)
    elif data is not None:
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if form_ok and formset_ok:
            warning = hours_warning(
                pupil=form.cleaned_data["pupil"],
                provider=form.cleaned_data["provider"],
                main_responsibility=form.cleaned_data["provider_has_main_responsibility"],
                slots=formset.slots(),
                placement=placement,
                start_date=form.cleaned_data["start_date"],
            )
        if warning and not form.cleaned_data.get("confirm_breach"):
            form.add_error("confirm_breach", f"{warning} Change the timetable, or confirm before saving.")
        elif form_ok and formset_ok:
            fields = {k: v for k, v in form.cleaned_data.items() if k != "confirm_breach"}
            try:
                if placement is None:
                    placement = services.placement_create(
                        actor=request.user, timetable=formset.slots(), **fields
                    )
                    messages.success(
                        request, f"Placement at {placement.provider} added for {placement.pupil}."
                    )
                else:
                    fields.pop("pupil", None)
                    services.placement_update(
                        actor=request.user, placement=placement, timetable=formset.slots(), **fields
                    )
                    messages.success(request, f"Placement at {placement.provider} updated.")
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                return redirect("placements:pupil_detail", pk=placement.pupil_id)
    return render(
        request,
        "placements/placement_form.html",
        {"form": form, "formset": formset, "placement": placement, "warning": warning},
    )


@login_required
def placement_create(request):
    _require_manager(request.user)
    return _save(request)


@login_required
def placement_edit(request, pk):
    _require_manager(request.user)
    placement = get_object_or_404(
        selectors.placements_manageable_by(request.user).prefetch_related("timetable"), pk=pk
    )
    return _save(request, placement=placement)


@login_required
@require_POST
def placement_hours_check(request):
    """htmx: the breach warning for the form as it stands, before saving. `?placement=` names the
    placement being changed (its pupil field is fixed, so the form does not send it)."""
    _require_manager(request.user)
    placement = None
    if request.GET.get("placement"):
        placement = get_object_or_404(
            selectors.placements_manageable_by(request.user), pk=request.GET["placement"]
        )
    form = _placement_form(request, request.POST, placement=placement)
    warning = _warning_for(form, timetable_formset(request.POST), placement=placement)
    return render(request, "placements/placement_form.html#hours-warning", {"warning": warning})


@login_required
def placement_end(request, pk):
    _require_manager(request.user)
    placement = get_object_or_404(
        selectors.placements_manageable_by(request.user), pk=pk, end_date__isnull=True
    )
    form = PlacementEndForm(request.POST or None, placement=placement)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_end(actor=request.user, placement=placement, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request, f"The placement at {placement.provider} ends on {placement.end_date:%-d %B %Y}."
            )
            return redirect("placements:pupil_detail", pk=placement.pupil_id)
    return render(request, "placements/placement_end.html", {"form": form, "placement": placement})


@login_required
def placement_export(request):
    if not request.user.has_perm("placements.view_pupil_list"):
        raise Http404
    placements = (
        selectors.placements_manageable_by(request.user)
        .prefetch_related("timetable")
        .order_by("pupil__last_name", "pupil__first_name", "-start_date")
    )
    dataset = PlacementResource().export(placements)
    return dataset_response(f"placements-{timezone.localdate():%Y-%m-%d}.csv", dataset)


SESSION_KEY = "pupil_import"


class ImportFailed(Exception):
    def __init__(self, problems):
        super().__init__("The import had problems")
        self.problems = problems


def _run(text, *, school, actor, dry_run):
    dataset = tablib.Dataset().load(text, format="csv")
    if not len(dataset):
        return [(None, ["The file has no pupils in it: add one row per pupil below the headings"])], 0
    resource = PupilResource(school=school, actor=actor)
    result = resource.import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
    )
    return import_problems(result, columns=resource.column_names()), len(dataset)


def _import_for_real(text, *, school, actor):
    with transaction.atomic():
        problems, count = _run(text, school=school, actor=actor, dry_run=False)
        if problems:
            raise ImportFailed(problems)
    return count


@login_required
def pupil_import(request):
    if not request.user.has_perm("placements.add_placement"):
        raise Http404
    schools = visible_schools(request.user).order_by("name")
    school_ids = {s.pk: s for s in schools}
    context = {"problems": None, "preview": None}

    if request.method == "POST" and "confirm" in request.POST:
        pending = request.session.get(SESSION_KEY)
        if not pending or pending["school_id"] not in school_ids:
            messages.error(request, "Upload the file again: the checked file has expired.")
            return redirect("placements:pupil_import")
        try:
            count = _import_for_real(
                pending["text"], school=school_ids[pending["school_id"]], actor=request.user
            )
        except ImportFailed as exc:
            context["problems"] = exc.problems
        else:
            del request.session[SESSION_KEY]
            messages.success(request, f"{count} pupil{'s' if count != 1 else ''} imported.")
            return redirect("placements:pupil_list")
        form = PupilImportForm(schools=schools)
    else:
        form = PupilImportForm(request.POST or None, request.FILES or None, schools=schools)
        if request.method == "POST" and form.is_valid():
            text, school = form.cleaned_data["file"], form.cleaned_data["school"]
            try:
                problems, count = _run(text, school=school, actor=request.user, dry_run=True)
            except (tablib.InvalidDimensions, csv.Error, tablib.UnsupportedFormat):
                problems, count = (
                    [(None, ["The file could not be read as CSV: every row needs the same columns"])],
                    0,
                )
            if problems:
                context["problems"] = problems
            else:
                request.session[SESSION_KEY] = {"text": text, "school_id": school.pk}
                context["preview"] = {
                    "school": school,
                    "count": count,
                    "rows": list(csv.DictReader(io.StringIO(text)))[:200],
                }
    context["form"] = form
    context["columns"] = PUPIL_COLUMNS
    return render(request, "placements/import_pupils.html", context)


@login_required
def pupil_import_sample(request):
    if not request.user.has_perm("placements.add_placement"):
        raise Http404
    return csv_response("apdash-pupil-import-sample.csv", PUPIL_COLUMNS, SAMPLE_ROWS)
