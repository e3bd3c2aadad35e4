"""Which schools a list page offers to filter by. A select of every school is fine for a
partnership's twenty, but a superuser sees England's three thousand: a page of them all is
unreadable and takes most of a second to draw. They are offered the partnerships instead, and
the schools of the partnership chosen; so are service staff, whatever the number of schools."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from apdash.models import Partnership
from apdash.selectors import user_scope, visible_schools

# More schools than this and a list page asks for the partnership first.
SCHOOL_CHOICES_LIMIT = 100


@dataclass
class SchoolChoices:
    schools: QuerySet
    # None: the user has few schools, and is not asked for a partnership.
    partnerships: QuerySet | None
    # False for a user of one school (issue 17), and before a partnership is chosen.
    ask_school: bool


def _id(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def school_choices(user, data) -> SchoolChoices:
    """The schools and partnerships for a list page's filters, given its GET `data`: all the
    user's schools when they are few; else the partnerships of the user's schools, and the schools
    of the chosen partnership, or of the chosen school's (so a link to one school's rows still
    finds it), or none until one is chosen."""
    schools = visible_schools(user).order_by("name", "pk")
    # Service staff see every school: like readiness, they work a partnership at a time.
    if not user_scope(user).everything and (count := schools.count()) <= SCHOOL_CHOICES_LIMIT:
        return SchoolChoices(schools=schools, partnerships=None, ask_school=count > 1)
    partnerships = Partnership.objects.filter(schools__in=schools).distinct().order_by("name")
    data = data or {}
    partnership, school = _id(data.get("partnership")), _id(data.get("school"))
    if partnership:
        schools = schools.filter(partnership_id=partnership)
    elif school:
        schools = schools.filter(Q(pk=school) | Q(partnership__schools=school)).distinct()
    else:
        return SchoolChoices(schools=schools.none(), partnerships=partnerships, ask_school=False)
    return SchoolChoices(schools=schools, partnerships=partnerships, ask_school=True)


def limit_schools(fields: dict, choices: SchoolChoices) -> None:
    """A form's or FilterSet's `school` and `partnership` fields (or filters), as `choices` offers
    them."""
    fields["school"].queryset = choices.schools
    if not choices.ask_school:
        del fields["school"]
    if choices.partnerships is None:
        del fields["partnership"]
    else:
        fields["partnership"].queryset = choices.partnerships


def chosen_school(request):
    """(school, schools, partnerships): the school a page is about, `?school=` among the user's
    schools, else their first by name; the schools its picker offers; and the partnerships it
    offers first (None for a user of few schools). A user of too many schools to list is offered
    the schools of one partnership: the chosen school's, or `?partnership=`'s first school."""
    wanted = request.GET.get("school") or request.POST.get("school")
    partnership = request.GET.get("partnership")
    choices = school_choices(request.user, {"school": wanted, "partnership": partnership})
    if choices.partnerships is not None and not (wanted or partnership):
        first = visible_schools(request.user).order_by("name", "pk").first()
        choices = school_choices(request.user, {"school": first.pk})
    schools = list(choices.schools)
    if not schools:
        raise Http404
    school = next((s for s in schools if str(s.pk) == wanted), None) if wanted else schools[0]
    if school is None and partnership and choices.partnerships is not None:
        school = schools[0]  # another partnership chosen: its first school
    if school is None:
        raise Http404("No such school")
    return school, schools, choices.partnerships
