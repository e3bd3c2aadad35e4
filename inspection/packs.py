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
    open_flags_for,
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


def pack_scope(pack: EvidencePack, *, school_id: int | None = None) -> PackScope:
    """What a pack covers, with its options; `school_id` narrows a partnership pack to the one
    school a part built on a worker renders (same title, same options as the whole)."""
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
    return PackScope(
        title=title,
        schools=schools,
        date_from=pack.date_from,
        date_to=pack.date_to,
        pupil=pack.pupil,
        per_pupil_concerns=bool(pack.options.get("per_pupil_concerns")),
    )


def _weeks(first: date, last: date) -> float:
    return max(1.0, ((last - first).days + 1) / 7)


def pack_data(scope: PackScope, *, today: date, now: datetime | None = None, progress=None) -> dict:
    """Everything the evidence pack prints, as plain data. `progress(done, total)` is called as each
    pupil's section is assembled. Concern narrative is never read: counts and timeliness only."""
    now = now or timezone.now()
    progress = progress or (lambda done, total: None)
    first, last = scope.date_from, scope.date_to
    base = Placement.objects.filter(pupil__school__in=scope.schools)
    if scope.pupil is not None:
        base = base.filter(pupil=scope.pupil)
    placements = list(ap_placements(base, first=first, last=last))
    placement_ids = [p.pk for p in placements]
    flags = open_flags_for(placements)
    # Placements running at the end of the range (today, for a range up to today) are "current".
    day = min(today, last)
    pupil_ids = {p.pupil_id for p in placements}
    plans = plans_for(pupil_ids)
    readiness = readiness_from(
        [p for p in placements if p.is_active_on(day)],
        today=day,
        now=now,
        dsl_pupil_ids=pupil_ids if scope.per_pupil_concerns else set(),
        flags=flags,
    )
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
    visits = defaultdict(list)
    for visit in Visit.objects.filter(
        placement_id__in=placement_ids, date__gte=first, date__lte=last
    ).order_by("date"):
        visits[visit.placement_id].append(visit)
    concerns = concern_summary_for_pupils(pupil_ids)
    concern_totals = {
        school.pk: {"total": 0, "open": 0, "acknowledged": 0, "pupils": 0} for school in scope.schools
    }
    pupil_school = {p.pupil_id: p.pupil.school_id for p in placements}
    for pupil_id, summary in concerns.items():
        totals = concern_totals.setdefault(
            pupil_school[pupil_id], {"total": 0, "open": 0, "acknowledged": 0, "pupils": 0}
        )
        for key in ("total", "open", "acknowledged"):
            totals[key] += summary[key]
        totals["pupils"] += 1
    if not scope.per_pupil_concerns:
        concerns = {}
    qualifications = defaultdict(list)
    for qualification in Qualification.objects.filter(pupil_id__in=pupil_ids).select_related("provider"):
        qualifications[qualification.pupil_id].append(qualification)
    outcomes = defaultdict(list)
    for outcome in Outcome.objects.filter(pupil_id__in=pupil_ids).select_related("placement__provider"):
        outcomes[outcome.pupil_id].append(outcome)

    schools = {p.pupil.school_id: p.pupil.school for p in placements} or {s.id: s for s in scope.schools}
    calendar = SchoolCalendar(schools.values(), start=first, end=last)

    readiness_by_pupil = {row.pupil.pk: row for row in readiness.rows}
    flags_by_pupil = defaultdict(list)
    for flag in flags:
        flags_by_pupil[flag.pupil_id].append(flag)
    by_pupil = defaultdict(list)
    for p in placements:
        by_pupil[p.pupil_id].append(p)
    pupils = []
    total = len(by_pupil)
    this_half_term = {"term": None, "milestones_met": 0, "reviews": 0}
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
        summary = concerns.get(pupil.pk)
        plan = plans.get(pupil.pk)
        milestones = list(plan.milestones.all()) if plan else []
        reviews = [r for r in plan.reviews.all() if first <= r.date <= last] if plan else []
        current = next((t for t in terms if t.start_date <= day <= t.end_date), None)
        if current is not None:
            this_half_term["term"] = this_half_term["term"] or current
        if current is not None and plan is not None:
            this_half_term["milestones_met"] += sum(
                1 for m in milestones if m.met_on and current.start_date <= m.met_on <= current.end_date
            )
            this_half_term["reviews"] += sum(
                1 for r in plan.reviews.all() if current.start_date <= r.date <= current.end_date
            )
        pupils.append(
            {
                "pupil": pupil,
                "placements": entries,
                "attendance": attendance_rules.attendance_percentage(
                    [c for p in pupil_placements for c in marks[p.pk]]
                ),
                "concerns": summary,
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

    providers = _planning_call(placements, marks, day=day)
    return {
        "scope": scope,
        "today": today,
        "generated_at": now,
        "schools": sorted(schools.values(), key=lambda s: s.name),
        "summary": {
            "pupils": len(by_pupil),
            "providers": len(providers),
            "unregistered": sum(1 for row in providers if row["provider"].limits_apply),
            "attendance": attendance_rules.attendance_percentage(
                [c for codes in marks.values() for c in codes]
            ),
            "visits": sum(1 for vs in visits.values() for v in vs if v.pupil_seen),
            "red_flags": sum(1 for f in flags if f.severity == Flag.Severity.RED),
            "amber_flags": sum(1 for f in flags if f.severity == Flag.Severity.AMBER),
            "this_half_term": this_half_term,
            "concern_totals": [
                (school, concern_totals[school.pk])
                for school in sorted(schools.values(), key=lambda s: s.name)
                if school.pk in concern_totals
            ],
        },
        "per_pupil_concerns": scope.per_pupil_concerns,
        "readiness": readiness,
        "rollup": rollup_table(readiness),
        "providers": providers,
        "register": _provider_register(providers, schools=list(schools.values())),
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
    by_provider = defaultdict(list)
    for p in placements:
        by_provider[p.provider_id].append(p)
    rows = []
    for group in by_provider.values():
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
    return sorted(rows, key=lambda row: row["provider"].name)


def _provider_register(providers, *, schools) -> list[dict]:
    ids = [row["provider"].id for row in providers]
    audits = defaultdict(list)
    for audit in ProviderAudit.objects.filter(provider_id__in=ids).order_by("-audited_on"):
        audits[audit.provider_id].append(audit)
    qa = defaultdict(list)
    for visit in qa_visits_for(ids, schools):
        qa[visit.provider_id].append(visit)
    return [
        {
            "provider": row["provider"],
            "audit": next(iter(audits[row["provider"].id]), None),
            "qa_visits": qa[row["provider"].id][:3],
        }
        for row in providers
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
