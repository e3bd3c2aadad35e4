"""Placement pages: create, edit (with the weekly timetable), end, the live hours warning, export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict, ErrorList
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from apdash.selectors import visible_providers

from .. import rules, selectors, services
from ..forms import PlacementEndForm, PlacementForm, timetable_formset
from ..resources import PlacementResource


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
    there."""
    if provider is None:
        return None
    slots = list(slots)
    others = []
    if pupil is not None:
        day = rules.hours_reference_day(
            start_date or getattr(placement, "start_date", None),
            getattr(placement, "end_date", None),
            today=timezone.localdate(),
        )
        others = selectors.other_slots_at_provider(pupil, provider, exclude_placement=placement, day=day)
    limits = services.hours_limits()
    assessment = rules.pupil_hours_assessment(
        slots + others,
        provider_registered=provider.is_registered,
        main_responsibility=main_responsibility,
        limits=limits,
    )
    if not assessment.is_breach:
        return None
    message = rules.describe_hours_breach(assessment, limits)
    if others:
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
    response = HttpResponse(dataset.csv, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="placements-{timezone.localdate():%Y-%m-%d}.csv"'
    return response
