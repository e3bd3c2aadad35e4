"""The termly report to governors for one school (L1: regular progress reports to governors):
printable HTML, a fixed number of queries however many pupils."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from apdash.selectors import visible_schools

from .. import selectors_plans


@login_required
def governor_report(request):
    if not request.user.has_perm("placements.view_pupil_list"):
        raise Http404
    today = timezone.localdate()
    schools = list(visible_schools(request.user).order_by("name"))
    if not schools:
        raise Http404
    school = schools[0]
    if request.GET.get("school"):
        school = next((s for s in schools if str(s.pk) == request.GET["school"]), None)
        if school is None:
            raise Http404("No such school")
    terms = selectors_plans.school_terms(school, today=today)
    if not terms:
        raise Http404("No terms in the calendar")
    term = next((t for t in terms if t.key == request.GET.get("term")), terms[0])
    report = selectors_plans.governor_report(request.user, school=school, term=term, today=today)
    return render(
        request,
        "placements/governor_report.html",
        {
            "report": report,
            "schools": schools,
            "school": school,
            "terms": terms,
            "term": term,
            "today": today,
        },
    )
