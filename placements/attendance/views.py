"""Attendance: the coordinator's week grid, follow-ups, figures, register imports and register
links, and the provider's one-page register for a day (by signed link or as provider staff)."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from apdash import thresholds
from apdash.imports import read_csv_upload
from apdash.school_choices import chosen_school
from apdash.selectors import is_school_day, user_scope
from placements.attendance import rules, selectors, services
from placements.attendance.forms import (
    STATUS_LABELS,
    AttendanceImportForm,
    FollowUpForm,
    RegisterLinkForm,
    RegisterSubmission,
    grid_entries,
    mark_all_attended_entries,
    parse_register_csv,
)
from placements.attendance.models import AttendanceMark, FollowUp
from placements.core import rules as core_rules
from placements.core.selectors import visible_placements
from providers.models import Provider
from providers.selectors import visible_providers

GRID_PAGE_SIZE = 50
CODES = [(code, rules.code_meaning(code)) for code in rules.ATTENDANCE_CODES]


def school_staff_only(request):
    if not request.user.has_perm("placements.view_pupil_list"):
        raise Http404


def _week_start(request, today):
    try:
        day = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = today
    return day - timedelta(days=day.weekday())


@login_required
def register_grid(request):
    school_staff_only(request)
    school, schools, partnerships = chosen_school(request)
    now = timezone.now()
    today = timezone.localdate()
    monday = _week_start(request, today)
    errors = []
    if request.method == "POST":
        rows = selectors.register_grid(request.user, school=school, week_start=monday, now=now)
        action = request.POST.get("action")
        if action in ("mark_all", "mark_all_confirmed"):
            entries = mark_all_attended_entries(rows, now=timezone.localtime(now).replace(tzinfo=None))
            if action == "mark_all":
                # Ask first: say how many sessions will be marked, and that none is overwritten.
                return render(
                    request,
                    "placements/register_mark_all_confirm.html",
                    {"school": school, "week": monday, "entries": entries},
                )
        else:
            entries, errors = grid_entries(rows, request.POST)
        if not errors:
            try:
                if action == "mark_all_confirmed":
                    marks = services.attendance_mark_all_attended(actor=request.user, entries=entries)
                else:
                    marks = services.attendance_bulk_record(
                        actor=request.user, entries=entries, source=AttendanceMark.Source.COORDINATOR
                    )
            except ValidationError as exc:
                errors = [("", message) for message in exc.messages]
            else:
                messages.success(request, f"{len(marks)} mark{'s' if len(marks) != 1 else ''} saved.")
                back = urlencode({"school": school.pk, "week": monday, "page": request.POST.get("page") or 1})
                return redirect(f"{reverse('placements:register_grid')}?{back}")
    days = selectors.week_days(monday)
    # A big school's week is shown a page of pupils at a time; saving reads only the shown cells,
    # and marking all attended takes the whole week (above).
    page = Paginator(
        selectors.grid_placements(request.user, school=school, week_start=monday), GRID_PAGE_SIZE
    ).get_page(request.POST.get("page") or request.GET.get("page"))
    rows = selectors.register_grid(
        request.user, school=school, week_start=monday, now=now, placements=page.object_list
    )
    return render(
        request,
        "placements/register_grid.html",
        {
            "school": school,
            "schools": schools,
            "partnerships": partnerships,
            "days": days,
            "page": page,
            "rows": rows,
            "query": urlencode({"school": school.pk, "week": monday}),
            "errors": errors,
            "posted": request.POST if errors else {},
            "codes": CODES,
            "previous_week": monday - timedelta(days=7),
            "next_week": monday + timedelta(days=7),
            "today": today,
        },
    )


def _concern_draft_url(follow_up):
    """The safeguarding "raise a concern" form, started from an escalated follow-up. Only ids
    travel in the address; safeguarding drafts the text and checks the user may see them."""
    placement = follow_up.attendance.placement
    query = urlencode({"placement": placement.pk, "follow_up": follow_up.pk})
    return f"{reverse('safeguarding:concern_raise', args=[placement.pupil_id])}?{query}"


@login_required
def follow_up_create(request, placement_id, day, session):
    school_staff_only(request)
    if session not in core_rules.SESSIONS:
        raise Http404
    placement = get_object_or_404(visible_placements(request.user), pk=placement_id)
    try:
        day = date.fromisoformat(day)
    except ValueError as exc:
        raise Http404 from exc
    mark = placement.attendance.filter(date=day, session=session).prefetch_related("follow_ups").first()
    if mark is None and not (placement.is_active_on(day) and is_school_day(placement.pupil.school, day)):
        raise Http404
    now = timezone.now()
    form = FollowUpForm(request.POST or None, now=now, day=day)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            follow_up = services.follow_up_record(
                actor=request.user,
                placement=placement,
                date=day,
                session=session,
                contacted=data["contacted"],
                contacted_at=data["contacted_at"],
                outcome=data["outcome"],
                note=data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Follow-up recorded for {placement.pupil.full_name}.")
            if follow_up.outcome == FollowUp.Outcome.ESCALATED:
                return redirect(_concern_draft_url(follow_up))
            week = day - timedelta(days=day.weekday())
            return redirect(
                f"{reverse('placements:register_grid')}?school={placement.pupil.school_id}&week={week}"
            )
    return render(
        request,
        "placements/follow_up_form.html",
        {"placement": placement, "day": day, "session": session, "mark": mark, "form": form},
    )


@login_required
def attendance_figures(request):
    school_staff_only(request)
    school, schools, partnerships = chosen_school(request)
    figures = selectors.attendance_figures(request.user, school=school, today=timezone.localdate())
    return render(
        request,
        "placements/attendance_figures.html",
        {
            "school": school,
            "schools": schools,
            "partnerships": partnerships,
            "threshold": thresholds.persistent_absence_below(),
            **figures,
        },
    )


@login_required
def attendance_import(request):
    school_staff_only(request)
    providers = visible_providers(request.user).filter(
        pk__in=visible_placements(request.user).values("provider_id")
    )
    form = AttendanceImportForm(request.POST or None, request.FILES or None, providers=providers)
    errors = []
    if request.method == "POST" and form.is_valid():
        provider = form.cleaned_data["provider"]
        try:
            text = read_csv_upload(form.cleaned_data["file"])
        except ValidationError as exc:
            text = None
            form.add_error("file", exc)
        if text is not None:
            placements = list(
                visible_placements(request.user).filter(provider=provider).prefetch_related("timetable")
            )
            by_upn = {}
            for placement in placements:
                by_upn.setdefault(placement.pupil.upn, []).append(placement)
            today = timezone.localdate()
            entries, errors = parse_register_csv(
                text,
                placements_by_upn=by_upn,
                scheduled=selectors.scheduled_sessions(placements, today=today),
                today=today,
            )
            if not errors:
                try:
                    marks = services.attendance_bulk_record(
                        actor=request.user, entries=entries, source=AttendanceMark.Source.IMPORT
                    )
                except ValidationError as exc:
                    errors = list(exc.messages)
                else:
                    messages.success(request, f"Imported {len(marks)} marks from {provider.name}'s register.")
                    return redirect("placements:attendance_import")
    return render(request, "placements/attendance_import.html", {"form": form, "import_errors": errors})


@login_required
def register_links(request):
    school_staff_only(request)
    today = timezone.localdate()
    providers = visible_providers(request.user).filter(
        pk__in=visible_placements(request.user).values("provider_id")
    )
    form = RegisterLinkForm(request.POST or None, providers=providers, today=today)
    new_link = None
    if request.method == "POST" and form.is_valid():
        try:
            link, token = services.register_link_create(
                actor=request.user, provider=form.cleaned_data["provider"], date=form.cleaned_data["date"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            new_link = request.build_absolute_uri(reverse("placements:register_by_link", args=[token]))
            messages.success(request, f"Register link created for {link.provider.name}.")
    return render(
        request,
        "placements/register_links.html",
        {"form": form, "links": selectors.register_links(request.user, today=today), "new_link": new_link},
    )


@login_required
@require_POST
def register_link_revoke(request, pk):
    school_staff_only(request)
    today = timezone.localdate()
    link = get_object_or_404(selectors.register_links(request.user, today=today), pk=pk)
    services.register_link_revoke(actor=request.user, link=link)
    messages.success(request, f"The link for {link.provider.name} on {link.date:%-d %B %Y} no longer works.")
    return redirect("placements:register_links")


ABSENCE_REASONS = [(value, label) for value, label in AttendanceMark.AbsenceReason.choices]


@never_cache
def register_by_link(request, token):
    link = services.register_link_from_token(token, today=timezone.localdate())
    if link is None:
        # Forged, expired or revoked: say so, and who to ask, on a page of its own (still a 404).
        return render(
            request,
            "placements/register_link_refused.html",
            {"school": selectors.register_link_school_to_ask(token)},
            status=404,
        )
    return _register(
        request,
        provider=link.provider,
        day=link.date,
        source=AttendanceMark.Source.PROVIDER_LINK,
        school_ids=list(link.covers.values_list("id", flat=True)),
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


def _register(request, *, provider, day, source, school_ids=None):
    rows = selectors.register_rows(provider_id=provider.pk, day=day, school_ids=school_ids)
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
