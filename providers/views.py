from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from apdash.selectors import visible_placements

from . import selectors


@login_required
def provider_list(request):
    if not request.user.has_perm("providers.view_provider_register"):
        raise Http404
    providers = selectors.provider_list(request.user).order_by("name")
    return render(request, "providers/provider_list.html", {"providers": providers})


@login_required
def provider_detail(request, pk):
    if not request.user.has_perm("providers.view_provider_register"):
        raise Http404
    provider = get_object_or_404(selectors.provider_list(request.user), pk=pk)
    placements = (
        visible_placements(request.user)
        .filter(provider=provider)
        .prefetch_related("timetable")
        .order_by("-start_date")
    )
    return render(request, "providers/provider_detail.html", {"provider": provider, "placements": placements})
