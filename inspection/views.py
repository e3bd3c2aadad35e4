"""Inspection pages: the readiness grid, evidence packs (request, progress, download) and the
census export. Views are thin: visibility through `apdash.selectors`, work in services."""

from __future__ import annotations

import rules as django_rules
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from apdash.csv_export import csv_response
from apdash.models import Role
from apdash.school_choices import chosen_school, school_choices
from apdash.selectors import visible_schools
from placements.core.selectors import visible_placements

from . import census, governors, packs, rules, selectors, services
from .forms import CensusForm, EvidencePackForm, LAReturnForm
from .models import EvidencePack
from .readiness_grid import grid_rows


def _school_staff_only(request):
    if not request.user.has_perm("placements.view_pupil_list"):
        raise Http404


PUPILS_PER_PAGE = 50


def _chosen(schools, key, value):
    """The schools in `schools` (a queryset) whose `key` is `value` from the query string; 404
    for anything not among them."""
    if value == "none" and key == "partnership_id":
        found = list(schools.filter(partnership__isnull=True))
    else:
        found = list(schools.filter(**{key: value})) if value.isdigit() else []
    if not found:
        raise Http404("No such school")
    return found


@login_required
def readiness(request):
    """One school's grid, pupil by pupil. A reader with several schools first sees them rolled
    up, a school a row, each linking to its grid; one with several partnerships (service staff)
    first chooses a partnership. No request computes readiness for more than one partnership."""
    _school_staff_only(request)
    schools = visible_schools(request.user).order_by("name")
    context = {
        "columns": rules.COLUMNS,
        # The rules predicate alone: no per-user permission tables to read.
        "can_la_return": django_rules.has_perm("inspection.download_la_return", request.user),
    }
    today = timezone.localdate()
    if request.GET.get("school"):
        school = _chosen(schools, "pk", request.GET["school"])[0]
        if len(_chosen(schools, "partnership_id", str(school.partnership_id or "none"))[:2]) > 1:
            context["back"] = (_partnership_query(school.partnership_id), _schools_in(school.partnership))
        elif len(schools[:2]) > 1:
            context["back"] = ("", "All partnerships")
        return _school_grid(request, school, today, context)
    few = list(schools[:2])
    if not few:
        raise Http404
    if len(few) == 1:
        return _school_grid(request, few[0], today, context)
    partnerships = list(
        schools.values("partnership_id", "partnership__name")
        .annotate(schools=Count("id"))
        .order_by("partnership__name")
    )
    if request.GET.get("partnership"):
        chosen = _chosen(schools, "partnership_id", request.GET["partnership"])
    elif len(partnerships) > 1:
        context["partnerships"] = partnerships
        return render(request, "inspection/readiness_partnerships.html", context)
    else:
        chosen = list(schools)
    if len(partnerships) > 1:
        context["back"] = ("", "All partnerships")
    if len(chosen) == 1:
        return _school_grid(request, chosen[0], today, context)
    result = selectors.readiness_for_user(request.user, school_ids=[s.pk for s in chosen], today=today)
    rows = result.per_school(chosen)
    return render(
        request,
        "inspection/readiness_schools.html",
        {
            **context,
            "rows": [{**row, "values": [row["green"][c.key] for c in rules.COLUMNS]} for row in rows],
            "total": {
                "pupils": len(result.rows),
                "red": sum(row["red"] for row in rows),
                "values": [result.overall[c.key] for c in rules.COLUMNS],
            },
            "partnership": chosen[0].partnership,
        },
    )


def _partnership_query(partnership_id) -> str:
    return f"?partnership={partnership_id or 'none'}"


def _schools_in(partnership) -> str:
    return f"All schools in {partnership.name}" if partnership else "All schools outside a partnership"


def _school_grid(request, school, today, context):
    result = selectors.readiness_for_user(request.user, school_ids=[school.pk], today=today)
    page = Paginator(result.rows, PUPILS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspection/readiness.html",
        {
            **context,
            "readiness": result,
            "rollup": packs.rollup_table(result),
            "grid": grid_rows(page.object_list),
            "page": page,
            "query": f"school={school.pk}",
            "school": school,
        },
    )


def _pack_form(request, today):
    """The pack form, and (for a user of too many schools to list: service staff) the school and
    partnerships of the picker that chooses which partnership's schools it offers."""
    default_from, default_to = packs.default_pack_range(today)
    choices = packs.pack_choices(request.user)
    picker = None
    if school_choices(request.user, {}).partnerships is not None:
        school, schools, partnerships = chosen_school(request)
        choices["schools"] = choices["schools"].filter(pk__in=[s.pk for s in schools])
        picker = {"school": school, "partnerships": partnerships}
    return EvidencePackForm(
        request.POST or None,
        **choices,
        today=today,
        initial={
            "scope": EvidencePack.Scope.SCHOOL,
            "date_from": default_from.strftime("%d/%m/%Y"),
            "date_to": default_to.strftime("%d/%m/%Y"),
        },
    ), picker


@login_required
def pack_list(request):
    _school_staff_only(request)
    today = timezone.localdate()
    form, picker = _pack_form(request, today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        school = data.get("school") if data["scope"] == EvidencePack.Scope.SCHOOL else None
        pack = services.evidence_pack_request(
            actor=request.user,
            scope=data["scope"],
            school=school,
            partnership=data.get("partnership"),
            pupil=data.get("pupil"),
            date_from=data["date_from"],
            date_to=data["date_to"],
            options={
                "per_pupil_concerns": packs.may_see_pupil_concerns(request.user, packs.pack_schools(data))
            },
        )
        return redirect("inspection:pack_detail", pk=pack.pk)
    return render(
        request,
        "inspection/pack_list.html",
        {"form": form, "picker": picker, "packs": packs.visible_packs(request.user)[:50]},
    )


@login_required
def pack_detail(request, pk):
    _school_staff_only(request)
    pack = get_object_or_404(packs.visible_packs(request.user), pk=pk)
    template = "inspection/pack_detail.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, {"pack": pack})


@login_required
def pack_download(request, pk):
    _school_staff_only(request)
    pack = get_object_or_404(packs.visible_packs(request.user), pk=pk, status=EvidencePack.Status.DONE)
    services.evidence_pack_download_record(actor=request.user, pack=pack, ip=request.META.get("REMOTE_ADDR"))
    return FileResponse(
        pack.file.open("rb"),
        as_attachment=True,
        filename=f"evidence-pack-{pack.pk}-{pack.created_at:%Y-%m-%d}.pdf",
        content_type="application/pdf",
    )


CENSUS_COLUMNS = [
    ("upn", "UPN"),
    ("surname", "Surname"),
    ("forename", "Forename"),
    ("date_of_birth", "Date of birth"),
    ("school_urn", "School URN"),
    ("provider", "Provider"),
    ("start_date", "AP start date"),
    ("end_date", "AP end date"),
    ("provider_urn", "Provider URN"),
    ("provider_ukprn", "Provider UKPRN"),
    ("setting_type", "Setting type"),
    ("association_type", "Association type"),
    ("primary_reason", "Primary reason"),
    ("attendance_pattern", "Attendance pattern"),
    ("sessions_per_week", "Sessions per week"),
]


@login_required
def census_export(request):
    _school_staff_only(request)
    form = CensusForm(request.POST or None, schools=visible_schools(request.user))
    if request.method == "POST" and form.is_valid():
        school, census_date = form.cleaned_data["school"], form.cleaned_data["census_date"]
        rows, errors = census.census_rows(
            visible_placements(request.user, today=census_date).filter(pupil__school=school),
            census_date=census_date,
        )
        if errors:
            return render(
                request, "inspection/census.html", {"form": form, "data_errors": errors}, status=400
            )
        return csv_response(
            f"ap-census-{school.urn}-{census_date:%Y-%m-%d}.csv",
            [label for _, label in CENSUS_COLUMNS],
            ([row[key] for key, _ in CENSUS_COLUMNS] for row in rows),
        )
    return render(request, "inspection/census.html", {"form": form})


LA_RETURN_COLUMNS = [
    ("school", "School"),
    *CENSUS_COLUMNS,
    ("registration_status", "Provider registration"),
    ("off_site_direction", "Off-site direction"),
    ("parental_notice_sent_on", "Notice to parents sent"),
    ("la_notified_on", "LA told on"),
    ("la_notified_how", "LA told how"),
]


@login_required
def la_return(request):
    """The partnership's return to the local authority: every AP placement running in a date
    range, one row each, with the AP census fields and when and how the LA was told."""
    if not request.user.has_perm("inspection.download_la_return"):
        raise Http404
    form = LAReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        first, last = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        rows = census.la_return_rows(visible_placements(request.user, today=last), first=first, last=last)
        return csv_response(
            f"la-return-{first:%Y-%m-%d}-to-{last:%Y-%m-%d}.csv",
            [label for _, label in LA_RETURN_COLUMNS],
            ([row[key] for key, _ in LA_RETURN_COLUMNS] for row in rows),
        )
    return render(request, "inspection/la_return.html", {"form": form})


@require_POST
@login_required
def pack_retry(request, pk):
    _school_staff_only(request)
    waiting = packs.visible_packs(request.user).filter(
        pk=pk, status=EvidencePack.Status.QUEUED, stage=EvidencePack.QUEUE_DOWN_STAGE
    )
    if waiting.exists():
        services.evidence_pack_resend(pack=waiting.get())
        return redirect("inspection:pack_detail", pk=pk)
    old = get_object_or_404(packs.visible_packs(request.user), pk=pk, status=EvidencePack.Status.FAILED)
    pack = services.evidence_pack_request(
        actor=request.user,
        scope=old.scope,
        school=old.school,
        partnership=old.partnership,
        pupil=old.pupil,
        date_from=old.date_from,
        date_to=old.date_to,
        options={
            "per_pupil_concerns": packs.may_see_pupil_concerns(request.user, packs.pack_scope(old).schools)
        },
    )
    return redirect("inspection:pack_detail", pk=pack.pk)


def home_sections(user, role, today):
    """The head's readiness summary on their home page (registered with `apdash.views`)."""
    if role != Role.HEAD:
        return []
    schools = list(visible_schools(user))
    result = selectors.readiness_for_user(user, school_ids=[s.pk for s in schools], today=today)
    red = sum(1 for row in result.rows if row.status == rules.RED)
    return [
        {
            "template": "inspection/home_readiness.html",
            "rollup": packs.rollup_table(result),
            "readiness": result,
            "pupils": len(result.rows),
            "red": red,
        }
    ]


@login_required
def governor_report(request):
    if not request.user.has_perm("placements.view_pupil_list"):
        raise Http404
    today = timezone.localdate()
    # The schools offered as on every page about one school: a partnership's at a time for a user
    # of too many to list (service staff: England's three thousand).
    school, schools, partnerships = chosen_school(request)
    terms = governors.school_terms(school, today=today)
    if not terms:
        raise Http404("No terms in the calendar")
    term = next((t for t in terms if t.key == request.GET.get("term")), terms[0])
    report = governors.governor_report(request.user, school=school, term=term, today=today)
    return render(
        request,
        "inspection/governor_report.html",
        {
            "report": report,
            "schools": schools,
            "school": school,
            "partnerships": partnerships,
            "terms": terms,
            "term": term,
            "today": today,
        },
    )
