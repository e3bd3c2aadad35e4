from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from . import selectors
from .filters import ProviderFilter
from .models import ProviderAudit

PAGE_SIZE = 50


@login_required
def provider_list(request):
    if not request.user.has_perm("providers.view_provider_register"):
        raise Http404
    today = timezone.localdate()
    providers = selectors.provider_list(request.user, today=today).order_by("name", "pk")
    provider_filter = ProviderFilter(request.GET or None, queryset=providers, today=today)
    page = Paginator(provider_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for provider in page.object_list:
        provider.audit_status = selectors.audit_status(provider, today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "providers/provider_list.html",
        {"filter": provider_filter, "page": page, "providers": page.object_list, "query": query.urlencode()},
    )


@login_required
def provider_detail(request, pk):
    if not request.user.has_perm("providers.view_provider_register"):
        raise Http404
    today = timezone.localdate()
    provider = get_object_or_404(selectors.provider_list(request.user, today=today), pk=pk)
    provider.audit_status = selectors.audit_status(provider, today)
    audit = ProviderAudit.objects.filter(provider=provider).order_by("-audited_on", "-pk").first()
    return render(
        request,
        "providers/provider_detail.html",
        {
            "provider": provider,
            "audit": audit,
            "audit_problems": [words for _, words in selectors.audit_of(audit, today=today)[1]]
            if audit
            else [],
            "sections": selectors.provider_page_sections(request.user, provider, today=today),
        },
    )
