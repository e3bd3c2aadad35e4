"""Visits to see each pupil at each setting (G §1e), and the half-term coverage grid."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from apdash.school_choices import chosen_school
from placements.attendance.views import school_staff_only
from placements.core.selectors import visible_placements
from placements.visits import selectors, services
from placements.visits.forms import VisitForm


@login_required
def visit_create(request, placement_id):
    school_staff_only(request)
    placement = get_object_or_404(visible_placements(request.user), pk=placement_id)
    form = VisitForm(
        request.POST or None,
        today=timezone.localdate(),
        initial={"visitor_name": request.user.get_full_name()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_record(actor=request.user, placement=placement, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"Visit to {placement.pupil.full_name} at {placement.provider.name} saved."
            )
            return redirect(f"{reverse('placements:visit_coverage')}?school={placement.pupil.school_id}")
    return render(request, "placements/visit_form.html", {"placement": placement, "form": form})


@login_required
def visit_coverage(request):
    school_staff_only(request)
    school, schools, partnerships = chosen_school(request)
    terms, rows = selectors.coverage_grid(request.user, school=school, today=timezone.localdate())
    return render(
        request,
        "placements/coverage_grid.html",
        {"school": school, "schools": schools, "partnerships": partnerships, "terms": terms, "rows": rows},
    )


@login_required
def visit_detail(request, pk):
    """What was written at a visit, read back: wellbeing, learning, behaviour, the pupil's view."""
    school_staff_only(request)
    visit = get_object_or_404(selectors.visible_visits(request.user), pk=pk)
    return render(request, "placements/visit_detail.html", {"visit": visit, "placement": visit.placement})
