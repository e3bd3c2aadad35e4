"""Read queries for inspection readiness, the evidence pack and the census export. Each reads a
fixed handful of queries whatever the number of pupils, then hands plain facts to the rules
(`inspection.rules`, the placements rules)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone

from apdash import thresholds
from apdash.models import Membership, Partnership, Role
from apdash.selectors import (
    academic_year_for,
    half_terms_for,
    school_days_by_school,
    user_scope,
    visible_schools,
)
from placements.attendance import rules as attendance_rules
from placements.compliance import kinds
from placements.compliance.checks.attendance import attendance_gaps_for, flagged_attendance_days
from placements.core import rules as core_rules
from placements.core import selectors as core_selectors
from placements.core.selectors import visible_placements, visible_pupils
from placements.models import (
    AttendanceMark,
    Flag,
    FollowUp,
    LearningPlan,
    Milestone,
    Outcome,
    Placement,
    Qualification,
    Review,
    TimetableSlot,
    Visit,
)
from placements.plans import rules as plans_rules
from placements.visits.selectors import seen_dates_by_setting, setting_key
from providers import rules as provider_rules
from providers.models import ProviderAudit, QAVisit
from safeguarding.models import Induction, RiskAssessment
from safeguarding.selectors import acknowledgements_overdue, concern_summary_for_pupils, dsl_scope

from . import rules
from .models import EvidencePack

QA_MAX_AGE_DAYS = 365


def readiness_limits() -> rules.Limits:
    return rules.Limits(
        hours=thresholds.hours_limits(),
        audit_max_age_days=thresholds.audit_max_age_days(),
        qa_max_age_days=QA_MAX_AGE_DAYS,
        induction_school_days=thresholds.induction_school_days(),
        visit_warning_school_days=thresholds.visit_warning_school_days(),
    )


def ap_placements(placements, *, first: date, last: date):
    """Placements (of an already scoped queryset) running on some day of [first, last], with what
    the readiness rules and the pack read joined: four queries when evaluated."""
    return (
        placements.active_between(first, last)
        .select_related("pupil", "pupil__school", "pupil__school__partnership", "provider")
        .prefetch_related(
            Prefetch("timetable", queryset=TimetableSlot.objects.order_by("weekday", "start")),
            Prefetch("risk_assessments", queryset=RiskAssessment.objects.order_by("-created_at")),
            Prefetch("inductions", queryset=Induction.objects.order_by("-date")),
        )
        .order_by("pupil__last_name", "pupil__first_name", "pupil_id", "provider__name", "pk")
    )


@dataclass
class ReadinessRow:
    pupil: object
    placements: list
    cells: dict[str, rules.Cell]

    @property
    def status(self):
        return rules.overall_status(self.cells)


@dataclass
class Readiness:
    rows: list[ReadinessRow]
    by_school: list[tuple[object, dict]]  # (school, % green per column)
    overall: dict
    today: date

    @property
    def columns(self):
        return rules.COLUMNS


class _Calendar:
    """Half terms and school days for the schools in view (a few queries, not one per pupil)."""

    def __init__(self, schools, *, start: date, end: date):
        self.schools = {s.id: s for s in schools}
        self.terms = {
            pid: half_terms_for(partnership_id=pid, start=start, end=end)
            for pid in {s.partnership_id for s in self.schools.values()}
        }
        self.days = school_days_by_school(self.schools.values(), start, end) if self.schools else {}

    def terms_for(self, school_id):
        return self.terms.get(self.schools[school_id].partnership_id, [])


def _qa_visits_for(provider_ids, schools):
    """QA visits to the providers that the schools may read (the same sharing as
    `providers.selectors.qa_visits_visible_to`), newest first: one query."""
    return (
        QAVisit.objects.filter(provider_id__in=provider_ids)
        .filter(
            Q(partnership_id__in={s.partnership_id for s in schools if s.partnership_id})
            | Q(partnership__isnull=True, school_id__in=[s.id for s in schools])
        )
        .order_by("provider_id", "-visited_on", "-id")
    )


def _qa_visible_to_school(visit, school) -> bool:
    # G §3e: QA reports are shared across the partnership; a visit kept by one school stays with it.
    if visit.partnership_id is not None:
        return visit.partnership_id == school.partnership_id
    return visit.school_id == school.id


def _provider_facts(providers, *, flags, schools, pairs) -> dict[tuple[int, int], rules.ProviderFacts]:
    """Facts per (school, provider) in `pairs` (the schools that use each provider, not every
    school with every provider): the latest QA visit is the one that school can show."""
    ids = [p.id for p in providers]
    audits = {}
    for audit in ProviderAudit.objects.filter(provider_id__in=ids).order_by(
        "provider_id", "-audited_on", "-id"
    ):
        audits.setdefault(audit.provider_id, audit)
    qa = defaultdict(list)
    for visit in _qa_visits_for(ids, schools):
        qa[visit.provider_id].append(visit)
    must_register = {f.provider_id for f in flags if f.kind == Flag.Kind.HOURS_BREACH_PROVIDER}
    facts, by_id, users = {}, {s.id: s for s in schools}, defaultdict(list)
    for school_id, provider_id in pairs:
        users[provider_id].append(by_id[school_id])
    for p in providers:
        audit = audits.get(p.id)
        base = rules.ProviderFacts(
            id=p.id,
            name=p.name,
            registered=p.is_registered,
            urn=p.urn,
            registration_checked=p.registration_checked_on is not None,
            dsl_name=p.dsl_name,
            audited_on=audit.audited_on if audit else None,
            insurance_expires_on=audit.insurance_expires_on if audit else None,
            audit_shortfalls=tuple(
                words
                for _, words in provider_rules.audit_shortfalls(
                    outcome=audit.outcome,
                    single_central_record_checked=audit.single_central_record_checked,
                    dsl_confirmed=audit.dsl_confirmed,
                    safeguarding_checks_confirmed_in_writing=audit.safeguarding_checks_confirmed_in_writing,
                )
            )
            if audit
            else (),
            must_register=p.id in must_register,
        )
        for school in users[p.id]:
            visit = next((v for v in qa[p.id] if _qa_visible_to_school(v, school)), None)
            facts[(school.id, p.id)] = replace(
                base,
                last_qa_on=visit.visited_on if visit else None,
                last_qa_judgement=visit.get_judgement_display() if visit else "",
            )
    return facts


def plans_for(pupil_ids) -> dict[int, LearningPlan]:
    """Each pupil's learning plan with its milestones and its reviews (newest first): three queries."""
    return {
        plan.pupil_id: plan
        for plan in LearningPlan.objects.filter(pupil_id__in=pupil_ids).prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("target_date", "pk")),
            Prefetch("reviews", queryset=Review.objects.order_by("-date", "-pk")),
        )
    }


def _plan_facts(plan, *, today: date) -> rules.PlanFacts | None:
    if plan is None:
        return None
    reviews = [r for r in plan.reviews.all() if r.date <= today]
    return rules.PlanFacts(
        goal_label=plan.get_goal_display(),
        goal_target=plan.goal_target_date,
        progress=plans_rules.milestone_rollup(
            [(m.status, m.target_date) for m in plan.milestones.all()], today=today
        ),
        review_dates=tuple(sorted(r.date for r in reviews)),
        next_review_on=reviews[0].next_review_on if reviews else None,
    )


def _open_flags(placements):
    pupil_ids = {p.pupil_id for p in placements}
    provider_ids = {p.provider_id for p in placements}
    return list(
        Flag.objects.filter(resolved_at__isnull=True)
        .filter(
            Q(pupil_id__in=pupil_ids)
            | Q(school__isnull=True, provider_id__in=provider_ids)
            | Q(school_id__in={p.pupil.school_id for p in placements}, pupil__isnull=True)
        )
        .select_related("provider", "pupil")
        .order_by("-severity", "kind", "opened_at")
    )


def readiness_for(placements, *, today: date, now: datetime | None = None, dsl_pupil_ids=None) -> Readiness:
    """The readiness grid for the AP pupils among `placements` (already scoped to the reader),
    those placed today. `dsl_pupil_ids`: pupils whose concern timeliness the reader may know."""
    now = now or timezone.now()
    placements = list(ap_placements(placements, first=today, last=today))
    return _readiness(placements, today=today, now=now, dsl_pupil_ids=dsl_pupil_ids or set())


def _upcoming_at_unregistered(pupil_ids, *, today):
    """Each pupil's placements at unregistered providers running today or later, future ones too:
    the hours judgement reads them all, as the hours check does."""
    upcoming = defaultdict(list)
    for p in (
        Placement.objects.running_on_or_after(today)
        .filter(pupil_id__in=list(pupil_ids), provider__registration_status="unregistered")
        .select_related("provider")
        .prefetch_related("timetable")
        .order_by("start_date", "id")
    ):
        upcoming[p.pupil_id].append(p)
    return upcoming


def _readiness(placements, *, today, now, dsl_pupil_ids, flags=None, plans=None) -> Readiness:
    limits = readiness_limits()
    schools = {p.pupil.school_id: p.pupil.school for p in placements}
    year = academic_year_for(today)
    year_start = year.start_date if year else today
    calendar = _Calendar(schools.values(), start=year_start, end=year.end_date if year else today)
    flags = _open_flags(placements) if flags is None else flags
    upcoming = _upcoming_at_unregistered({p.pupil_id for p in placements}, today=today)
    school_of = {p.pupil_id: p.pupil.school_id for p in placements}
    providers = _provider_facts(
        {
            p.provider_id: p.provider for p in [*placements, *(u for us in upcoming.values() for u in us)]
        }.values(),
        flags=flags,
        schools=list(schools.values()),
        pairs={(p.pupil.school_id, p.provider_id) for p in placements}
        | {(school_of[pupil_id], u.provider_id) for pupil_id, us in upcoming.items() for u in us},
    )
    plans = plans_for({p.pupil_id for p in placements}) if plans is None else plans
    placement_ids = [p.pk for p in placements]

    visits = seen_dates_by_setting({p.pupil_id for p in placements}, first=year_start, last=today)

    # Registers this half term: each school's current half term (or today's week in a holiday).
    term_start = {}
    for school_id in schools:
        current = [t for t in calendar.terms_for(school_id) if t.start_date <= today <= t.end_date]
        term_start[school_id] = current[0].start_date if current else today
    first_day = min(term_start.values(), default=today)
    marks = defaultdict(dict)
    codes = defaultdict(list)
    for placement_id, day, session, code, outcomes in _marks_with_follow_ups(placement_ids, first_day, today):
        marks[placement_id][(day, session)] = (code, attendance_rules.is_followed_up(outcomes))
    by_placement_school = {p.pk: p.pupil.school_id for p in placements}
    for placement_id, entries in marks.items():
        start = term_start[by_placement_school[placement_id]]
        codes[placement_id] = [code for (day, _), (code, _) in entries.items() if day >= start]

    # Only a DSL (or the head) may know that a pupil has a concern (design.md: safeguarding).
    overdue = acknowledgements_overdue({p.pupil_id for p in placements} & set(dsl_pupil_ids), now=now)
    # The same registers and follow-ups, over the same days, as the attendance check.
    gaps_by_placement = attendance_gaps_for(
        placements,
        now=now,
        flagged_days=flagged_attendance_days((f.placement_id, f.kind, f.subject_date) for f in flags),
        marks_within=Q(placement_id__in=placement_ids),
    )
    by_pupil = defaultdict(list)
    for p in placements:
        by_pupil[p.pupil_id].append(p)
    rows = []
    for pupil_placements in by_pupil.values():
        pupil = pupil_placements[0].pupil
        days = calendar.days.get(pupil.school_id, [])
        terms = calendar.terms_for(pupil.school_id)
        facts = []
        for p in pupil_placements:
            slots = tuple(s.as_rule_slot() for s in p.timetable.all())
            gaps = gaps_by_placement.get(p.pk, [])
            facts.append(
                rules.PlacementFacts(
                    id=p.pk,
                    provider=providers[(pupil.school_id, p.provider_id)],
                    start=p.start_date,
                    end=p.end_date,
                    slots=slots,
                    qualifications=p.qualifications,
                    rationale=p.rationale,
                    main_responsibility=p.provider_has_main_responsibility,
                    visit_dates=tuple(sorted(visits[setting_key(p)])),
                    risk_assessments=tuple(
                        rules.RiskFacts(approved=r.is_approved, review_date=r.review_date)
                        for r in p.risk_assessments.all()
                    ),
                    induction_on=max((i.date for i in p.inductions.all()), default=None),
                    school_days_since_start=sum(1 for d in days if p.start_date <= d <= today),
                    attendance_gaps=tuple(gaps),
                )
            )
        pupil_facts = rules.PupilFacts(
            id=pupil.pk,
            placements=tuple(facts),
            school_days=tuple(days),
            half_terms=tuple(t.dates for t in terms),
            half_term_names={t.id: str(t) for t in terms},
            attendance_percentage=attendance_rules.attendance_percentage(
                [c for p in pupil_placements for c in codes[p.pk]]
            ),
            school_dsl_named=bool(pupil.school.dsl_name or pupil.school.dsl_email),
            plan=_plan_facts(plans.get(pupil.pk), today=today),
            concerns_overdue=overdue.get(pupil.pk, 0) if pupil.pk in dsl_pupil_ids else None,
            hours_placements=tuple(
                rules.PlacementFacts(
                    id=u.pk,
                    provider=providers[(pupil.school_id, u.provider_id)],
                    start=u.start_date,
                    end=u.end_date,
                    slots=tuple(s.as_rule_slot() for s in u.timetable.all()),
                    main_responsibility=u.provider_has_main_responsibility,
                )
                for u in upcoming[pupil.pk]
            ),
        )
        rows.append(
            ReadinessRow(
                pupil=pupil,
                placements=pupil_placements,
                cells=rules.pupil_readiness(pupil_facts, today=today, limits=limits),
            )
        )
    rows_of = defaultdict(list)
    for r in rows:
        rows_of[r.pupil.school_id].append(r)
    by_school = [
        (school, rules.percent_green(r.cells for r in rows_of[school.id]))
        for school in sorted(schools.values(), key=lambda s: s.name)
    ]
    return Readiness(
        rows=rows, by_school=by_school, overall=rules.percent_green(r.cells for r in rows), today=today
    )


def _marks_with_follow_ups(placement_ids, first: date, last: date):
    """(placement, day, session, code, [follow-up outcomes]) in two queries."""
    rows = list(
        AttendanceMark.objects.filter(
            placement_id__in=placement_ids, date__gte=first, date__lte=last
        ).values_list("id", "placement_id", "date", "session", "code")
    )
    outcomes = defaultdict(list)
    absences = [r[0] for r in rows if attendance_rules.is_absence(r[4])]
    if absences:
        for mark_id, outcome in FollowUp.objects.filter(attendance_id__in=absences).values_list(
            "attendance_id", "outcome"
        ):
            outcomes[mark_id].append(outcome)
    return [(pid, day, session, code, outcomes[mark_id]) for mark_id, pid, day, session, code in rows]


def readiness_for_user(
    user, *, school_ids, today: date, now: datetime | None = None, pupil_ids=None
) -> Readiness:
    """The readiness grid for one user's chosen schools (or some of their pupils), scoped through
    `visible_placements`: the page, the home summary and the API all read this."""
    placements = visible_placements(user, today=today).filter(pupil__school_id__in=school_ids)
    if pupil_ids is not None:
        placements = placements.filter(pupil_id__in=pupil_ids)
    scope = dsl_scope(user)
    dsl_pupils = set()
    if scope:
        dsl_pupils = set(
            placements.filter(
                Q(pupil__school_id__in=scope.school_ids)
                | Q(commissioned_by="partnership", pupil__school__partnership_id__in=scope.partnership_ids)
            ).values_list("pupil_id", flat=True)
        )
    return readiness_for(placements, today=today, now=now, dsl_pupil_ids=dsl_pupils)


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
    flags = _open_flags(placements)
    # Placements running at the end of the range (today, for a range up to today) are "current".
    day = min(today, last)
    pupil_ids = {p.pupil_id for p in placements}
    plans = plans_for(pupil_ids)
    readiness = _readiness(
        [p for p in placements if p.is_active_on(day)],
        today=day,
        now=now,
        dsl_pupil_ids=pupil_ids if scope.per_pupil_concerns else set(),
        flags=flags,
        plans=plans,
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
    calendar = _Calendar(schools.values(), start=first, end=last)

    readiness_by_pupil = {row.pupil.pk: row for row in readiness.rows}
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
                "flags": [f for f in flags if f.pupil_id == pupil.pk],
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
    for visit in _qa_visits_for(ids, schools):
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


# --- School census (domain.md "Placements") ------------------------------------------------------


def _census_row(p) -> tuple[dict, str]:
    """One AP placement with the school census's fields (domain.md "Placements"), and the data
    error that stops it being returned ("" when none)."""
    slots = [s.as_rule_slot() for s in p.timetable.all()]
    school = p.pupil.school
    sessions = core_rules.weekly_sessions(
        slots, am_end=school.am_session_end, pm_start=school.pm_session_start
    )
    error = rules.census_data_error(
        name=p.provider.name,
        urn=p.provider.urn,
        ukprn=p.provider.ukprn,
        registered=p.provider.is_registered,
        provider_type=p.provider.provider_type,
    )
    row = {
        "upn": p.pupil.upn,
        "surname": p.pupil.last_name,
        "forename": p.pupil.first_name,
        "date_of_birth": p.pupil.date_of_birth.isoformat(),
        "school_urn": school.urn,
        "provider": p.provider.name,
        "start_date": p.start_date.isoformat(),
        "end_date": p.end_date.isoformat() if p.end_date else "",
        "provider_urn": p.provider.urn,
        "provider_ukprn": "" if p.provider.urn else p.provider.ukprn,
        "setting_type": ""
        if error
        else rules.census_setting_type(
            urn=p.provider.urn, ukprn=p.provider.ukprn, provider_type=p.provider.provider_type
        ),
        "association_type": rules.census_association(p.arranged_by),
        "primary_reason": p.census_reason,
        "attendance_pattern": rules.census_attendance_pattern(sessions),
        "sessions_per_week": sessions,
    }
    return row, error


def census_rows(placements, *, census_date: date) -> tuple[list[dict], list[str]]:
    """AP placements running on the census date, with the census fields; and the data errors that
    stop the return (a registered provider without a URN), each once."""
    rows, errors = [], []
    for p in ap_placements(placements, first=census_date, last=census_date):
        row, error = _census_row(p)
        if error and error not in errors:
            errors.append(error)
        rows.append(row)
    return rows, errors


def la_return_rows(placements, *, first: date, last: date) -> list[dict]:
    """The return to the local authority: one row per placement running on some day of
    [first, last], with the census fields, the provider's registration, and when and how the LA
    and (for an off-site direction) the parents were told."""
    rows = []
    for p in ap_placements(placements, first=first, last=last):
        rows.append(
            {
                **_census_row(p)[0],
                "school": p.pupil.school.name,
                "registration_status": p.provider.get_registration_status_display(),
                "off_site_direction": "Yes" if p.off_site_direction else "No",
                "parental_notice_sent_on": p.parental_notice_sent_on.isoformat()
                if p.parental_notice_sent_on
                else "",
                "la_notified_on": p.la_notified_on.isoformat() if p.la_notified_on else "",
                "la_notified_how": p.get_la_notified_how_display() if p.la_notified_how else "",
            }
        )
    return rows


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
