"""Read queries for pupils and placements, scoped to the user first: each app answers visibility
for its own models from the core's `user_scope`."""

from __future__ import annotations

import dataclasses
from datetime import date

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from apdash import thresholds
from apdash.selectors import (
    Scope,
    user_scope,
    visible_schools,
)
from placements.core import rules
from placements.core.models import Placement, Pupil, TimetableSlot, active_on_q
from providers.selectors import visible_providers


def _pupil_scope_q(scope: Scope, *, prefix: str, today: date) -> Q | None:
    """A filter on pupils (through `prefix`) for a scope; None means everything."""
    if scope.everything:
        return None
    q = Q(**{f"{prefix}school_id__in": scope.school_ids})
    if scope.provider_ids:
        q |= Q(**{f"{prefix}placements__provider_id__in": scope.provider_ids}) & active_on_q(
            today, through=f"{prefix}placements__"
        )
    return q


def visible_pupils(user, *, today: date | None = None) -> QuerySet:
    scope = user_scope(user)
    today = today or timezone.localdate()
    qs = Pupil.objects.select_related("school")
    q = _pupil_scope_q(scope, prefix="", today=today)
    if q is None:
        return qs
    if not scope.school_ids and not scope.provider_ids:
        return qs.none()
    if scope.provider_ids:
        # The join through placements can repeat a pupil; filter by id to keep rows unique.
        return qs.filter(id__in=Pupil.objects.filter(q).values("id"))
    return qs.filter(q)


def visible_placements(user, *, today: date | None = None) -> QuerySet:
    scope = user_scope(user)
    today = today or timezone.localdate()
    qs = Placement.objects.select_related("pupil", "pupil__school", "provider")
    if scope.everything:
        return qs
    q = Q(pupil__school_id__in=scope.school_ids)
    if scope.provider_ids:
        q |= Q(provider_id__in=scope.provider_ids) & active_on_q(today)
    return qs.filter(q)


def providers_in_use(user, *, schools=None):
    """Providers where the user's pupils (of `schools`, when given) have placements: the choices a
    filter by provider needs (the whole register runs to thousands of settings at England scale)."""
    placements = visible_placements(user)
    if schools is not None:
        placements = placements.filter(pupil__school__in=schools)
    return visible_providers(user).filter(id__in=placements.order_by().values("provider_id")).order_by("name")


def pupil_detail(user, *, pupil_id: int):
    placements = (
        Placement.objects.select_related("provider").prefetch_related("timetable").order_by("-start_date")
    )
    return visible_pupils(user).prefetch_related(Prefetch("placements", queryset=placements)).get(pk=pupil_id)


def placements_active_on(user, day: date):
    return visible_placements(user, today=day).active_on(day).prefetch_related("timetable")


def pupils_manageable_by(user):
    """Pupils on the roll of the user's schools (provider staff never manage pupils)."""
    return visible_pupils(user).filter(school__in=visible_schools(user))


def placements_manageable_by(user):
    """Placements of pupils on the roll of the user's schools. Provider staff may see a placement
    to record attendance, but never change it."""
    return visible_placements(user).filter(pupil__school__in=visible_schools(user))


def arrangement_of(placement: Placement, slots=None) -> rules.Arrangement:
    """A placement as the hours rules see it (its prefetched timetable, or `slots`)."""
    if slots is None:
        slots = [slot.as_rule_slot() for slot in placement.timetable.all()]
    return rules.Arrangement(
        id=placement.pk,
        start=placement.start_date,
        end=placement.end_date,
        slots=tuple(slots),
        main_responsibility=placement.provider_has_main_responsibility,
    )


def hours_verdict(
    arrangements, *, limits_apply: bool, today: date, first: date | None = None, counts_other_placements=False
) -> rules.HoursVerdict:
    """`rules.judge_hours` with today's limits from the settings."""
    return rules.judge_hours(
        arrangements,
        limits_apply=limits_apply,
        limits=thresholds.hours_limits(),
        today=today,
        first=first,
        counts_other_placements=counts_other_placements,
    )


def hours_assessment_for(
    pupil, provider, *, on: date, proposed: rules.Arrangement | None = None
) -> rules.HoursVerdict:
    """The one answer to "how many hours a week is this pupil at this provider, and is that within
    the limits": every placement the pupil has there (with `proposed` in place of the one it
    edits, or added), judged in each period from `on` on. Uses the pupil's placements with their
    timetables when prefetched (API lists), else one query."""
    prefetched = getattr(pupil, "_prefetched_objects_cache", {}).get("placements")
    if prefetched is not None:
        placements = [p for p in prefetched if p.provider_id == provider.pk]
    else:
        placements = list(
            Placement.objects.filter(pupil=pupil, provider=provider).prefetch_related("timetable")
        )
    replaced = proposed.id if proposed is not None else None
    arrangements = [arrangement_of(p) for p in placements if p.pk != replaced]
    others = bool(arrangements)
    if proposed is not None:
        arrangements.append(proposed)
    return hours_verdict(
        arrangements,
        limits_apply=provider.limits_apply,
        today=on,
        first=on,
        counts_other_placements=others and proposed is not None,
    )


def hours_assessment_of_proposal(
    *,
    pupil,
    provider,
    start: date | None,
    end: date | None,
    slots,
    main_responsibility: bool,
    placement_id: int | None = None,
    today: date,
) -> rules.HoursVerdict:
    """What a placement as proposed (on the form, or in an API call) would make of the pupil's
    week at the provider, in every period it runs from today on (or from its start, if later),
    with the pupil's other placements there."""
    proposed = rules.Arrangement(
        id=placement_id,
        start=start or today,
        end=end,
        slots=tuple(slots),
        main_responsibility=main_responsibility,
    )
    on = rules.hours_reference_day(proposed.start, proposed.end, today=today)
    if pupil is None:
        verdict = hours_verdict([proposed], limits_apply=provider.limits_apply, today=on, first=on)
    else:
        verdict = hours_assessment_for(pupil, provider, on=on, proposed=proposed)
    return dataclasses.replace(
        verdict, assessed=tuple(item for item in verdict.assessed if proposed in item.period.arrangements)
    )


@dataclasses.dataclass
class RegistrationTestRow:
    """One pupil's week at an unregistered provider, as the registration test counts it."""

    pupil: Pupil
    provider_id: int
    placements: list[Placement]
    verdict: rules.HoursVerdict
    standing: rules.ProviderPupil


def timetables_of(placement_ids) -> dict[int, list[rules.Slot]]:
    """Each placement's timetable as the rules see it, in one query: for a sweep's thousands of
    placements, far cheaper than a prefetch (which builds a queryset per placement)."""
    timetables: dict[int, list[rules.Slot]] = {pk: [] for pk in placement_ids}
    for placement_id, weekday, start, end in TimetableSlot.objects.filter(
        placement_id__in=list(timetables)
    ).values_list("placement_id", "weekday", "start", "end"):
        timetables[placement_id].append(rules.Slot(weekday, start, end))
    return timetables


def registration_test_rows(placements, *, today: date, timetables=None) -> list[RegistrationTestRow]:
    """Each pupil's placements at each provider among `placements` (running today or later, with
    `pupil` loaded, and `timetable` too unless `timetables` maps their ids to slots), judged as the
    registration test counts them: their weekly hours there now, compulsory school age, looked
    after, SEN. The hours check and the provider page both read this, so they cannot disagree."""
    groups: dict[tuple[int, int], list[Placement]] = {}
    for placement in placements:
        groups.setdefault((placement.pupil_id, placement.provider_id), []).append(placement)
    rows = []
    for (_, provider_id), group in groups.items():
        pupil = group[0].pupil
        arrangements = [arrangement_of(p, None if timetables is None else timetables[p.pk]) for p in group]
        verdict = hours_verdict(arrangements, limits_apply=True, today=today)
        rows.append(
            RegistrationTestRow(
                pupil=pupil,
                provider_id=provider_id,
                placements=group,
                verdict=verdict,
                standing=rules.ProviderPupil(
                    weekly_hours=verdict.now.weekly_hours,
                    compulsory_school_age=rules.is_compulsory_school_age(pupil.date_of_birth, today),
                    looked_after=pupil.looked_after,
                    sen_status=pupil.sen_status,
                ),
            )
        )
    return rows


def pupils_placed_count(*, school_ids, today: date):
    """For the provider register: how many of these schools' pupils (None: every school's) each
    provider has on a placement active `today`, as an annotation over providers. A subquery per
    provider shown, not a count joined over every placement in the country: a page of the
    register reads 50 providers' placements, however many the database holds."""
    placed = Placement.objects.active_on(today).filter(provider_id=OuterRef("pk"))
    if school_ids is not None:
        placed = placed.filter(pupil__school_id__in=school_ids)
    counted = placed.order_by().values("provider_id").annotate(n=Count("pupil_id", distinct=True)).values("n")
    return Coalesce(Subquery(counted), 0)
