import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from . import selectors, services
from .filters import ProviderFilter
from .forms_gias import GiasUploadForm
from .models import GiasImport, ProviderAudit

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
        {
            "filter": provider_filter,
            "page": page,
            "providers": page.object_list,
            "query": query.urlencode(),
            # The rules predicate alone: no per-user permission tables to read.
            "can_import_gias": rules.has_perm("providers.import_gias", request.user),
        },
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


@login_required
def gias_upload(request):
    """Partnership co-ordinators import DfE's establishment extract; every provider's URN is
    checked against it (para 399)."""
    if not request.user.has_perm("providers.import_gias"):
        raise Http404
    form = GiasUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.gias_import(actor=request.user, data=upload.read(), file_name=upload.name)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, result.summary())
            return redirect("providers:gias_upload")
    latest = GiasImport.objects.order_by("-extract_date", "-id").first()
    return render(request, "providers/gias_upload.html", {"form": form, "latest": latest})
