"""Telling the parents (off-site direction) and the local authority about a placement."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from placements.core import notices, selectors, services
from placements.core.forms import SentForm


def _placement(request, pk):
    placement = get_object_or_404(
        selectors.placements_manageable_by(request.user).select_related("pupil__school", "provider"), pk=pk
    )
    if not request.user.has_perm("placements.change_placement", placement):
        raise Http404
    return placement


@login_required
def placement_notices(request, pk):
    placement = _placement(request, pk)
    posted = request.POST if request.method == "POST" else None
    parents = SentForm(
        posted if posted and "parents-submit" in posted else None,
        prefix="parents",
        submit="Record the notice to parents",
        initial={"sent_on": placement.parental_notice_sent_on, "how": placement.parental_notice_how},
    )
    la = SentForm(
        posted if posted and "la-submit" in posted else None,
        prefix="la",
        submit="Record that the LA was told",
        initial={"sent_on": placement.la_notified_on, "how": placement.la_notified_how},
    )
    for form, record, words in (
        (parents, services.parental_notice_record, "The notice to parents is recorded."),
        (la, services.la_notification_record, "Telling the local authority is recorded."),
    ):
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            try:
                if record is services.parental_notice_record:
                    record(actor=request.user, placement=placement, sent_on=data["sent_on"], how=data["how"])
                else:
                    record(
                        actor=request.user, placement=placement, notified_on=data["sent_on"], how=data["how"]
                    )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, words)
                return redirect("placements:placement_notices", pk=placement.pk)
    return render(
        request,
        "placements/placement_notices.html",
        {
            "placement": placement,
            "parents_form": parents,
            "la_form": la,
            "la_required": not placement.provider.is_registered,
        },
    )


@login_required
def parental_notice_pdf(request, pk):
    placement = _placement(request, pk)
    pdf = notices.parental_notice_pdf(placement, today=timezone.localdate())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="notice-to-parents-{placement.pupil.upn}-{placement.start_date:%Y-%m-%d}.pdf"'
    )
    return response
