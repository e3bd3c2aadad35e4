"""Import pupils from an MIS CSV export: check, preview, then import all or nothing."""

import csv
import io

import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from apdash.selectors import visible_schools

from ..forms import PupilImportForm
from ..resources import PUPIL_COLUMNS, SAMPLE_ROWS, PupilResource, import_problems

SESSION_KEY = "pupil_import"


class ImportFailed(Exception):
    def __init__(self, problems):
        super().__init__("The import had problems")
        self.problems = problems


def _run(text, *, school, actor, dry_run):
    dataset = tablib.Dataset().load(text, format="csv")
    if not len(dataset):
        return [(None, ["The file has no pupils in it: add one row per pupil below the headings"])], 0
    result = PupilResource(school=school, actor=actor).import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
    )
    return import_problems(result), len(dataset)


def _import_for_real(text, *, school, actor):
    with transaction.atomic():
        problems, count = _run(text, school=school, actor=actor, dry_run=False)
        if problems:
            raise ImportFailed(problems)
    return count


@login_required
def pupil_import(request):
    if not request.user.has_perm("placements.add_placement"):
        raise Http404
    schools = visible_schools(request.user).order_by("name")
    school_ids = {s.pk: s for s in schools}
    context = {"problems": None, "preview": None}

    if request.method == "POST" and "confirm" in request.POST:
        pending = request.session.get(SESSION_KEY)
        if not pending or pending["school_id"] not in school_ids:
            messages.error(request, "Upload the file again: the checked file has expired.")
            return redirect("placements:pupil_import")
        try:
            count = _import_for_real(
                pending["text"], school=school_ids[pending["school_id"]], actor=request.user
            )
        except ImportFailed as exc:
            context["problems"] = exc.problems
        else:
            del request.session[SESSION_KEY]
            messages.success(request, f"{count} pupil{'s' if count != 1 else ''} imported.")
            return redirect("placements:pupil_list")
        form = PupilImportForm(schools=schools)
    else:
        form = PupilImportForm(request.POST or None, request.FILES or None, schools=schools)
        if request.method == "POST" and form.is_valid():
            text, school = form.cleaned_data["file"], form.cleaned_data["school"]
            try:
                problems, count = _run(text, school=school, actor=request.user, dry_run=True)
            except (tablib.InvalidDimensions, csv.Error, tablib.UnsupportedFormat):
                problems, count = (
                    [(None, ["The file could not be read as CSV: every row needs the same columns"])],
                    0,
                )
            if problems:
                context["problems"] = problems
            else:
                request.session[SESSION_KEY] = {"text": text, "school_id": school.pk}
                context["preview"] = {
                    "school": school,
                    "count": count,
                    "rows": list(csv.DictReader(io.StringIO(text)))[:200],
                }
    context["form"] = form
    context["columns"] = PUPIL_COLUMNS
    return render(request, "placements/import_pupils.html", context)


@login_required
def pupil_import_sample(request):
    if not request.user.has_perm("placements.add_placement"):
        raise Http404
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PUPIL_COLUMNS)
    writer.writerows(SAMPLE_ROWS)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="apdash-pupil-import-sample.csv"'
    return response
