"""Read questions for the whole project: who may see what, and which days are school days.

`user_scope` is what the core offers every app: the schools, partnerships and providers a user
belongs to and in which roles. Each app answers visibility for its own models from it (for example
`placements.core.selectors.visible_pupils`), so the core never names a model to its left."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q, QuerySet

from .models import AcademicYear, Closure, HalfTerm, Membership, Role, School

SCHOOL_ROLES = frozenset({Role.SCHOOL_COORDINATOR, Role.DSL, Role.HEAD})


@dataclass(frozen=True)
class Scope:
    """What one user may see: everything, or the pupils of some schools, or the pupils placed
    with some providers (provider staff, attendance only)."""

    everything: bool = False
    school_ids: frozenset[int] = frozenset()
    partnership_ids: frozenset[int] = frozenset()
    provider_ids: frozenset[int] = frozenset()
    roles: frozenset[str] = field(default_factory=frozenset)
    # Schools where the user is the school's DSL.
    dsl_school_ids: frozenset[int] = frozenset()
    # Schools of the partnerships where the user is the partnership's DSL: they see concerns there
    # only about partnership-commissioned placements.
    dsl_partnership_school_ids: frozenset[int] = frozenset()

    @property
    def is_provider_only(self):
        return not self.everything and not self.school_ids and bool(self.provider_ids)


def user_scope(user) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, "_apdash_scope", None)
    if cached is not None:
        return cached
    memberships = list(
        Membership.objects.filter(user=user).values_list("role", "school_id", "partnership_id", "provider_id")
    )
    roles = frozenset(m[0] for m in memberships)
    everything = user.is_superuser or Role.SUPERUSER in roles
    school_ids = {m[1] for m in memberships if m[1]}
    partnership_ids = frozenset(m[2] for m in memberships if m[2])
    if partnership_ids:
        school_ids |= set(
            School.objects.filter(partnership_id__in=partnership_ids).values_list("id", flat=True)
        )
    dsl_school_ids = {m[1] for m in memberships if m[0] == Role.DSL and m[1]}
    dsl_partnerships = {m[2] for m in memberships if m[0] == Role.DSL and m[2]}
    dsl_partnership_school_ids = (
        set(School.objects.filter(partnership_id__in=dsl_partnerships).values_list("id", flat=True))
        if dsl_partnerships
        else set()
    )
    scope = Scope(
        everything=everything,
        school_ids=frozenset(school_ids),
        dsl_school_ids=frozenset(dsl_school_ids),
        dsl_partnership_school_ids=frozenset(dsl_partnership_school_ids),
        partnership_ids=partnership_ids,
        provider_ids=frozenset(m[3] for m in memberships if m[3]),
        roles=roles,
    )
    user._apdash_scope = scope
    return scope


def user_roles(user) -> frozenset[str]:
    scope = user_scope(user)
    return scope.roles | ({Role.SUPERUSER} if scope.everything else set())


def partnership_ids_in_view(user) -> set[int]:
    """Partnerships a user belongs to directly or through one of their schools."""
    scope = user_scope(user)
    return set(scope.partnership_ids) | set(
        School.objects.filter(id__in=scope.school_ids, partnership__isnull=False).values_list(
            "partnership_id", flat=True
        )
    )


def visible_schools(user) -> QuerySet:
    scope = user_scope(user)
    qs = School.objects.select_related("partnership")
    if scope.everything:
        return qs
    return qs.filter(id__in=scope.school_ids)


# --- Calendar -----------------------------------------------------------------------------------


def half_terms_for(*, partnership_id: int | None, start: date, end: date) -> list[HalfTerm]:
    """Half terms overlapping [start, end] for a partnership: its own rows for an academic year
    where it has any, otherwise England's usual pattern."""
    rows = list(
        _half_terms_of_years_overlapping(start, end)
        .filter(Q(partnership__isnull=True) | Q(partnership_id=partnership_id))
        .select_related("academic_year")
    )
    return [
        h for h in _choose_half_terms(rows, partnership_id) if h.start_date <= end and h.end_date >= start
    ]


def _half_terms_of_years_overlapping(start: date, end: date):
    # Whole academic years, so that a partnership's own dates replace the national pattern
    # even where its half term starts later than the range asked about.
    return HalfTerm.objects.filter(academic_year__in=AcademicYear.objects.overlapping(start, end)).order_by(
        "start_date"
    )


def _choose_half_terms(rows: list[HalfTerm], partnership_id: int | None) -> list[HalfTerm]:
    own_years = {h.academic_year_id for h in rows if partnership_id and h.partnership_id == partnership_id}
    return [
        h
        for h in rows
        if (h.partnership_id == partnership_id and h.partnership_id is not None)
        or (h.partnership_id is None and h.academic_year_id not in own_years)
    ]


def school_calendar(schools, start: date, end: date) -> tuple[dict[int, list[date]], dict]:
    """School days in [start, end] for many schools, and the half terms overlapping [start, end]
    for each of their partnerships (None: the national pattern), in two queries. A school day is a
    weekday inside a half term (the partnership's, else the national pattern) minus the school's
    and partnership's closures."""
    schools = list(schools)
    partnership_ids = {s.partnership_id for s in schools}
    term_rows = list(
        _half_terms_of_years_overlapping(start, end)
        .filter(Q(partnership__isnull=True) | Q(partnership_id__in=[p for p in partnership_ids if p]))
        .select_related("academic_year")
    )
    # Only these schools' closures: one pupil's re-check reads its school's days, not England's.
    closure_rows = list(
        Closure.objects.filter(date__gte=start, date__lte=end)
        .filter(
            Q(school_id__in=[s.id for s in schools])
            | Q(partnership_id__in=[p for p in partnership_ids if p])
            | Q(school__isnull=True, partnership__isnull=True)
        )
        .values_list("date", "school_id", "partnership_id")
    )
    closed_school = defaultdict(set)
    closed_partnership = defaultdict(set)
    closed_everywhere = set()
    for day, school_id, partnership_id in closure_rows:
        if school_id:
            closed_school[school_id].add(day)
        elif partnership_id:
            closed_partnership[partnership_id].add(day)
        else:
            closed_everywhere.add(day)

    terms_by_partnership = {
        p: [h for h in _choose_half_terms(term_rows, p) if h.start_date <= end and h.end_date >= start]
        for p in partnership_ids
    }
    # The weekdays in term once per partnership, not per school: a county has many schools and few
    # calendars, and the sweep asks for the whole year.
    term_weekdays = {}
    for partnership_id, terms in terms_by_partnership.items():
        days = set()
        for term in terms:
            day = max(term.start_date, start)
            last = min(term.end_date, end)
            while day <= last:
                if day.weekday() < 5:
                    days.add(day)
                day += timedelta(days=1)
        term_weekdays[partnership_id] = sorted(days)
    days_by_school = {}
    for school in schools:
        closed = (
            closed_school[school.id]
            | closed_partnership.get(school.partnership_id, set())
            | closed_everywhere
        )
        weekdays = term_weekdays[school.partnership_id]
        days_by_school[school.id] = [d for d in weekdays if d not in closed] if closed else list(weekdays)
    return days_by_school, terms_by_partnership


def school_days_by_school(schools, start: date, end: date) -> dict[int, list[date]]:
    """School days in [start, end] for many schools in two queries (see `school_calendar`)."""
    return school_calendar(schools, start, end)[0]


def school_days(school, start: date, end: date) -> list[date]:
    """The one answer to "is this a school day here": weekdays inside a half term, minus that
    school's and its partnership's closures."""
    return school_days_by_school([school], start, end)[school.id]


def is_school_day(school, day: date) -> bool:
    return bool(school_days(school, day, day))


def academic_year_for(day: date) -> AcademicYear | None:
    return AcademicYear.objects.overlapping(day, day).first()


def current_half_term(*, partnership_id: int | None, day: date) -> HalfTerm | None:
    """The half term `day` falls in, or the most recent one to end before it (in a holiday)."""
    terms = half_terms_for(partnership_id=partnership_id, start=day - timedelta(days=120), end=day)
    inside = [t for t in terms if t.start_date <= day <= t.end_date]
    if inside:
        return inside[0]
    return None
