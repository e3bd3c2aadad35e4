"""Importing pupils from a DfE Common Transfer File: check, preview, then save, as the CSV import."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from apdash.selectors import visible_schools
from placements.core import services
from placements.core.forms import CtfImportForm

SESSION_KEY = "ctf_import"


@login_required
def ctf_import(request):
    if not request.user.has_perm("placements.add_pupil"):
        raise Http404
    schools = visible_schools(request.user).order_by("name")
    by_id = {s.pk: s for s in schools}
    context = {"result": None, "file_problem": None}
    if request.method == "POST" and "confirm" in request.POST:
        pending = request.session.get(SESSION_KEY)
        if not pending or pending["school_id"] not in by_id:
            messages.error(request, "Upload the file again: the checked file has expired.")
            return redirect("placements:ctf_import")
        result = services.ctf_import(
            actor=request.user, school=by_id[pending["school_id"]], data=base64.b64decode(pending["data"])
        )
        if result.saved:
            del request.session[SESSION_KEY]
            messages.success(
                request,
                f"{len(result.actions)} pupil{'s' if len(result.actions) != 1 else ''} imported "
                f"({result.created} new, {result.updated} updated).",
            )
            return redirect("placements:pupil_list")
        context["result"] = result
        form = CtfImportForm(schools=schools)
    else:
        form = CtfImportForm(request.POST or None, request.FILES or None, schools=schools)
        if request.method == "POST" and form.is_valid():
            data, school = form.cleaned_data["file"], form.cleaned_data["school"]
            try:
                result = services.ctf_import(actor=request.user, school=school, data=data, dry_run=True)
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                context["result"] = result
                context["school"] = school
                if not result.problems:
                    request.session[SESSION_KEY] = {
                        "data": base64.b64encode(data).decode("ascii"),
                        "school_id": school.pk,
                    }
    context["form"] = form
    return render(request, "placements/import_ctf.html", context)
