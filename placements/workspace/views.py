"""The today board (G §1a), the pupil page, and the placement parts of each role's home page."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from apdash.csv_export import dataset_response
from apdash.models import Role
from apdash.school_choices import school_choices
from apdash.selectors import visible_schools
from placements.compliance import selectors as compliance_selectors
from placements.compliance.selectors import visible_flags
from placements.core import selectors as core_selectors
from placements.core.models import Pupil
from placements.core.resources import PupilResource
from placements.core.selectors import visible_pupils
from placements.visits import selectors as visits_selectors
from placements.workspace import selectors
from placements.workspace.filters import PupilFilter
from placements.workspace.forms import TodayBoardForm
from providers.selectors import visible_providers


@login_required
def pupil_detail(request, pk):
    try:
        page = selectors.pupil_page(request.user, pupil_id=pk, today=timezone.localdate())
    except Pupil.DoesNotExist as exc:
        raise Http404("No such pupil") from exc
    if not request.user.has_perm("placements.view_pupil", page.pupil):
        raise Http404("No such pupil")
    return render(request, "placements/pupil_detail.html", {"pupil": page.pupil, "page": page})


def _providers(user, choices):
    """The providers to filter by: those in use, by the offered schools' pupils when the user has
    too many schools to offer at once (England's settings run to thousands)."""
    narrowed = choices.schools if choices.partnerships is not None else None
    return core_selectors.providers_in_use(user, schools=narrowed)


def board_context(user, data=None):
    """The board for the date, filters and page in `data` (a GET query), today's first page when
    there are none."""
    choices = school_choices(user, data)
    form = TodayBoardForm(data or None, providers=_providers(user, choices), school_choices=choices)
    day, provider, year_group, school, partnership = timezone.localdate(), None, None, None, None
    if form.is_valid():
        day = form.cleaned_data["date"] or day
        provider = form.cleaned_data["provider"]
        year_group = form.cleaned_data["year_group"]
        school = form.cleaned_data.get("school")
        partnership = form.cleaned_data.get("partnership")
    board = selectors.today_board(
        user,
        day=day,
        provider_id=provider.pk if provider else None,
        year_group=year_group,
        school_id=school.pk if school else None,
        partnership_id=partnership.pk if partnership else None,
        page=(data or {}).get("page"),
    )
    # The filters, for links to another day or to the print view of the same pupils.
    filters = urlencode(
        [
            (name, value)
            for name, value in (
                ("provider", provider and provider.pk),
                ("year_group", year_group),
                ("partnership", partnership and partnership.pk),
                ("school", school and school.pk),
            )
            if value
        ]
    )
    return {
        "form": form,
        "day": day,
        "previous_day": day - timedelta(days=3 if day.weekday() == 0 else 1),
        "next_day": day + timedelta(days=3 if day.weekday() == 4 else 1),
        "provider": provider,
        "year_group": year_group,
        "school": school,
        "partnership": partnership,
        "filters": filters,
        "query": urlencode([("date", f"{day:%d/%m/%Y}")]) + (f"&{filters}" if filters else ""),
        "page": board.page,
        "rows": board.rows,
        "pupil_count": board.pupil_count,
        "away_count": board.away_count,
        "schools_shown": board.schools_shown,
    }


@login_required
def today_board(request):
    if not request.user.has_perm("placements.view_pupil_list"):
        raise Http404
    context = board_context(request.user, request.GET)
    context["print_view"] = request.GET.get("print") == "1"
    template = "placements/today_print.html" if context["print_view"] else "placements/today.html"
    return render(request, template, context)


def home_sections(user, role, today):
    """The placement parts of each role's home page (registered with `apdash.views`)."""
    sections = []
    if role in (Role.DSL, Role.SCHOOL_COORDINATOR, Role.HEAD):
        sections.append(
            {
                "template": "placements/home_schools.html",
                "schools": visible_schools(user),
                "pupil_count": visible_pupils(user, today=today)
                .filter(id__in=selectors.ap_pupil_ids(today))
                .count(),
            }
        )
    return sections + _role_sections(user, role, today)


OVERVIEW = "placements/today_home_overview.html"


def _role_sections(user, role, today):
    if role == Role.PROVIDER_STAFF:
        providers = visible_providers(user).order_by("name")
        # Only the pupils timetabled with them today (the today board's "at a setting").
        rows = (
            core_selectors.placements_active_on(user, today)
            .at_a_setting_on(today)
            .select_related("pupil__school")
            .order_by("pupil__last_name", "pupil__first_name")
        )
        return [
            {"template": "placements/today_home_provider.html", "providers": providers, "placements": rows}
        ]
    if role in (Role.PARTNERSHIP_COORDINATOR, Role.SUPERUSER):
        if role == Role.SUPERUSER:
            # Service staff work a partnership at a time, as on the list pages.
            partnerships = selectors.partnership_overview(user, today=today)
            overview = {"template": OVERVIEW, "per_partnership": True, "rows": partnerships}
            flags = compliance_selectors.flags_by_kind_and_partnership(user, partnerships)
        else:
            schools = list(selectors.school_overview(user, today=today).order_by("name"))
            overview = {"template": OVERVIEW, "per_partnership": False, "rows": schools}
            flags = compliance_selectors.flags_by_kind_and_school(user, schools)
        return [
            overview,
            {"template": "placements/today_home_flag_summary.html", **flags},
            {
                "template": "placements/today_home_providers.html",
                "providers": compliance_selectors.providers_with_issues(user),
            },
        ]
    if role == Role.HEAD:
        return [{"template": "placements/today_home_glance.html", **selectors.at_a_glance(user, today=today)}]
    if role in (Role.SCHOOL_COORDINATOR, Role.DSL):
        board = board_context(user)
        return [
            {"template": "placements/today_home_board.html", **board},
            {
                "template": "placements/today_home_flags.html",
                "flags": list(visible_flags(user).filter(resolved_at__isnull=True)[:10]),
            },
            {
                "template": "placements/today_home_visits.html",
                "due": visits_selectors.visits_due_this_half_term(user, today=today),
            },
        ]
    return []


PAGE_SIZE = 50


def _filtered_pupils(request):
    today = timezone.localdate()
    pupils = selectors.pupil_list(request.user, today=today).order_by("last_name", "first_name", "pk")
    choices = school_choices(request.user, request.GET)
    return PupilFilter(
        request.GET or None,
        queryset=pupils,
        providers=_providers(request.user, choices),
        today=today,
        school_choices=choices,
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
    return dataset_response(f"pupils-{timezone.localdate():%Y-%m-%d}.csv", dataset)
