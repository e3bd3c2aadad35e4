"""Read queries for inspection readiness: the grid the readiness page, the API, the home summary and
the evidence pack all read. A fixed handful of queries whatever the number of pupils, then plain
facts to the rules (`inspection.rules`, the placements rules). The pack's own reads are in
`inspection.packs`, the census's in `inspection.census`."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import NamedTuple

from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone

from apdash import thresholds
from apdash.selectors import academic_year_for, school_calendar
from placements.attendance import rules as attendance_rules
from placements.compliance.checks.attendance import KINDS as ATTENDANCE_FLAG_KINDS
from placements.compliance.checks.attendance import (
    Registered,
    attendance_earliest,
    attendance_gaps_of,
    flagged_attendance_days,
)
from placements.compliance.checks.common import local_time
from placements.core.rules import Slot
from placements.core.selectors import visible_placements
from placements.models import (
    AttendanceMark,
    Flag,
    LearningPlan,
    Milestone,
    Placement,
    Pupil,
    Review,
    TimetableSlot,
)
from placements.plans import rules as plans_rules
from placements.visits.selectors import seen_dates_by_setting, setting_key
from providers import rules as provider_rules
from providers.models import ProviderAudit, QAVisit
from safeguarding.models import Induction, RiskAssessment
from safeguarding.selectors import acknowledgements_overdue, dsl_scope

from . import rules

QA_MAX_AGE_DAYS = 365


def readiness_limits() -> rules.Limits:
    return rules.Limits(
        hours=thresholds.hours_limits(),
        audit_max_age_days=thresholds.audit_max_age_days(),
        qa_max_age_days=QA_MAX_AGE_DAYS,
        induction_school_days=thresholds.induction_school_days(),
        visit_warning_school_days=thresholds.visit_warning_school_days(),
    )


def placed_between(placements, *, first: date, last: date):
    """Placements (of an already scoped queryset) running on some day of [first, last], in the
    grid's order, with their pupil, school and provider: one query when evaluated (the readiness
    rules read the timetables as plain rows, `_placement_facts`)."""
    return (
        placements.active_between(first, last)
        .select_related("pupil", "pupil__school", "pupil__school__partnership", "provider")
        .order_by("pupil__last_name", "pupil__first_name", "pupil_id", "provider__name", "pk")
    )


def ap_placements(placements, *, first: date, last: date):
    """`placed_between` with the timetables, risk assessments and inductions the pack and the
    census print: four queries."""
    return placed_between(placements, first=first, last=last).prefetch_related(
        Prefetch("timetable", queryset=TimetableSlot.objects.order_by("weekday", "start")),
        Prefetch("risk_assessments", queryset=RiskAssessment.objects.order_by("-created_at")),
        Prefetch("inductions", queryset=Induction.objects.order_by("-date")),
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

    def per_school(self, schools) -> list[dict]:
        """A row per school of `schools`, in that order: its pupils in AP today, how many have
        something red, and the % green of each column (None for a school with none placed)."""
        rows_of = defaultdict(list)
        for row in self.rows:
            rows_of[row.pupil.school_id].append(row)
        return [
            {
                "school": school,
                "pupils": len(rows_of[school.id]),
                "red": sum(1 for row in rows_of[school.id] if row.status == rules.RED),
                "green": rules.percent_green(row.cells for row in rows_of[school.id]),
            }
            for school in schools
        ]


class SchoolCalendar:
    """Half terms and school days in [start, end] for the schools in view: two queries, however
    many schools and partnerships."""

    def __init__(self, schools, *, start: date, end: date):
        self.schools = {s.id: s for s in schools}
        self.start, self.end = start, end
        self.days, self.terms = ({}, {})
        if self.schools:
            self.days, self.terms = school_calendar(self.schools.values(), start, end)

    def terms_for(self, school_id):
        return self.terms.get(self.schools[school_id].partnership_id, [])

    def days_covering(self, first: date, last: date) -> dict[int, list[date]] | None:
        """Each school's days up to `last`, when the calendar read covers [first, last] (else
        None: the caller reads its own)."""
        if not (self.start <= first and last <= self.end):
            return None
        return {school_id: days[: bisect_right(days, last)] for school_id, days in self.days.items()}


def qa_visits_for(provider_ids, schools):
    """QA visits to the providers that the schools may read (the same sharing as
    `providers.selectors.qa_visits_visible_to`), newest first: one query."""
    return (
        QAVisit.objects.filter(provider_id__any=provider_ids)
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
    for audit in ProviderAudit.objects.filter(provider_id__any=ids).order_by(
        "provider_id", "-audited_on", "-id"
    ):
        audits.setdefault(audit.provider_id, audit)
    qa = defaultdict(list)
    for visit in qa_visits_for(ids, schools):
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
        for plan in LearningPlan.objects.filter(pupil_id__any=pupil_ids).prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("target_date", "pk")),
            Prefetch("reviews", queryset=Review.objects.order_by("-date", "-pk")),
        )
    }


def plan_facts_for(pupil_ids, *, today: date) -> dict[int, rules.PlanFacts]:
    """Each pupil's learning plan as the readiness rules read it: its goal, its milestones rolled
    up and its reviews up to `today`. Three queries of plain rows (no prefetched managers: at a
    partnership's few hundred pupils those cost more than the rules)."""
    plans = {
        plan_id: (pupil_id, goal, target)
        for plan_id, pupil_id, goal, target in LearningPlan.objects.filter(
            pupil_id__any=pupil_ids
        ).values_list("id", "pupil_id", "goal", "goal_target_date")
    }
    goal_labels = dict(Placement.Goal.choices)
    milestones = defaultdict(list)
    for plan_id, status, target in (
        Milestone.objects.filter(plan_id__any=plans)
        .order_by("target_date", "pk")
        .values_list("plan_id", "status", "target_date")
    ):
        milestones[plan_id].append((status, target))
    reviews = defaultdict(list)  # newest first
    for plan_id, day, next_review_on in (
        Review.objects.filter(plan_id__any=plans, date__lte=today)
        .order_by("-date", "-pk")
        .values_list("plan_id", "date", "next_review_on")
    ):
        reviews[plan_id].append((day, next_review_on))
    return {
        pupil_id: rules.PlanFacts(
            goal_label=goal_labels.get(goal, goal),
            goal_target=target,
            progress=plans_rules.milestone_rollup(milestones[plan_id], today=today),
            review_dates=tuple(sorted(day for day, _ in reviews[plan_id])),
            next_review_on=reviews[plan_id][0][1] if reviews[plan_id] else None,
        )
        for plan_id, (pupil_id, goal, target) in plans.items()
    }


def _placement_facts(placement_ids):
    """Timetable slots, risk assessments (newest first) and the latest induction date of each
    placement, as plain values: three queries."""
    slots = defaultdict(list)
    for placement_id, weekday, start, end in (
        TimetableSlot.objects.filter(placement_id__any=placement_ids)
        .order_by("weekday", "start")
        .values_list("placement_id", "weekday", "start", "end")
    ):
        slots[placement_id].append(Slot(weekday, start, end))
    risks = defaultdict(list)
    for placement_id, approved_at, review_date in (
        RiskAssessment.objects.filter(placement_id__any=placement_ids)
        .order_by("-created_at")
        .values_list("placement_id", "approved_at", "review_date")
    ):
        risks[placement_id].append(rules.RiskFacts(approved=approved_at is not None, review_date=review_date))
    inducted = dict(
        Induction.objects.filter(placement_id__any=placement_ids)
        .values("placement_id")
        .annotate(last=Max("date"))
        .values_list("placement_id", "last")
        .order_by()
    )
    return slots, risks, inducted


def open_flags(placements):
    """The open flags about these placements' pupils, providers and schools, in the pack's order
    (red first, then by kind and age; the id settles ties, so a pack built in parts can print them
    a slice at a time and print each once)."""
    pupil_ids = {p.pupil_id for p in placements}
    provider_ids = {p.provider_id for p in placements}
    return (
        Flag.objects.filter(resolved_at__isnull=True)
        .filter(
            Q(pupil_id__any=pupil_ids)
            | Q(school__isnull=True, provider_id__any=provider_ids)
            | Q(school_id__in={p.pupil.school_id for p in placements}, pupil__isnull=True)
        )
        .select_related("provider", "pupil")
        .order_by("-severity", "kind", "opened_at", "pk")
    )


def open_flags_for(placements):
    return list(open_flags(placements))


class FlagFacts(NamedTuple):
    kind: str
    provider_id: int | None
    placement_id: int | None
    subject_date: date | None


def readiness_flags(placements) -> list[FlagFacts]:
    """The open flags the readiness rules read, as plain rows: a provider's registration flag (to
    every school) and the attendance flags of these placements. One query; the pack passes its own
    `open_flags_for`, a superset with the same answer here."""
    placements = list(placements)
    if not placements:
        return []
    return [
        FlagFacts(*row)
        for row in Flag.objects.filter(resolved_at__isnull=True)
        .filter(
            Q(
                kind=Flag.Kind.HOURS_BREACH_PROVIDER,
                school__isnull=True,
                provider_id__any={p.provider_id for p in placements},
            )
            | Q(kind__in=ATTENDANCE_FLAG_KINDS, placement_id__any=[p.pk for p in placements])
        )
        .values_list("kind", "provider_id", "placement_id", "subject_date")
    ]


# What the grid, its roll-up and the rules read of each placement, its pupil, school and provider:
# a partnership's few hundred placements built as whole models cost more than its rules.
GRID_FIELDS = (
    "pupil_id",
    "provider_id",
    "start_date",
    "end_date",
    "qualifications",
    "rationale",
    "provider_has_main_responsibility",
    "pupil__first_name",
    "pupil__last_name",
    "pupil__upn",
    "pupil__year_group",
    "pupil__school_id",
    "pupil__school__name",
    "pupil__school__partnership_id",
    "pupil__school__dsl_name",
    "pupil__school__dsl_email",
    "provider__name",
    "provider__registration_status",
    "provider__urn",
    "provider__registration_checked_on",
    "provider__dsl_name",
)


def readiness_for(placements, *, today: date, now: datetime | None = None, dsl_pupil_ids=None) -> Readiness:
    """The readiness grid for the AP pupils among `placements` (already scoped to the reader),
    those placed today. `dsl_pupil_ids`: pupils whose concern timeliness the reader may know."""
    now = now or timezone.now()
    placements = list(
        placed_between(placements, first=today, last=today)
        .select_related(None)
        .select_related("pupil__school", "provider")
        .only(*GRID_FIELDS)
    )
    return readiness_from(placements, today=today, now=now, dsl_pupil_ids=dsl_pupil_ids or set())


def _upcoming_at_unregistered(pupil_ids, *, today):
    """Each pupil's placements at unregistered providers running today or later, future ones too:
    the hours judgement reads them all, as the hours check does."""
    upcoming = defaultdict(list)
    for p in (
        Placement.objects.running_on_or_after(today)
        .filter(pupil_id__any=pupil_ids, provider__registration_status="unregistered")
        .select_related("provider")
        .only(*(f for f in GRID_FIELDS if not f.startswith("pupil__")))
        .order_by("start_date", "id")
    ):
        upcoming[p.pupil_id].append(p)
    return upcoming


def readiness_from(placements, *, today, now, dsl_pupil_ids, flags=None) -> Readiness:
    limits = readiness_limits()
    schools = {p.pupil.school_id: p.pupil.school for p in placements}
    year = academic_year_for(today)
    year_start = year.start_date if year else today
    calendar = SchoolCalendar(schools.values(), start=year_start, end=year.end_date if year else today)
    flags = readiness_flags(placements) if flags is None else flags
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
    plans = plan_facts_for({p.pupil_id for p in placements}, today=today)
    slots, risks, inducted = _placement_facts(
        [p.pk for p in placements] + [u.pk for us in upcoming.values() for u in us]
    )
    placement_ids = [p.pk for p in placements]

    visits = seen_dates_by_setting({p.pupil_id for p in placements}, first=year_start, last=today)

    # Registers this half term: each school's current half term (or today's week in a holiday).
    term_start, horizon, term_facts = {}, {}, {}
    for school_id in schools:
        terms = calendar.terms_for(school_id)
        # Each school's half terms as the rules take them, built once for all its pupils.
        term_facts[school_id] = (tuple(t.dates for t in terms), {t.id: str(t) for t in terms})
        current = [t for t in terms if t.start_date <= today <= t.end_date]
        term_start[school_id] = current[0].start_date if current else today
        horizon[school_id] = max([today, *(t.end_date for t in terms if t.start_date <= today)])
    codes = _codes_this_half_term(placements, term_start=term_start, today=today)

    # Only a DSL (or the head) may know that a pupil has a concern (design.md: safeguarding).
    overdue = acknowledgements_overdue({p.pupil_id for p in placements} & set(dsl_pupil_ids), now=now)
    # The same registers and follow-ups, over the same days, as the attendance check (reading
    # the calendar already read when it covers the days the check looks back over).
    flagged_days = flagged_attendance_days((f.placement_id, f.kind, f.subject_date) for f in flags)
    gaps_by_placement = attendance_gaps_of(
        [Registered(p.pk, p.pupil.school, p.start_date, p.end_date, slots[p.pk]) for p in placements],
        now=now,
        flagged_days=flagged_days,
        marks_within=Q(placement_id__any=placement_ids),
        days_by_school=calendar.days_covering(attendance_earliest(now, flagged_days), local_time(now).date()),
    )
    by_pupil = defaultdict(list)
    for p in placements:
        by_pupil[p.pupil_id].append(p)
    rows = []
    for pupil_placements in by_pupil.values():
        pupil = pupil_placements[0].pupil
        days = calendar.days.get(pupil.school_id, [])
        # The rules look at school days from a placement's start to the end of the half terms
        # begun by today: pass only those, not the whole year's, to each of them.
        days = days[
            bisect_left(days, min(p.start_date for p in pupil_placements)) : bisect_right(
                days, horizon[pupil.school_id]
            )
        ]
        facts = []
        for p in pupil_placements:
            gaps = gaps_by_placement.get(p.pk, [])
            facts.append(
                rules.PlacementFacts(
                    id=p.pk,
                    provider=providers[(pupil.school_id, p.provider_id)],
                    start=p.start_date,
                    end=p.end_date,
                    slots=tuple(slots[p.pk]),
                    qualifications=p.qualifications,
                    rationale=p.rationale,
                    main_responsibility=p.provider_has_main_responsibility,
                    visit_dates=tuple(sorted(visits[setting_key(p)])),
                    risk_assessments=tuple(risks[p.pk]),
                    induction_on=inducted.get(p.pk),
                    school_days_since_start=max(
                        0, bisect_right(days, today) - bisect_left(days, p.start_date)
                    ),
                    attendance_gaps=tuple(gaps),
                )
            )
        pupil_facts = rules.PupilFacts(
            id=pupil.pk,
            placements=tuple(facts),
            school_days=tuple(days),
            half_terms=term_facts[pupil.school_id][0],
            half_term_names=term_facts[pupil.school_id][1],
            attendance_percentage=attendance_rules.attendance_percentage(
                [c for p in pupil_placements for c in codes[p.pk]]
            ),
            school_dsl_named=bool(pupil.school.dsl_name or pupil.school.dsl_email),
            plan=plans.get(pupil.pk),
            concerns_overdue=overdue.get(pupil.pk, 0) if pupil.pk in dsl_pupil_ids else None,
            hours_placements=tuple(
                rules.PlacementFacts(
                    id=u.pk,
                    provider=providers[(pupil.school_id, u.provider_id)],
                    start=u.start_date,
                    end=u.end_date,
                    slots=tuple(slots[u.pk]),
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


def _codes_this_half_term(placements, *, term_start: dict, today: date) -> dict[int, list[str]]:
    """Each placement's register codes from its school's `term_start` to `today`, counted in the
    database (one query, a row per placement and code, not per mark)."""
    by_start = defaultdict(list)
    for p in placements:
        by_start[term_start[p.pupil.school_id]].append(p.pk)
    if not by_start:
        return {}
    within = Q()
    for start, ids in by_start.items():
        within |= Q(placement_id__any=ids, date__gte=start)
    codes = defaultdict(list)
    for placement_id, code, n in (
        AttendanceMark.objects.filter(within, date__lte=today)
        .values("placement_id", "code")
        .annotate(n=Count("id"))
        .values_list("placement_id", "code", "n")
        .order_by()
    ):
        codes[placement_id] += [code] * n
    return codes


def readiness_pupil_ids(user, *, school_ids, today: date):
    """The ids of the pupils `readiness_for_user` would give rows for, in the grid's order: a
    queryset, so a page of them can be read (and then only that page's readiness computed)."""
    placed = visible_placements(user, today=today).filter(pupil__school_id__in=school_ids)
    return (
        Pupil.objects.filter(id__in=placed.active_between(today, today).values("pupil_id"))
        .order_by("last_name", "first_name", "id")
        .values_list("id", flat=True)
    )


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
