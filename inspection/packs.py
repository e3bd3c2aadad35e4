"""Read queries for the evidence pack: what a pack covers, who may see it, and every section's
facts, read from the readiness selectors so the pack and the grid cannot disagree."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone

from apdash.models import Membership, Partnership, Role, School
from apdash.selectors import (
    academic_year_for,
    user_scope,
    visible_schools,
)
from placements.attendance import rules as attendance_rules
from placements.compliance import kinds
from placements.core import rules as core_rules
from placements.core import selectors as core_selectors
from placements.core.selectors import visible_pupils
from placements.models import (
    AttendanceMark,
    Flag,
    FollowUp,
    Outcome,
    Placement,
    Qualification,
    Visit,
)
from placements.plans import rules as plans_rules
from providers.models import ProviderAudit
from safeguarding.selectors import concern_summary_for_pupils

from . import rules
from .models import EvidencePack
from .selectors import (
    Readiness,
    SchoolCalendar,
    ap_placements,
    open_flags,
    open_flags_for,
    placed_between,
    plans_for,
    qa_visits_for,
    readiness_from,
    readiness_limits,
)

# --- The evidence pack ---------------------------------------------------------------------------


def pack_choices(user) -> dict:
    """What a user may ask a pack about: the evidence-pack form's choices (page and API)."""
    return {
        "schools": visible_schools(user),
        "partnerships": Partnership.objects.filter(pk__in=user_scope(user).partnership_ids),
        "pupils": visible_pupils(user).filter(school__in=visible_schools(user)),
    }


def visible_packs(user):
    """Packs about the user's schools, partnership or pupils (the pages and the API)."""
    scope = user_scope(user)
    packs = EvidencePack.objects.select_related("school", "partnership", "pupil__school", "generated_by")
    if scope.everything:
        return packs
    return packs.filter(
        Q(school_id__in=scope.school_ids)
        | Q(partnership_id__in=scope.partnership_ids)
        | Q(pupil__school_id__in=scope.school_ids)
    )


@dataclass
class PackScope:
    """What one pack covers: some schools (one, or a partnership's), optionally one pupil, and the
    date range the figures are for."""

    title: str
    schools: list
    date_from: date
    date_to: date
    pupil: object = None
    # Per-pupil concern counts only in a pack built by a DSL or the head signed in with their second
    # factor; anyone else's pack carries school-level safeguarding totals only.
    per_pupil_concerns: bool = False
    # Some of the schools' pupils only: a part of a partnership pack built on a worker.
    pupil_ids: list[int] | None = None


def pack_scope(
    pack: EvidencePack, *, school_id: int | None = None, pupils: list[int] | None = None
) -> PackScope:
    """What a pack covers, with its options; `school_id` narrows a partnership pack to the one
    school a part built on a worker renders (same title, same options as the whole), and `pupils`
    to those of that school's pupils (ids, as `pack_members` listed them)."""
    if pack.scope == EvidencePack.Scope.PARTNERSHIP:
        schools = School.objects.filter(partnership=pack.partnership_id)
        if school_id is not None:
            schools = schools.filter(pk=school_id)
        schools = list(schools.select_related("partnership"))
        title = pack.partnership.name
    elif pack.scope == EvidencePack.Scope.PUPIL:
        schools = [pack.pupil.school]
        title = pack.pupil.school.name
    else:
        schools = [pack.school]
        title = pack.school.name
    scope = PackScope(
        title=title,
        schools=schools,
        date_from=pack.date_from,
        date_to=pack.date_to,
        pupil=pack.pupil,
        per_pupil_concerns=bool(pack.options.get("per_pupil_concerns")),
    )
    scope.pupil_ids = pupils
    return scope


def _placements(scope: PackScope, *, prefetch: bool = True) -> list:
    """The pack's placements: its pupils' alternative provision in the date range; `prefetch`
    adds the risk assessments and inductions only the pupils' sections print."""
    base = Placement.objects.filter(pupil__school__in=scope.schools)
    if scope.pupil is not None:
        base = base.filter(pupil=scope.pupil)
    if scope.pupil_ids is not None:
        base = base.filter(pupil_id__in=scope.pupil_ids)
    read = ap_placements if prefetch else placed_between
    return list(read(base, first=scope.date_from, last=scope.date_to))


def _visits(placement_ids, scope: PackScope) -> dict[int, list]:
    visits = defaultdict(list)
    for visit in Visit.objects.filter(
        placement_id__in=placement_ids, date__gte=scope.date_from, date__lte=scope.date_to
    ).order_by("date"):
        visits[visit.placement_id].append(visit)
    return visits


def _this_half_term(pupils, plans, calendar: SchoolCalendar, *, day: date) -> dict:
    """Milestones met and plan reviews held so far in the half term running on `day` (the first
    pupil's school's, in the pack's order), across the pack's pupils."""
    this_half_term = {"term": None, "milestones_met": 0, "reviews": 0}
    for pupil in pupils:
        terms = calendar.terms_for(pupil.school_id)
        current = next((t for t in terms if t.start_date <= day <= t.end_date), None)
        if current is None:
            continue
        this_half_term["term"] = this_half_term["term"] or current
        plan = plans.get(pupil.pk)
        if plan is not None:
            this_half_term["milestones_met"] += sum(
                1
                for m in plan.milestones.all()
                if m.met_on and current.start_date <= m.met_on <= current.end_date
            )
            this_half_term["reviews"] += sum(
                1 for r in plan.reviews.all() if current.start_date <= r.date <= current.end_date
            )
    return this_half_term


def _concern_totals(concerns: dict, placements, schools) -> list:
    """School-level safeguarding totals: concerns raised, open and acknowledged, and about how
    many pupils, per school (by name)."""
    totals = {school.pk: {"total": 0, "open": 0, "acknowledged": 0, "pupils": 0} for school in schools}
    pupil_school = {p.pupil_id: p.pupil.school_id for p in placements}
    for pupil_id, summary in concerns.items():
        entry = totals.setdefault(
            pupil_school[pupil_id], {"total": 0, "open": 0, "acknowledged": 0, "pupils": 0}
        )
        for key in ("total", "open", "acknowledged"):
            entry[key] += summary[key]
        entry["pupils"] += 1
    return [(school, totals[school.pk]) for school in schools if school.pk in totals]


def _schools(scope: PackScope, placements) -> dict:
    """The schools a pack is about: its pupils' (or the scope's, when it has no pupils)."""
    return {p.pupil.school_id: p.pupil.school for p in placements} or {s.id: s for s in scope.schools}


def _front(scope: PackScope, placements, *, today, now, codes, visits, severities, flags=None) -> dict:
    """Sections 1 and 2 (the summary and the planning-call sheet) from the pack's placements,
    each placement's attendance codes, its visits and the open flags' severities. `flags` (the open
    flags, when already read) spares the readiness its own read of them."""
    day = min(today, scope.date_to)
    pupils = {p.pupil_id: p.pupil for p in placements}
    plans = plans_for(set(pupils))
    readiness = readiness_from(
        [p for p in placements if p.is_active_on(day)],
        today=day,
        now=now,
        dsl_pupil_ids=set(pupils) if scope.per_pupil_concerns else set(),
        flags=flags,
    )
    schools = _schools(scope, placements)
    by_name = sorted(schools.values(), key=lambda s: s.name)
    calendar = SchoolCalendar(schools.values(), start=scope.date_from, end=scope.date_to)
    concerns = concern_summary_for_pupils(set(pupils))
    providers = _planning_call(placements, codes, day=day)
    return {
        "scope": scope,
        "today": today,
        "generated_at": now,
        "schools": by_name,
        "summary": {
            "pupils": len(pupils),
            "providers": len(providers),
            "unregistered": sum(1 for row in providers if row["provider"].limits_apply),
            "attendance": attendance_rules.attendance_percentage([c for cs in codes.values() for c in cs]),
            "visits": sum(1 for vs in visits.values() for v in vs if v.pupil_seen),
            "red_flags": sum(1 for s in severities if s == Flag.Severity.RED),
            "amber_flags": sum(1 for s in severities if s == Flag.Severity.AMBER),
            "this_half_term": _this_half_term(pupils.values(), plans, calendar, day=day),
            "concern_totals": _concern_totals(concerns, placements, by_name),
        },
        "per_pupil_concerns": scope.per_pupil_concerns,
        "concerns": concerns if scope.per_pupil_concerns else {},
        "plans": plans,
        "calendar": calendar,
        "readiness": readiness,
        "rollup": rollup_table(readiness),
        "providers": providers,
    }


def pack_front_data(scope: PackScope, *, today: date, now: datetime) -> dict:
    """What the front of a pack built in parts prints (sections 1 and 2): the figures over the whole
    partnership, read as codes and counts, without the pupils' own sections."""
    placements = _placements(scope, prefetch=False)
    codes = defaultdict(list)
    for placement_id, code in AttendanceMark.objects.filter(
        placement_id__in=[p.pk for p in placements], date__gte=scope.date_from, date__lte=scope.date_to
    ).values_list("placement_id", "code"):
        codes[placement_id].append(code)
    return _front(
        scope,
        placements,
        today=today,
        now=now,
        codes=codes,
        visits=_visits([p.pk for p in placements], scope),
        severities=list(open_flags(placements).values_list("severity", flat=True)),
    )


@dataclass(frozen=True)
class PackMembers:
    """What a partnership pack prints, as ids in the pack's order, listed once when the pack is
    planned: each part built on a worker prints its own slice of these, so a pupil, provider or
    flag added or resolved while the parts are being built cannot move another across a slice's
    edge (printed twice, or not at all)."""

    pupils: dict[int, list[int]]  # by school
    providers: list[int]
    flags: list[int]


def pack_members(scope: PackScope) -> PackMembers:
    placements = _placements(scope, prefetch=False)
    pupils = defaultdict(list)
    for pupil_id, school_id in dict.fromkeys((p.pupil_id, p.pupil.school_id) for p in placements):
        pupils[school_id].append(pupil_id)
    return PackMembers(
        pupils=dict(pupils),
        providers=[group[0].provider_id for group in _by_provider(placements)],
        flags=list(open_flags(placements).values_list("pk", flat=True)),
    )


def pack_register_data(scope: PackScope, *, providers: list[int], continued: bool, last: bool) -> dict:
    """A slice of section 3 of a pack built in parts: these providers (ids, as `pack_members`
    listed them), in the whole pack's order."""
    placements = _placements(scope, prefetch=False)
    wanted = set(providers)
    chosen = [group[0].provider for group in _by_provider(placements) if group[0].provider_id in wanted]
    return {
        "scope": scope,
        "register": _provider_register(chosen, schools=list(_schools(scope, placements).values())),
        "register_continued": continued,
        "register_last": last,
    }


def pack_unregistered_data(scope: PackScope, *, today: date) -> dict:
    """What section 5 of a pack built in parts prints: hours and days at unregistered providers."""
    placements = _placements(scope, prefetch=False)
    limits = readiness_limits()
    breaches = open_flags(placements).filter(kind=Flag.Kind.HOURS_BREACH_PROVIDER)
    return {
        "scope": scope,
        "limits": limits,
        "unregistered": _unregistered_compliance(
            placements, breaches, limits=limits, day=min(today, scope.date_to)
        ),
    }


def pack_flags_data(scope: PackScope, *, flags: list[int]) -> dict:
    """A slice of section 6 of a pack built in parts: these open flags (ids, as `pack_members`
    listed them; one resolved since is left out), in the whole pack's order."""
    chosen = open_flags(_placements(scope, prefetch=False)).filter(pk__in=flags)
    return {"scope": scope, "flags": [(f, kinds.next_step(f.kind)) for f in chosen]}


def pack_data(scope: PackScope, *, today: date, now: datetime | None = None, progress=None) -> dict:
    """Everything the evidence pack prints, as plain data. `progress(done, total)` is called as each
    pupil's section is assembled. Concern narrative is never read: counts and timeliness only."""
    now = now or timezone.now()
    progress = progress or (lambda done, total: None)
    first, last = scope.date_from, scope.date_to
    placements = _placements(scope)
    placement_ids = [p.pk for p in placements]
    flags = open_flags_for(placements)
    # Placements running at the end of the range (today, for a range up to today) are "current".
    day = min(today, last)
    limits = readiness_limits()

    marks = defaultdict(list)
    absences = []
    for mark in (
        AttendanceMark.objects.filter(placement_id__in=placement_ids, date__gte=first, date__lte=last)
        .only("id", "placement_id", "date", "session", "code", "first_recorded_at")
        .prefetch_related(Prefetch("follow_ups", queryset=FollowUp.objects.order_by("contacted_at")))
    ):
        marks[mark.placement_id].append(mark.code)
        if attendance_rules.is_absence(mark.code):
            absences.append(mark)
    follow_ups = defaultdict(lambda: {"absences": 0, "followed_up": 0, "intervals": []})
    for mark in absences:
        entry = follow_ups[mark.placement_id]
        entry["absences"] += 1
        made = list(mark.follow_ups.all())
        if attendance_rules.is_followed_up(f.outcome for f in made):
            entry["followed_up"] += 1
            reached = next(f for f in made if attendance_rules.is_followed_up([f.outcome]))
            entry["intervals"].append(
                attendance_rules.follow_up_seconds(mark.first_recorded_at, reached.contacted_at)
            )
    visits = _visits(placement_ids, scope)
    front = _front(
        scope,
        placements,
        today=today,
        now=now,
        codes=marks,
        visits=visits,
        severities=[f.severity for f in flags],
        flags=flags,
    )
    plans, concerns, calendar = front.pop("plans"), front.pop("concerns"), front.pop("calendar")
    front["register"] = _provider_register(
        [row["provider"] for row in front["providers"]], schools=list(_schools(scope, placements).values())
    )
    pupil_ids = {p.pupil_id for p in placements}
    qualifications = defaultdict(list)
    for qualification in Qualification.objects.filter(pupil_id__in=pupil_ids).select_related("provider"):
        qualifications[qualification.pupil_id].append(qualification)
    outcomes = defaultdict(list)
    for outcome in Outcome.objects.filter(pupil_id__in=pupil_ids).select_related("placement__provider"):
        outcomes[outcome.pupil_id].append(outcome)

    readiness_by_pupil = {row.pupil.pk: row for row in front["readiness"].rows}
    flags_by_pupil = defaultdict(list)
    for flag in flags:
        flags_by_pupil[flag.pupil_id].append(flag)
    by_pupil = defaultdict(list)
    for p in placements:
        by_pupil[p.pupil_id].append(p)
    pupils = []
    total = len(by_pupil)
    for done, pupil_placements in enumerate(by_pupil.values(), start=1):
        pupil = pupil_placements[0].pupil
        terms = calendar.terms_for(pupil.school_id)
        entries = []
        for p in pupil_placements:
            slots = list(p.timetable.all())
            hours = core_rules.weekly_hours(s.as_rule_slot() for s in slots)
            follow = follow_ups[p.pk]
            entries.append(
                {
                    "placement": p,
                    "slots": slots,
                    "weekly_hours": hours,
                    "days": core_rules.days_per_week(s.as_rule_slot() for s in slots),
                    "attendance": attendance_rules.attendance_percentage(marks[p.pk]),
                    "sessions": len(marks[p.pk]),
                    "absences": follow["absences"],
                    "followed_up": follow["followed_up"],
                    "median_follow_up": rules.follow_up_minutes(follow["intervals"]),
                    "visits_by_term": [
                        (t, [v for v in visits[p.pk] if t.start_date <= v.date <= t.end_date])
                        for t in terms
                        if p.is_active_between(t.start_date, t.end_date)
                    ],
                    "risk_assessment": next(iter(p.risk_assessments.all()), None),
                    "induction": next(iter(p.inductions.all()), None),
                }
            )
        plan = plans.get(pupil.pk)
        milestones = list(plan.milestones.all()) if plan else []
        reviews = [r for r in plan.reviews.all() if first <= r.date <= last] if plan else []
        pupils.append(
            {
                "pupil": pupil,
                "placements": entries,
                "attendance": attendance_rules.attendance_percentage(
                    [c for p in pupil_placements for c in marks[p.pk]]
                ),
                "concerns": concerns.get(pupil.pk),
                "plan": plan,
                "milestones": milestones,
                "plan_progress": plans_rules.milestone_rollup(
                    [(m.status, m.target_date) for m in milestones], today=day
                )
                if plan
                else None,
                # Dates, who attended and what was decided; never the pupil's view or the notes.
                "reviews": reviews,
                "qualifications": qualifications[pupil.pk],
                "missing_core": plans_rules.missing_core_subjects(
                    pupil.year_group, [q.area for q in qualifications[pupil.pk]]
                ),
                "outcomes": outcomes[pupil.pk],
                "readiness": readiness_by_pupil.get(pupil.pk),
                "readiness_cells": [(c, readiness_by_pupil[pupil.pk].cells[c.key]) for c in rules.COLUMNS]
                if pupil.pk in readiness_by_pupil
                else [],
                "flags": flags_by_pupil[pupil.pk],
            }
        )
        progress(done, total)

    return {
        **front,
        "pupils": pupils,
        "unregistered": _unregistered_compliance(placements, flags, limits=limits, day=day),
        "limits": limits,
        "flags": [(f, kinds.next_step(f.kind)) for f in flags],
    }


def rollup_table(readiness: Readiness) -> list[tuple[rules.Column, list]]:
    """Per column: % green for each school, then for all of them when there are several."""
    several = len(readiness.by_school) > 1
    return [
        (c, [pct[c.key] for _, pct in readiness.by_school] + ([readiness.overall[c.key]] if several else []))
        for c in rules.COLUMNS
    ]


def _planning_call(placements, marks, *, day: date) -> list[dict]:
    """The planning-call sheet: each provider used, its pupils and reasons, start dates, hours a
    week scheduled and attended (scheduled hours × the share of sessions attended)."""
    rows = []
    for group in _by_provider(placements):
        provider = group[0].provider
        scheduled = attended = 0.0
        reasons = defaultdict(int)
        for p in group:
            hours = core_rules.weekly_hours(s.as_rule_slot() for s in p.timetable.all())
            if p.is_active_on(day):
                scheduled += hours
            percentage = attendance_rules.attendance_percentage(marks[p.pk])
            if percentage is not None and p.is_active_on(day):
                attended += hours * percentage / 100
            reasons[p.get_census_reason_display() if p.census_reason else "Not recorded"] += 1
        rows.append(
            {
                "provider": provider,
                "pupils": len({p.pupil_id for p in group}),
                "reasons": sorted(reasons.items(), key=lambda item: (-item[1], item[0])),
                "start_dates": sorted({p.start_date for p in group}),
                "scheduled_hours": round(scheduled, 1),
                "attended_hours": round(attended, 1),
                "placements": group,
            }
        )
    return rows


def _by_provider(placements) -> list[list]:
    """The placements grouped by provider, the providers by name (then as first placed)."""
    groups = defaultdict(list)
    for p in placements:
        groups[p.provider_id].append(p)
    return sorted(groups.values(), key=lambda group: group[0].provider.name)


def _provider_register(providers, *, schools) -> list[dict]:
    """Each provider's registration, latest audit and the last three quality-assurance visits the
    schools may see."""
    ids = [provider.id for provider in providers]
    audits = defaultdict(list)
    for audit in ProviderAudit.objects.filter(provider_id__in=ids).order_by("-audited_on"):
        audits[audit.provider_id].append(audit)
    qa = defaultdict(list)
    for visit in qa_visits_for(ids, schools):
        qa[visit.provider_id].append(visit)
    return [
        {
            "provider": provider,
            "audit": next(iter(audits[provider.id]), None),
            "qa_visits": qa[provider.id][:3],
        }
        for provider in providers
    ]


def _unregistered_compliance(placements, flags, *, limits, day: date) -> dict:
    """G §3f, para 399: each pupil's hours and days at each unregistered provider against the limits,
    and the provider-level position across all schools (counts only)."""
    groups = defaultdict(list)
    for p in placements:
        if p.provider.limits_apply and p.is_active_between(day, None):
            groups[(p.pupil_id, p.provider_id)].append(p)
    rows = []
    for group in groups.values():
        verdict = core_selectors.hours_verdict(
            [core_selectors.arrangement_of(p) for p in group], limits_apply=True, today=day
        )
        if not any(p.is_active_on(day) for p in group) and verdict.breach is None:
            continue
        rows.append(
            {
                "pupil": group[0].pupil,
                "provider": group[0].provider,
                "assessment": verdict.breach.assessment if verdict.breach else verdict.now,
                "breach": verdict.message() if verdict.breach else "",
            }
        )
    providers = defaultdict(lambda: {"pupils": 0, "breaches": 0})
    for row in rows:
        entry = providers[row["provider"]]
        entry["pupils"] += 1
        entry["breaches"] += 1 if row["assessment"].is_breach else 0
    provider_flags = {f.provider_id: f for f in flags if f.kind == Flag.Kind.HOURS_BREACH_PROVIDER}
    return {
        "rows": sorted(rows, key=lambda r: (r["provider"].name, r["pupil"].last_name, r["pupil"].first_name)),
        "providers": [
            {"provider": provider, **counts, "flag": provider_flags.get(provider.id)}
            for provider, counts in sorted(providers.items(), key=lambda item: item[0].name)
        ],
    }


def default_pack_range(today: date) -> tuple[date, date]:
    """This academic year so far (or the last 12 weeks outside one)."""
    year = academic_year_for(today)
    return (year.start_date if year else today - timedelta(weeks=12)), today


# --- Who may read per-pupil concern counts in a pack ------------------------------------------


def pack_schools(data) -> list:
    """The schools a pack asked for (a form's or the API's cleaned data) covers."""
    if data["scope"] == EvidencePack.Scope.PARTNERSHIP:
        return list(data["partnership"].schools.all())
    if data["scope"] == EvidencePack.Scope.PUPIL:
        return [data["pupil"].school]
    return [data["school"]]


def may_see_pupil_concerns(user, schools) -> bool:
    """A pack carries per-pupil concern counts only when a DSL (of every school in it) or the head
    builds it, signed in with their second factor (KCSIE: access limited to those with
    safeguarding responsibility)."""
    if not getattr(user, "is_verified", lambda: False)():
        return False
    ids = {s.pk for s in schools}
    scope = user_scope(user)
    heads = set(
        Membership.objects.filter(user=user, role=Role.HEAD, school_id__in=ids).values_list(
            "school_id", flat=True
        )
    )
    return bool(ids) and ids <= (scope.dsl_school_ids | heads)
