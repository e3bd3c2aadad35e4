"""Safeguarding pages. Every page sits behind two-factor sign-in for DSLs and heads; anything a
user may not read is a 404; every read of a concern is written to the audit trail."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from apdash.accounts import two_factor_required
from apdash.models import Role
from placements.attendance.rules import ATTENDANCE_CODES
from placements.models import FollowUp, Placement, Pupil

from . import rules, selectors, services
from .forms import (
    ChoosePupilForm,
    CloseForm,
    ConcernForm,
    EntryForm,
    InductionForm,
    RiskAssessmentForm,
    TransferForm,
)
from .models import Concern, RiskAssessment


def client_ip(request):
    return request.META.get("REMOTE_ADDR")


def _concern_or_404(request, pk, *, dsl_only=False):
    try:
        concern, as_dsl = selectors.concern_for(request.user, pk)
    except Concern.DoesNotExist as exc:
        raise Http404("No such concern") from exc
    if dsl_only and not as_dsl:
        raise Http404("No such concern")
    return concern, as_dsl


def _apply_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def home_sections(user, role, today):
    """The DSL's home page leads with their concerns (registered first with `apdash.views`)."""
    if role != Role.DSL and not selectors.is_dsl(user):
        return []
    waiting = selectors.dsl_waiting(user, now=timezone.now())
    return [
        {
            "template": "safeguarding/home_concerns.html",
            "waiting": waiting,
            "unacknowledged": sum(1 for w in waiting if w.concern.status == Concern.Status.NEW),
        }
    ]


@two_factor_required
def index(request):
    """Concerns the user raised. A DSL's safeguarding section opens on their inbox instead."""
    if selectors.is_dsl(request.user) and "raised" not in request.GET:
        return redirect("safeguarding:inbox")
    raised = list(selectors.raised_by_me(request.user)[:200])
    services.concern_reads_record(
        actor=request.user, concerns=raised, action="concern.list_viewed", ip=client_ip(request)
    )
    return render(
        request,
        "safeguarding/index.html",
        {"raised": raised, "is_dsl": selectors.is_dsl(request.user)},
    )


@two_factor_required
def inbox(request):
    if not selectors.is_dsl(request.user):
        raise Http404
    concerns = list(selectors.dsl_inbox(request.user)[:200])
    services.concern_reads_record(
        actor=request.user, concerns=concerns, action="concern.list_viewed", ip=client_ip(request)
    )
    for wait in selectors.waiting_for(concerns, now=timezone.now()):
        wait.concern.wait = wait
    return render(request, "safeguarding/inbox.html", {"concerns": concerns})


@two_factor_required
def concern_start(request):
    pupils = selectors.raisable_pupils(request.user).select_related("school")
    form = ChoosePupilForm(request.GET or None, pupils=pupils)
    if request.GET and form.is_valid():
        return redirect("safeguarding:concern_raise", pupil_id=form.cleaned_data["pupil"].pk)
    return render(request, "safeguarding/concern_start.html", {"form": form})


def _draft_from_follow_up(request, pupil) -> dict:
    """Initial values when an escalated absence follow-up sends the user here (`?placement=` and
    `?follow_up=`): nothing is sent until they complete and submit the form."""
    if "follow_up" not in request.GET:
        return {}
    try:
        placement, follow_up = selectors.follow_up_for_concern(
            request.user,
            pupil,
            placement_id=request.GET.get("placement"),
            follow_up_id=request.GET["follow_up"],
        )
    except (Placement.DoesNotExist, FollowUp.DoesNotExist, ValueError) as exc:
        raise Http404("No such follow-up") from exc
    mark = follow_up.attendance
    return {
        "placement": placement.pk,
        "occurred_date": mark.date.strftime("%d/%m/%Y"),
        "description": rules.concern_draft_from_follow_up(
            provider=placement.provider.name,
            absence_date=mark.date,
            session=mark.get_session_display(),
            code=mark.code,
            code_meaning=ATTENDANCE_CODES[mark.code][0],
            contacted=follow_up.contacted,
            contacted_at=timezone.localtime(follow_up.contacted_at),
            outcome=follow_up.get_outcome_display(),
            note=follow_up.note,
        ),
    }


@two_factor_required
def concern_raise(request, pupil_id):
    try:
        pupil = selectors.raisable_pupils(request.user).get(pk=pupil_id)
    except Pupil.DoesNotExist as exc:
        raise Http404("No such pupil") from exc
    initial = {} if request.method == "POST" else _draft_from_follow_up(request, pupil)
    form = ConcernForm(
        request.POST or None, placements=selectors.raisable_placements(request.user, pupil), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            concern = services.concern_raise(
                actor=request.user,
                pupil=pupil,
                placement=data["placement"],
                category=data["category"],
                description=data["description"],
                occurred_at=data["occurred_at"],
                location=data["location"],
                immediate_action=data["immediate_action"],
                urgency=data["urgency"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Your concern has been sent to the DSL.")
            return redirect("safeguarding:concern_detail", pk=concern.pk)
    return render(
        request,
        "safeguarding/concern_form.html",
        {"form": form, "pupil": pupil, "drafted": bool(initial)},
    )


@two_factor_required
def concern_detail(request, pk):
    concern, as_dsl = _concern_or_404(request, pk)
    entries = list(selectors.concern_entries(concern)) if as_dsl else []
    services.concern_reads_record(
        actor=request.user,
        concerns=[concern],
        ip=client_ip(request),
        details={"as": "dsl" if as_dsl else "raiser", "entries": [e.pk for e in entries]},
    )
    return render(
        request,
        "safeguarding/concern_detail.html",
        {
            "concern": concern,
            "as_dsl": as_dsl,
            "entries": entries,
            "keep_until": rules.keep_until(concern.pupil.date_of_birth),
        },
    )


@require_POST
@two_factor_required
def concern_acknowledge(request, pk):
    concern, _ = _concern_or_404(request, pk, dsl_only=True)
    services.concern_acknowledge(actor=request.user, concern=concern, ip=client_ip(request))
    messages.success(request, "You have acknowledged this concern.")
    return redirect("safeguarding:concern_detail", pk=concern.pk)


@two_factor_required
def concern_entry_add(request, pk):
    concern, _ = _concern_or_404(request, pk, dsl_only=True)
    form = EntryForm(request.POST or None, concern=concern)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.concern_entry_add(
                actor=request.user,
                concern=concern,
                kind=data["kind"],
                text=data["text"],
                referral_to=data["referral_to"],
                decision=data["decision"],
                corrects=data["corrects"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Added to the chronology.")
            return redirect("safeguarding:concern_detail", pk=concern.pk)
    return render(request, "safeguarding/entry_form.html", {"form": form, "concern": concern})


@two_factor_required
def concern_close(request, pk):
    concern, _ = _concern_or_404(request, pk, dsl_only=True)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_close(
                actor=request.user,
                concern=concern,
                outcome=form.cleaned_data["outcome"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The concern is closed.")
            return redirect("safeguarding:concern_detail", pk=concern.pk)
    return render(request, "safeguarding/close_form.html", {"form": form, "concern": concern})


@two_factor_required
def concern_access_log(request, pk):
    concern, _ = _concern_or_404(request, pk, dsl_only=True)
    services.concern_reads_record(
        actor=request.user, concerns=[concern], action="concern.access_log_viewed", ip=client_ip(request)
    )
    events = [
        {
            "event": event,
            "sentence": rules.access_sentence(
                who=event.actor.get_full_name() if event.actor else "The system",
                action=event.action,
                at=timezone.localtime(event.created_at),
            ),
        }
        for event in selectors.concern_access_log(concern)
    ]
    return render(request, "safeguarding/access_log.html", {"concern": concern, "events": events})


@two_factor_required
def pupil_chronology(request, pupil_id):
    try:
        pupil, concerns, events = selectors.pupil_chronology(request.user, pupil_id=pupil_id)
    except Concern.DoesNotExist as exc:
        raise Http404("No such pupil") from exc
    services.concern_reads_record(
        actor=request.user, concerns=concerns, action="concern.chronology_viewed", ip=client_ip(request)
    )
    return render(request, "safeguarding/chronology.html", {"pupil": pupil, "events": events})


def _placement_or_404(request, placement_id):
    try:
        return selectors.safeguarding_placement(request.user, placement_id)
    except Placement.DoesNotExist as exc:
        raise Http404("No such placement") from exc


@two_factor_required
def placement_safeguarding(request, placement_id):
    placement = _placement_or_404(request, placement_id)
    assessments, inductions = selectors.placement_safeguarding_records(placement)
    school_staff = selectors.may_manage_risk_assessments(request.user)
    return render(
        request,
        "safeguarding/placement.html",
        {
            "placement": placement,
            "assessments": assessments if school_staff else [],
            "inductions": inductions,
            "school_staff": school_staff,
        },
    )


@two_factor_required
def risk_assessment_create(request, placement_id):
    placement = _placement_or_404(request, placement_id)
    if not selectors.may_manage_risk_assessments(request.user):
        raise Http404
    form = RiskAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_assessment_record(
                actor=request.user, placement=placement, ip=client_ip(request), **form.cleaned_data
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Risk assessment saved.")
            return redirect("safeguarding:placement", placement_id=placement.pk)
    return render(request, "safeguarding/risk_assessment_form.html", {"form": form, "placement": placement})


@require_POST
@two_factor_required
def risk_assessment_approve(request, placement_id, pk):
    placement = _placement_or_404(request, placement_id)
    try:
        assessment = placement.risk_assessments.get(pk=pk)
        services.risk_assessment_approve(actor=request.user, assessment=assessment, ip=client_ip(request))
    except (RiskAssessment.DoesNotExist, PermissionDenied) as exc:
        raise Http404 from exc
    messages.success(request, "Risk assessment approved.")
    return redirect("safeguarding:placement", placement_id=placement.pk)


@two_factor_required
def induction_create(request, placement_id):
    placement = _placement_or_404(request, placement_id)
    form = InductionForm(request.POST or None, initial={"provider_dsl_name": placement.provider.dsl_name})
    if request.method == "POST" and form.is_valid():
        try:
            services.induction_record(
                actor=request.user, placement=placement, ip=client_ip(request), **form.cleaned_data
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Induction recorded.")
            return redirect("safeguarding:placement", placement_id=placement.pk)
    return render(request, "safeguarding/induction_form.html", {"form": form, "placement": placement})


def _pupil_file_or_404(request, pupil_id):
    try:
        return selectors.pupil_chronology(request.user, pupil_id=pupil_id)
    except Concern.DoesNotExist as exc:
        raise Http404("No such pupil") from exc


@two_factor_required
def pupil_transfer(request, pupil_id):
    """When a pupil leaves: their safeguarding file to download (PDF) and to record as sent."""
    pupil, concerns, _ = _pupil_file_or_404(request, pupil_id)
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.safeguarding_transfer_record(
            actor=request.user, pupil=pupil, ip=client_ip(request), **form.cleaned_data
        )
        messages.success(request, f"The safeguarding file of {pupil.full_name} is recorded as sent.")
        return redirect("safeguarding:transfer", pupil_id=pupil.pk)
    return render(
        request,
        "safeguarding/transfer.html",
        {
            "pupil": pupil,
            "form": form,
            "keep_until": rules.keep_until(pupil.date_of_birth),
            "transfers": list(pupil.safeguarding_transfers.select_related("sent_by")),
            "concern_count": len(concerns),
        },
    )


@two_factor_required
def pupil_file_pdf(request, pupil_id):
    """The pupil's safeguarding file as a PDF, for transfer to the new school (KCSIE)."""
    from weasyprint import HTML

    pupil, concerns, events = _pupil_file_or_404(request, pupil_id)
    services.concern_reads_record(
        actor=request.user, concerns=concerns, action="concern.file_exported", ip=client_ip(request)
    )
    html = render_to_string(
        "safeguarding/pupil_file_pdf.html",
        {
            "pupil": pupil,
            "concerns": concerns,
            "events": events,
            "keep_until": rules.keep_until(pupil.date_of_birth),
            "generated_at": timezone.now(),
        },
    )
    response = HttpResponse(HTML(string=html, base_url=".").write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="safeguarding-file-{pupil.upn}.pdf"'
    return response
