"""Learning plans, milestones, reviews, qualifications and outcomes for one pupil (G §1b, §4f–g)."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from placements.plans import selectors, services
from placements.plans.forms import LearningPlanForm, MilestoneForm, OutcomeForm, QualificationForm, ReviewForm
from placements.plans.models import LearningPlan, Milestone, Qualification, Review
from providers.selectors import visible_providers


def _pupil(request, pupil_id, *, change=False):
    """The pupil, if the user may read (or change) their plan; otherwise a 404."""
    pupil = get_object_or_404(selectors.plan_pupils(request.user), pk=pupil_id)
    if not request.user.has_perm("placements.change_pupil" if change else "placements.view_pupil", pupil):
        raise Http404("No such pupil")
    return pupil


def _plan(request, pupil, *, required=True):
    plan = LearningPlan.objects.filter(pupil=pupil).first()
    if plan is None and required:
        messages.info(request, f"Write {pupil.first_name}'s learning plan first.")
    return plan


def _save(form, request, service, success, **kwargs):
    """Call the service with the form's data; a refusal from the model shows on the form."""
    try:
        result = service(actor=request.user, **kwargs, **form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    messages.success(request, success)
    return result


@login_required
def plan_edit(request, pupil_id):
    pupil = _pupil(request, pupil_id, change=True)
    plan = _plan(request, pupil, required=False)
    form = LearningPlanForm(
        request.POST or None,
        request.FILES or None,
        instance=plan,
        today=timezone.localdate(),
        initial={} if plan else {"needs_summary": pupil.needs_summary},
    )
    if request.method == "POST" and form.is_valid():
        if _save(form, request, services.learning_plan_save, "Learning plan saved.", pupil=pupil, plan=plan):
            return redirect("placements:pupil_detail", pk=pupil.pk)
    return render(request, "placements/plan_form.html", {"pupil": pupil, "plan": plan, "form": form})


@login_required
def plan_document(request, pupil_id):
    pupil = _pupil(request, pupil_id)
    plan = LearningPlan.objects.filter(pupil=pupil).first()
    if plan is None or not plan.document:
        raise Http404
    name = plan.document.name.rsplit("/", 1)[-1]
    return FileResponse(
        plan.document.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )


def _milestone_form(request, pupil, plan, milestone):
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form, request, services.milestone_save, "Milestone saved.", plan=plan, milestone=milestone
        )
        if saved:
            return redirect("placements:pupil_detail", pk=pupil.pk)
    return render(
        request, "placements/milestone_form.html", {"pupil": pupil, "milestone": milestone, "form": form}
    )


@login_required
def milestone_create(request, pupil_id):
    pupil = _pupil(request, pupil_id, change=True)
    plan = _plan(request, pupil)
    if plan is None:
        return redirect("placements:plan_edit", pupil_id=pupil.pk)
    return _milestone_form(request, pupil, plan, None)


@login_required
def milestone_edit(request, pk):
    milestone = get_object_or_404(
        Milestone.objects.select_related("plan"),
        pk=pk,
        plan__pupil__in=selectors.plan_pupils(request.user),
    )
    pupil = _pupil(request, milestone.plan.pupil_id, change=True)
    return _milestone_form(request, pupil, milestone.plan, milestone)


@login_required
def review_create(request, pupil_id):
    pupil = _pupil(request, pupil_id, change=True)
    plan = _plan(request, pupil)
    if plan is None:
        return redirect("placements:plan_edit", pupil_id=pupil.pk)
    today = timezone.localdate()
    initial = {
        "date": today.strftime("%d/%m/%Y"),
        "attendees": ["attended_school"],
        **selectors.review_prefill(plan, today=today),
    }
    form = ReviewForm(
        request.POST or None, milestones=selectors.milestones_of(plan), today=today, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_record(
                actor=request.user, plan=plan, progress=form.progress(), **form.review_fields()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Review saved.")
            return redirect("placements:pupil_detail", pk=pupil.pk)
    return render(request, "placements/review_form.html", {"pupil": pupil, "form": form})


@login_required
def review_detail(request, pk):
    review = get_object_or_404(
        Review.objects.select_related("plan__pupil__school", "recorded_by").prefetch_related(
            "progress__milestone"
        ),
        pk=pk,
        plan__pupil__in=selectors.plan_pupils(request.user),
    )
    _pupil(request, review.plan.pupil_id)
    return render(request, "placements/review_detail.html", {"review": review, "pupil": review.plan.pupil})


def _qualification_form(request, pupil, qualification):
    form = QualificationForm(
        request.POST or None,
        instance=qualification,
        providers=visible_providers(request.user).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form,
            request,
            services.qualification_save,
            "Qualification saved.",
            pupil=pupil,
            qualification=qualification,
        )
        if saved:
            return redirect("placements:pupil_detail", pk=pupil.pk)
    return render(
        request,
        "placements/qualification_form.html",
        {"pupil": pupil, "qualification": qualification, "form": form},
    )


@login_required
def qualification_create(request, pupil_id):
    return _qualification_form(request, _pupil(request, pupil_id, change=True), None)


@login_required
def qualification_edit(request, pk):
    qualification = get_object_or_404(
        Qualification.objects.all(), pk=pk, pupil__in=selectors.plan_pupils(request.user)
    )
    return _qualification_form(request, _pupil(request, qualification.pupil_id, change=True), qualification)


@login_required
def outcome_create(request, pupil_id):
    pupil = _pupil(request, pupil_id, change=True)
    form = OutcomeForm(
        request.POST or None, placements=selectors.pupil_placements(pupil), today=timezone.localdate()
    )
    if request.method == "POST" and form.is_valid():
        if _save(form, request, services.outcome_record, "Outcome saved.", pupil=pupil):
            return redirect("placements:pupil_detail", pk=pupil.pk)
    return render(request, "placements/outcome_form.html", {"pupil": pupil, "form": form})
