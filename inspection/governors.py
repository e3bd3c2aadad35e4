"""The termly report to governors for one school (L1: regular progress reports to governors):
a fixed number of queries however many pupils."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count

from apdash.selectors import half_terms_for
from placements.attendance import rules as attendance_rules
from placements.attendance.models import AttendanceMark
from placements.core.models import Placement
from placements.plans import rules as plans_rules
from placements.plans.models import LearningPlan, Milestone, Outcome, Qualification, Review
from placements.visits import rules as visits_rules
from placements.visits.selectors import seen_dates_by_setting, setting_key, visit_schedule
from providers import rules as provider_rules
from providers.models import ProviderAudit
from providers.selectors import audit_of, qa_visits_visible_to


@dataclass(frozen=True)
class Term:
    key: str  # "2026/27-autumn"
    name: str  # "Autumn term 2026/27"
    start: date
    end: date
    half_terms: tuple


def school_terms(school, *, today: date) -> list[Term]:
    """The school's terms (two half terms each) in this academic year and the last, latest first,
    from the partnership's half terms (or England's usual pattern). One query."""
    half_terms = half_terms_for(
        partnership_id=school.partnership_id, start=date(today.year - 2, 9, 1), end=today
    )
    grouped: dict[tuple, list] = {}
    for half_term in half_terms:
        season = half_term.name.split()[0]
        grouped.setdefault((half_term.academic_year.label, season), []).append(half_term)
    terms = [
        Term(
            key=f"{year}-{season.lower()}",
            name=f"{season} term {year}",
            start=min(h.start_date for h in halves),
            end=max(h.end_date for h in halves),
            half_terms=tuple(halves),
        )
        for (year, season), halves in grouped.items()
        if min(h.start_date for h in halves) <= today
    ]
    return sorted(terms, key=lambda t: t.start, reverse=True)


@dataclass
class ProviderRow:
    provider: object
    pupils: int
    attendance: float | None
    qa_visits: int
    audit_current: bool
    audit_problems: tuple[str, ...] = ()


@dataclass
class GovernorReport:
    school: object
    term: Term
    pupils: int
    placements: int
    by_year: list[tuple[int, int]]
    with_ehcp: int
    with_sen_support: int
    looked_after: int
    unregistered_pupils: int
    attendance: float | None
    providers: list[ProviderRow]
    milestones_met: int
    milestones_total: int
    plans: int
    plans_by_progress: list[tuple[str, int]]
    reviews: int
    ks4_pupils: int
    ks4_english: int
    ks4_maths: int
    entries: int
    results: int
    outcomes: list[tuple[str, int]]
    reintegrations: int
    sustained: int
    visits: int
    placements_seen_each_half_term: int
    qa_visits: int
    providers_audited: int


def governor_report(user, *, school, term: Term, today: date) -> GovernorReport:
    """The termly report to governors for one school: pupils in AP during the term, their
    attendance, plans and milestones, qualifications, destinations, visits and the quality
    assurance of the providers used. A fixed number of queries however many pupils."""
    start, end = term.start, term.end
    placements = list(
        Placement.objects.active_between(start, end)
        .filter(pupil__school=school)
        .select_related("pupil", "provider")
        .order_by("provider__name", "pk")
    )
    pupils = {p.pupil_id: p.pupil for p in placements}
    providers = {p.provider_id: p.provider for p in placements}
    pupils_by_provider = defaultdict(set)
    for placement in placements:
        pupils_by_provider[placement.provider_id].add(placement.pupil_id)

    placement_ids = [p.id for p in placements]
    codes_by_provider = defaultdict(list)
    for provider_id, code, n in (
        AttendanceMark.objects.filter(placement__in=placement_ids, date__gte=start, date__lte=end)
        .values_list("placement__provider_id", "code")
        .annotate(n=Count("id"))
    ):
        codes_by_provider[provider_id] += [code] * n

    milestone_rows = list(
        Milestone.objects.filter(plan__pupil_id__in=list(pupils)).values_list(
            "plan_id", "status", "target_date", "met_on"
        )
    )
    met_this_term = sum(
        1 for _, status, _, met_on in milestone_rows if status == "met" and met_on and start <= met_on <= end
    )
    by_plan = defaultdict(list)
    for plan_id, status, target, _ in milestone_rows:
        by_plan[plan_id].append((status, target))
    plan_ids = set(LearningPlan.objects.filter(pupil_id__in=list(pupils)).values_list("id", flat=True))
    progress = Counter(
        plans_rules.milestone_rollup(by_plan.get(plan_id, []), today=min(today, end)).words
        for plan_id in plan_ids
    )
    reviews = Review.objects.filter(plan__pupil_id__in=list(pupils), date__gte=start, date__lte=end).count()

    ks4 = {pid for pid, pupil in pupils.items() if pupil.year_group in plans_rules.KEY_STAGE_4}
    areas = defaultdict(set)
    entries = results = 0
    for pupil_id, area, entered, result, result_on in Qualification.objects.filter(
        pupil_id__in=list(pupils)
    ).values_list("pupil_id", "area", "entered", "result", "result_on"):
        areas[pupil_id].add(area)
        entries += entered
        results += bool(result) and (result_on is None or start <= result_on <= end)

    outcome_rows = list(
        Outcome.objects.filter(
            pupil__school=school, recorded_on__gte=start, recorded_on__lte=end
        ).values_list("destination", "reintegrated_on", "sustained")
    )
    destinations = Counter(
        Outcome.Destination(destination).label for destination, _, _ in outcome_rows if destination
    )

    visit_days = seen_dates_by_setting({p.pupil_id for p in placements}, first=start, last=end)
    schedule = visit_schedule(placements, [school], first=start, last=end)
    seen_each = 0
    for placement in placements:
        seen_days = visit_days[setting_key(placement)]
        statuses = [
            schedule.coverage(placement, h, seen_days=seen_days, today=today) for h in term.half_terms
        ]
        if all(s in (visits_rules.SEEN, None) for s in statuses) and visits_rules.SEEN in statuses:
            seen_each += 1

    qa_by_provider = Counter(
        qa_visits_visible_to(user)
        .filter(provider_id__in=list(providers), visited_on__gte=start, visited_on__lte=end)
        .values_list("provider_id", flat=True)
    )
    # Each provider's latest audit by the end of the term, judged by `providers.rules` as on that
    # day: current (or due soon) only when in date and satisfactory (G §3a–c).
    as_of = min(today, end)
    latest_audits = {}
    for audit in ProviderAudit.objects.filter(
        provider_id__in=list(providers), audited_on__lte=as_of
    ).order_by("provider_id", "-audited_on", "-id"):
        latest_audits.setdefault(audit.provider_id, audit)
    audit_states = {pid: audit_of(latest_audits.get(pid), today=as_of) for pid in providers}
    audited = {pid for pid, (status, _) in audit_states.items() if provider_rules.is_current(status)}

    all_codes = [code for codes in codes_by_provider.values() for code in codes]
    return GovernorReport(
        school=school,
        term=term,
        pupils=len(pupils),
        placements=len(placements),
        by_year=sorted(Counter(p.year_group for p in pupils.values()).items()),
        with_ehcp=sum(p.sen_status == "ehcp" for p in pupils.values()),
        with_sen_support=sum(p.sen_status == "sen_support" for p in pupils.values()),
        looked_after=sum(p.looked_after for p in pupils.values()),
        unregistered_pupils=len({p.pupil_id for p in placements if p.provider.limits_apply}),
        attendance=attendance_rules.attendance_percentage(all_codes),
        providers=[
            ProviderRow(
                provider=provider,
                pupils=len(pupils_by_provider[provider_id]),
                attendance=attendance_rules.attendance_percentage(codes_by_provider[provider_id]),
                qa_visits=qa_by_provider[provider_id],
                audit_current=provider_id in audited,
                audit_problems=tuple(words for _, words in audit_states[provider_id][1]),
            )
            for provider_id, provider in sorted(providers.items(), key=lambda item: item[1].name)
        ],
        milestones_met=met_this_term,
        milestones_total=len(milestone_rows),
        plans=len(plan_ids),
        plans_by_progress=sorted(progress.items()),
        reviews=reviews,
        ks4_pupils=len(ks4),
        ks4_english=sum("english" in areas[pid] for pid in ks4),
        ks4_maths=sum("maths" in areas[pid] for pid in ks4),
        entries=entries,
        results=results,
        outcomes=sorted(destinations.items()),
        reintegrations=sum(1 for _, reintegrated, _ in outcome_rows if reintegrated),
        sustained=sum(1 for _, _, sustained in outcome_rows if sustained),
        visits=sum(len(days) for days in visit_days.values()),
        placements_seen_each_half_term=seen_each,
        qa_visits=sum(qa_by_provider.values()),
        providers_audited=len(audited),
    )
