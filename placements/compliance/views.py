"""The Flags pages: what the compliance checks noticed, per role, and resolving a flag with a reason."""

from __future__ import annotations

from dataclasses import dataclass

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from apdash.forms import govuk_choices
from apdash.links import Links
from apdash.models import Role
from apdash.school_choices import school_choices
from apdash.selectors import user_roles
from placements.compliance import kinds, selectors
from placements.compliance.filters import FlagFilter
from placements.compliance.models import Flag
from placements.compliance.services import flag_resolve as resolve_flag_service

PAGE_SIZE = 50


class FlagResolveForm(forms.Form):
    resolution = forms.CharField(
        label="Why is this flag resolved?",
        help_text="For example, what was done, by whom and when. This is kept with the flag.",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Say why this flag is resolved"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_choices(self)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.textarea("resolution", rows=4), Submit("submit", "Resolve flag"))

    def clean_resolution(self):
        value = self.cleaned_data["resolution"].strip()
        if not value:
            raise ValidationError("Say why this flag is resolved")
        return value


@dataclass
class FlagRow:
    """A flag as its row shows it: what to do next, and its links (each page reversed once)."""

    flag: Flag
    action: str
    pupil_url: str
    provider_url: str
    resolve_url: str


def _flag_rows(flags) -> list[FlagRow]:
    links = Links()
    return [
        FlagRow(
            flag=flag,
            action=kinds.next_step(flag.kind),
            pupil_url=links.url("placements:pupil_detail", flag.pupil_id) if flag.pupil_id else "",
            provider_url=links.url("providers:provider_detail", flag.provider_id) if flag.provider_id else "",
            resolve_url=links.url("placements:flag_resolve", flag.pk),
        )
        for flag in flags
    ]


def _can_see_flags(user):
    return user.has_perm("placements.resolve_flag")


@login_required
def flag_list(request):
    if not _can_see_flags(request.user):
        raise Http404
    roles = user_roles(request.user)
    filterset = FlagFilter(request.GET, school_choices=school_choices(request.user, request.GET))
    filters_valid = filterset.is_valid()
    flags = (
        filterset.filter_queryset(selectors.flags_for(request.user)) if filters_valid else Flag.objects.none()
    )
    # Partnership co-ordinators (and superusers) see many schools: group by kind. Heads see counts.
    grouped = bool(roles & {Role.PARTNERSHIP_COORDINATOR, Role.SUPERUSER})
    summary_only = roles <= {Role.HEAD}
    ordering = (
        ("kind", "-severity", "-subject_date", "-opened_at") if grouped else ("-severity", "-opened_at")
    )
    page = Paginator(flags.order_by(*ordering, "-severity", "-opened_at", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "placements/flag_list.html",
        {
            "filterset": filterset,
            "summary": selectors.flag_summary(request.user),
            "page": page,
            "flags": _flag_rows(page) if not summary_only else [],
            "grouped": grouped,
            "summary_only": summary_only,
            "query": query.urlencode(),
        },
    )


@login_required
def flag_resolve(request, pk):
    if not _can_see_flags(request.user):
        raise Http404
    try:
        flag = selectors.flags_for(request.user).get(pk=pk)
    except Flag.DoesNotExist as exc:
        raise Http404("No such flag") from exc
    if not flag.is_open:
        messages.info(request, "That flag is already resolved.")
        return redirect("placements:flag_list")
    form = FlagResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            resolve_flag_service(actor=request.user, flag=flag, resolution=form.cleaned_data["resolution"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Flag resolved. Later checks will not reopen it.")
            return redirect("placements:flag_list")
    return render(
        request,
        "placements/flag_resolve.html",
        {"flag": flag, "form": form, "action": kinds.next_step(flag.kind)},
    )
