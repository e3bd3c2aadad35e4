from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from apdash.selectors import visible_schools

from .. import selectors, services
from ..forms import PupilForm
from ..models import Pupil


@login_required
def pupil_list(request):
    if not request.user.has_perm("placements.view_pupil_list"):
        raise Http404
    pupils = selectors.pupil_list(request.user).order_by("last_name", "first_name")
    return render(request, "placements/pupil_list.html", {"pupils": pupils[:200]})


@login_required
def pupil_detail(request, pk):
    try:
        pupil = selectors.pupil_detail(request.user, pupil_id=pk)
    except Pupil.DoesNotExist as exc:
        raise Http404("No such pupil") from exc
    if not request.user.has_perm("placements.view_pupil", pupil):
        raise Http404("No such pupil")
    return render(request, "placements/pupil_detail.html", {"pupil": pupil})


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
