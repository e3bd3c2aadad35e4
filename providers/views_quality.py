"""Provider quality: the annual directory audit and QA visits, whose reports are shared with every
school of the partnership (G §3a–e)."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from providers.selectors import visible_providers

from . import selectors, services
from .forms_quality import FRAMEWORK_AREAS, ProviderAuditForm, QAVisitForm

PAGE_SIZE = 50


def _register_readers_only(request):
    if not request.user.has_perm("providers.view_provider_register"):
        raise Http404


def _managers_only(request):
    if not request.user.has_perm("providers.change_provider"):
        raise Http404


@login_required
def quality_list(request):
    _register_readers_only(request)
    visits = selectors.qa_visits_visible_to(request.user).order_by("-visited_on", "-pk")
    page = Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))
    audits = selectors.audits_visible_to(request.user).order_by("-audited_on", "-pk")[:PAGE_SIZE]
    return render(
        request,
        "providers/quality_list.html",
        {"page": page, "qa_visits": page.object_list, "audits": audits, "today": timezone.localdate()},
    )


@login_required
def audit_create(request, provider_id):
    _managers_only(request)
    provider = get_object_or_404(visible_providers(request.user), pk=provider_id)
    form = ProviderAuditForm(request.POST or None, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_audit_record(actor=request.user, provider=provider, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Audit of {provider.name} saved.")
            return redirect("providers:provider_detail", pk=provider.pk)
    return render(request, "providers/quality_audit_form.html", {"provider": provider, "form": form})


@login_required
def qa_visit_create(request, provider_id):
    _managers_only(request)
    provider = get_object_or_404(visible_providers(request.user), pk=provider_id)
    school, partnership = selectors.qa_visit_recorder(request.user)
    # A school may keep a visit to itself; a partnership's own visit is always shared.
    can_share = school is not None and partnership is not None
    form = QAVisitForm(
        request.POST or None,
        request.FILES or None,
        today=timezone.localdate(),
        can_share=can_share,
        initial={"visitor": request.user.get_full_name()},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        shared = data.pop("share_with_partnership", True)
        try:
            visit = services.qa_visit_record(
                actor=request.user,
                provider=provider,
                school=school,
                partnership=partnership if shared else None,
                **data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"QA visit to {provider.name} saved.")
            return redirect("providers:qa_visit_detail", pk=visit.pk)
    return render(request, "providers/quality_visit_form.html", {"provider": provider, "form": form})


@login_required
def qa_visit_detail(request, pk):
    _register_readers_only(request)
    visit = get_object_or_404(selectors.qa_visits_visible_to(request.user), pk=pk)
    scores = [(label, getattr(visit, name)) for name, label in FRAMEWORK_AREAS]
    return render(request, "providers/quality_visit_detail.html", {"visit": visit, "scores": scores})


@login_required
def qa_report_download(request, pk):
    _register_readers_only(request)
    visit = get_object_or_404(selectors.qa_visits_visible_to(request.user), pk=pk)
    if not visit.report:
        raise Http404
    name = visit.report.name.rsplit("/", 1)[-1]
    return FileResponse(
        visit.report.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )
