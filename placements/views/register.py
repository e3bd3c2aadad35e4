"""The provider's one-page register for a day: opened from a signed link without an account, or
by provider staff signed in. Both read and write exactly that provider's pupils timetabled there
that day, and nothing else."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from apdash.selectors import user_scope
from providers.models import Provider

from .. import rules, selectors, services
from ..forms_attendance import STATUS_LABELS, RegisterSubmission
from ..models import AttendanceMark

ABSENCE_REASONS = [(value, label) for value, label in AttendanceMark.AbsenceReason.choices]


@never_cache
def register_by_link(request, token):
    link = services.register_link_from_token(token, today=timezone.localdate())
    if link is None:
        raise Http404("This register link is not valid")
    return _register(
        request, provider=link.provider, day=link.date, source=AttendanceMark.Source.PROVIDER_LINK
    )


@login_required
@never_cache
def provider_register(request, provider_id):
    scope = user_scope(request.user)
    if not (scope.everything or provider_id in scope.provider_ids):
        raise Http404("No such provider")
    provider = get_object_or_404(Provider, pk=provider_id)
    today = timezone.localdate()
    try:
        day = date.fromisoformat(request.GET.get("date", "")) if request.GET.get("date") else today
    except ValueError as exc:
        raise Http404("No such register") from exc
    if day > today:
        raise Http404("A register cannot be filled in before the day")
    return _register(request, provider=provider, day=day, source=AttendanceMark.Source.PROVIDER_STAFF)


def _register(request, *, provider, day, source):
    rows = selectors.register_rows(provider_id=provider.pk, day=day)
    submission = None
    if request.method == "POST":
        submission = RegisterSubmission(rows=rows, data=request.POST, day=day)
        if submission.is_valid:
            try:
                marks = services.attendance_bulk_record(
                    actor=request.user, entries=submission.entries, source=source
                )
            except ValidationError as exc:
                submission.errors.append(("", " ".join(exc.messages)))
            else:
                messages.success(
                    request,
                    f"Register sent: {len(marks)} mark{'s' if len(marks) != 1 else ''} recorded. Thank you.",
                )
                return redirect(request.get_full_path())
    data = submission.data if submission else {}
    errors = submission.errors if submission else []
    field_errors = dict(errors)
    lines = []
    for row in rows:
        for session in row.sessions:
            prefix = f"{row.placement.pk}-{session}"
            mark = row.marks.get(session)
            lines.append(
                {
                    "prefix": prefix,
                    "pupil": row.placement.pupil,
                    "session": session,
                    "session_name": "Morning" if session == "AM" else "Afternoon",
                    "mark": mark,
                    "status": data.get(f"status-{prefix}")
                    or (rules.register_status_for(mark.code, mark.minutes_late) if mark else ""),
                    "minutes_late": data.get(f"late-{prefix}")
                    or (mark.minutes_late if mark and mark.minutes_late else ""),
                    "reason": data.get(f"reason-{prefix}") or (mark.absence_reason if mark else ""),
                    "note": data.get(f"note-{prefix}") or (mark.note if mark else ""),
                    "error": next(
                        (
                            field_errors[f"{kind}-{prefix}"]
                            for kind in ("status", "late", "reason", "note")
                            if f"{kind}-{prefix}" in field_errors
                        ),
                        None,
                    ),
                }
            )
    return render(
        request,
        "placements/register_page.html",
        {
            "provider": provider,
            "day": day,
            "lines": lines,
            "statuses": list(STATUS_LABELS.items()),
            "reasons": ABSENCE_REASONS,
            "errors": errors,
            "by_link": source == AttendanceMark.Source.PROVIDER_LINK,
        },
    )
