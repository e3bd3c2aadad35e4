"""The today board: where every AP pupil is on a chosen day (G §1a)."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from apdash.models import Role
from apdash.selectors import visible_flags, visible_providers
from apdash.views import HOME_SECTIONS

from .. import selectors
from ..forms import TodayBoardForm


def board_context(user, data=None):
    """The board for the date and filters in `data` (a GET query), today when there are none."""
    form = TodayBoardForm(data or None, providers=selectors.providers_in_use(user))
    day, provider, year_group = timezone.localdate(), None, None
    if form.is_valid():
        day = form.cleaned_data["date"] or day
        provider = form.cleaned_data["provider"]
        year_group = form.cleaned_data["year_group"]
    rows = selectors.today_board(
        user, day=day, provider_id=provider.pk if provider else None, year_group=year_group
    )
    return {
        "form": form,
        "day": day,
        "previous_day": day - timedelta(days=3 if day.weekday() == 0 else 1),
        "next_day": day + timedelta(days=3 if day.weekday() == 4 else 1),
        "provider": provider,
        "year_group": year_group,
        "rows": rows,
        "away_count": sum(1 for row in rows if row.entries),
        "schools_shown": len({row.pupil.school_id for row in rows}) > 1,
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
    """The placement parts of each role's home page (see `apdash.views.HOME_SECTIONS`)."""
    if role == Role.PROVIDER_STAFF:
        providers = visible_providers(user).order_by("name")
        rows = (
            selectors.placements_active_on(user, today)
            .select_related("pupil__school")
            .order_by("pupil__last_name", "pupil__first_name")
        )
        return [
            {"template": "placements/today_home_provider.html", "providers": providers, "placements": rows}
        ]
    if role in (Role.PARTNERSHIP_COORDINATOR, Role.SUPERUSER):
        return [
            {
                "template": "placements/today_home_schools.html",
                "schools": selectors.school_overview(user, today=today),
            },
            {
                "template": "placements/today_home_providers.html",
                "providers": selectors.providers_with_issues(user),
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
                "due": selectors.visits_due_this_half_term(user, today=today),
            },
        ]
    return []


HOME_SECTIONS.append(home_sections)
