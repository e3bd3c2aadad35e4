from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from apdash.selectors import visible_schools

from .. import selectors, services
from ..filters import PupilFilter
from ..forms import PupilForm
from ..models import Pupil
from ..resources import PupilResource

PAGE_SIZE = 50


def _filtered_pupils(request):
    today = timezone.localdate()
    pupils = selectors.pupil_list(request.user, today=today).order_by("last_name", "first_name", "pk")
    return PupilFilter(
        request.GET or None,
        queryset=pupils,
        providers=selectors.providers_in_use(request.user),
        today=today,
    )


@login_required
def pupil_list(request):
    if not request.user.has_perm("placements.view_pupil_list"):
        raise Http404
    pupil_filter = _filtered_pupils(request)
    page = Paginator(pupil_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "placements/pupil_list.html",
        {"filter": pupil_filter, "page": page, "pupils": page.object_list, "query": query.urlencode()},
    )


@login_required
def pupil_export(request):
    """The pupil list, with the same filters, as CSV."""
    if not request.user.has_perm("placements.view_pupil_list"):
        raise Http404
    dataset = PupilResource().export(_filtered_pupils(request).qs)
    response = HttpResponse(dataset.csv, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pupils-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


@login_required
def pupil_detail(request, pk):
    try:
        page = selectors.pupil_page(request.user, pupil_id=pk, today=timezone.localdate())
    except Pupil.DoesNotExist as exc:
        raise Http404("No such pupil") from exc
    if not request.user.has_perm("placements.view_pupil", page.pupil):
        raise Http404("No such pupil")
    return render(request, "placements/pupil_detail.html", {"pupil": page.pupil, "page": page})


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
