"""The placement compliance checks, registered with `apdash.checks`. Each is
`run_<check>(now) -> list[CheckResult]`: a handful of set-based queries, the pure rules over the
fetched rows, then `flags_sync` per kind. Query counts do not depend on the number of pupils."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from apdash import checks as registry
from apdash.checks import CheckResult
from apdash.selectors import academic_year_for, half_terms_for, school_days_by_school
from providers.models import Provider, ProviderAudit

from . import rules
from .flags import FlagCondition, flags_sync
from .models import AttendanceMark, Flag, FollowUp, Placement, Review, Visit
from .services import hours_limits

SESSION_WORDS = {"AM": "morning", "PM": "afternoon"}


def _local(now: datetime) -> datetime:
    return timezone.localtime(now) if timezone.is_aware(now) else now


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _active_between(first: date, last: date) -> Q:
    """Placements active on at least one day of [first, last]."""
    return Q(start_date__lte=last) & (Q(end_date__isnull=True) | Q(end_date__gte=first))


def _rule_slots(placement) -> list[rules.Slot]:
    return [slot.as_rule_slot() for slot in placement.timetable.all()]


def _year_calendar(placements, year, today: date):
    """School days this academic year for each placed pupil's school, and the half terms so far
    for each partnership: one query per partnership (there are few), never per pupil."""
    schools = {p.pupil.school_id: p.pupil.school for p in placements}
    days_by_school = school_days_by_school(schools.values(), year.start_date, year.end_date)
    terms_by_partnership = {
        partnership_id: half_terms_for(
            partnership_id=partnership_id, start=year.start_date, end=min(today, year.end_date)
        )
        for partnership_id in {s.partnership_id for s in schools.values()}
    }
    return days_by_school, terms_by_partnership


def _placement_calendar(placement, days_by_school, terms) -> dict:
    """The plain calendar facts the half-termly rules (visits, reviews) take for one placement."""
    return {
        "start": placement.start_date,
        "end": placement.end_date,
        "weekdays": [slot.weekday for slot in placement.timetable.all()],
        "school_days": days_by_school[placement.pupil.school_id],
        "half_terms": [rules.Term(t.id, t.start_date, t.end_date) for t in terms.values()],
    }


# --- Half-termly visits (G §1e, §4i) -------------------------------------------------------------


def run_visits(now: datetime) -> list[CheckResult]:
    local = _local(now)
    today = local.date()
    due: list[FlagCondition] = []
    overdue: list[FlagCondition] = []
    year = academic_year_for(today)
    if year is not None:
        placements = list(
            Placement.objects.filter(_active_between(year.start_date, today))
            .select_related("pupil__school", "provider")
            .prefetch_related("timetable")
        )
        days_by_school, terms_by_partnership = _year_calendar(placements, year, today)
        visits = defaultdict(list)
        for placement_id, day in Visit.objects.filter(
            pupil_seen=True, date__gte=year.start_date, date__lte=year.end_date
        ).values_list("placement_id", "date"):
            visits[placement_id].append(day)
        for placement in placements:
            pupil = placement.pupil
            terms = {t.id: t for t in terms_by_partnership[pupil.school.partnership_id]}
            gaps = rules.visit_gaps(
                **_placement_calendar(placement, days_by_school, terms),
                visit_dates=visits[placement.id],
                today=today,
                warning_school_days=settings.APDASH_VISIT_WARNING_SCHOOL_DAYS,
            )
            for gap in gaps:
                term = terms[gap.half_term_id]
                kind = Flag.Kind.VISIT_OVERDUE if gap.overdue else Flag.Kind.VISIT_DUE
                if gap.overdue:
                    message = f"{pupil.full_name} was not seen at {placement.provider} during {term}."
                else:
                    left = gap.school_days_left
                    message = (
                        f"{pupil.full_name} has not yet been seen at {placement.provider} this half term: "
                        f"{left} school day{'s' if left != 1 else ''} of {term.name} left."
                    )
                condition = FlagCondition(
                    key=f"{kind}:placement={placement.id}:half_term={term.id}",
                    severity=Flag.Severity.RED if gap.overdue else Flag.Severity.AMBER,
                    message=message,
                    school_id=pupil.school_id,
                    pupil_id=pupil.id,
                    placement_id=placement.id,
                    provider_id=placement.provider_id,
                    subject_date=term.end_date,
                    details={
                        "half_term": term.id,
                        "half_term_name": str(term),
                        "school_days_left": gap.school_days_left,
                    },
                )
                (overdue if gap.overdue else due).append(condition)
    return [
        flags_sync(Flag.Kind.VISIT_DUE, due, now=now),
        flags_sync(Flag.Kind.VISIT_OVERDUE, overdue, now=now),
    ]


# --- Unregistered-provider hours (G §3f, para 399) ------------------------------------------------


def run_hours(now: datetime) -> list[CheckResult]:
    today = _local(now).date()
    limits = hours_limits()
    placements = (
        Placement.objects.filter(
            _active_between(today, today),
            provider__registration_status=Provider.RegistrationStatus.UNREGISTERED,
        )
        .select_related("pupil", "provider")
        .prefetch_related("timetable")
        .order_by("id")
    )
    by_pupil_provider = defaultdict(list)
    for placement in placements:
        by_pupil_provider[(placement.pupil_id, placement.provider_id)].append(placement)

    breaches, near, provider_pupils, providers = [], [], defaultdict(list), {}
    for (pupil_id, provider_id), group in by_pupil_provider.items():
        pupil, provider = group[0].pupil, group[0].provider
        providers[provider_id] = provider
        assessment = rules.pupil_hours_assessment(
            [slot for placement in group for slot in _rule_slots(placement)],
            provider_registered=False,
            main_responsibility=any(p.provider_has_main_responsibility for p in group),
            limits=limits,
        )
        provider_pupils[provider_id].append(
            rules.ProviderPupil(
                weekly_hours=assessment.weekly_hours,
                year_group=pupil.year_group,
                looked_after=pupil.looked_after,
                sen_status=pupil.sen_status,
            )
        )
        details = {
            "weekly_hours": assessment.weekly_hours,
            "days": assessment.days,
            "limits_breached": list(assessment.limits_breached),
            "full_time_hours": limits.full_time_hours,
            "max_days": limits.max_days,
        }
        common = {
            "school_id": pupil.school_id,
            "pupil_id": pupil_id,
            "provider_id": provider_id,
            # The earliest placement there, so the flag links to the arrangement to change.
            "placement_id": group[0].id,
            "subject_date": today,
            "details": details,
        }
        if assessment.is_breach:
            breaches.append(
                FlagCondition(
                    key=f"{Flag.Kind.HOURS_BREACH_PUPIL}:pupil={pupil_id}:provider={provider_id}",
                    severity=Flag.Severity.RED,
                    message=f"{pupil.full_name} at {provider}. "
                    + rules.describe_hours_breach(assessment, limits),
                    **common,
                )
            )
        elif assessment.near_limit:
            near.append(
                FlagCondition(
                    key=f"{Flag.Kind.HOURS_NEAR_LIMIT}:pupil={pupil_id}:provider={provider_id}",
                    severity=Flag.Severity.AMBER,
                    message=f"{pupil.full_name} has {assessment.weekly_hours:g} hours a week at {provider}, "
                    f"an unregistered provider: close to the {limits.full_time_hours:g}-hour line.",
                    **common,
                )
            )

    provider_breaches = []
    for provider_id, pupils in provider_pupils.items():
        breach, full_time, with_needs = rules.provider_registration_breach(
            pupils,
            full_time_hours=limits.full_time_hours,
            pupil_count=settings.APDASH_REGISTRATION_PUPIL_COUNT,
            needs=settings.APDASH_REGISTRATION_NEEDS,
        )
        if not breach:
            continue
        breached = []
        if full_time >= settings.APDASH_REGISTRATION_PUPIL_COUNT:
            breached.append("pupil_count")
        if with_needs:
            breached.append("needs")
        provider = providers[provider_id]
        # Across all schools, so the words give counts only: each school sees its own pupils' flags.
        message = (
            f"{provider} is unregistered but gives full-time education (more than "
            f"{limits.full_time_hours:g} hours a week) to {full_time} pupil{'s' if full_time != 1 else ''} "
            f"of compulsory school age across all schools"
            + (f", {with_needs} of them looked after or with an EHC plan" if with_needs else "")
            + ". It may need to register as an independent school."
        )
        provider_breaches.append(
            FlagCondition(
                key=f"{Flag.Kind.HOURS_BREACH_PROVIDER}:provider={provider_id}",
                severity=Flag.Severity.RED,
                message=message,
                provider_id=provider_id,
                subject_date=today,
                details={
                    "full_time_pupils": full_time,
                    "with_needs": with_needs,
                    "limits_breached": breached,
                    "full_time_hours": limits.full_time_hours,
                    "pupil_count": settings.APDASH_REGISTRATION_PUPIL_COUNT,
                },
            )
        )
    return [
        flags_sync(Flag.Kind.HOURS_BREACH_PUPIL, breaches, now=now),
        flags_sync(Flag.Kind.HOURS_NEAR_LIMIT, near, now=now),
        flags_sync(Flag.Kind.HOURS_BREACH_PROVIDER, provider_breaches, now=now),
    ]


# --- Daily attendance (G §1c, §4h) ----------------------------------------------------------------


def run_attendance(now: datetime) -> list[CheckResult]:
    local = _local(now)
    today = local.date()
    lookback = settings.APDASH_ATTENDANCE_LOOKBACK_SCHOOL_DAYS
    # Calendar days enough to hold `lookback` school days across a half-term holiday.
    window_start = today - timedelta(days=7 * lookback + 21)
    kinds = [Flag.Kind.ATTENDANCE_MISSING, Flag.Kind.ABSENCE_UNEXPLAINED]
    # Days already flagged stay under watch after they leave the look-back: an old gap resolves
    # when its mark or follow-up arrives, not by ageing.
    flagged_days = defaultdict(set)
    for placement_id, day in Flag.objects.filter(
        kind__in=kinds, resolved_at__isnull=True, placement__isnull=False, subject_date__isnull=False
    ).values_list("placement_id", "subject_date"):
        flagged_days[placement_id].add(day)
    earliest = min([window_start, *(d for days in flagged_days.values() for d in days)])

    placements = list(
        Placement.objects.filter(_active_between(earliest, today))
        .select_related("pupil__school", "provider")
        .prefetch_related("timetable")
    )
    schools = {p.pupil.school_id: p.pupil.school for p in placements}
    recent_days = {
        school_id: days[-lookback:] if lookback > 0 else []
        for school_id, days in school_days_by_school(schools.values(), window_start, today).items()
    }
    marks = defaultdict(dict)
    for placement_id, day, session, code, followed_up in (
        AttendanceMark.objects.filter(date__gte=earliest, date__lte=today)
        .annotate(followed_up=Exists(FollowUp.objects.filter(attendance=OuterRef("pk"))))
        .values_list("placement_id", "date", "session", "code", "followed_up")
    ):
        marks[placement_id][(day, session)] = (code, followed_up)

    cutoff_am = time.fromisoformat(settings.APDASH_ATTENDANCE_CUTOFF_AM)
    cutoff_pm = time.fromisoformat(settings.APDASH_ATTENDANCE_CUTOFF_PM)
    found = {kind: [] for kind in kinds}
    for placement in placements:
        pupil = placement.pupil
        gaps = rules.attendance_gaps(
            slots=_rule_slots(placement),
            start=placement.start_date,
            end=placement.end_date,
            days=set(recent_days[pupil.school_id]) | flagged_days[placement.id],
            marks=marks[placement.id],
            now=local.replace(tzinfo=None),
            cutoff_am=cutoff_am,
            cutoff_pm=cutoff_pm,
        )
        for gap in gaps:
            when = f"{SESSION_WORDS[gap.session]} of {_long_date(gap.day)}"
            if gap.kind == rules.MISSING_MARK:
                kind, severity = Flag.Kind.ATTENDANCE_MISSING, Flag.Severity.AMBER
                message = f"No register from {placement.provider} for {pupil.full_name} for the {when}."
            else:
                kind, severity = Flag.Kind.ABSENCE_UNEXPLAINED, Flag.Severity.RED
                message = (
                    f"{pupil.full_name} was absent from {placement.provider} ({gap.code}) on the {when}, "
                    "and no follow-up is recorded."
                )
            found[kind].append(
                FlagCondition(
                    key=f"{kind}:placement={placement.id}:date={gap.day.isoformat()}:session={gap.session}",
                    severity=severity,
                    message=message,
                    school_id=pupil.school_id,
                    pupil_id=pupil.id,
                    placement_id=placement.id,
                    provider_id=placement.provider_id,
                    subject_date=gap.day,
                    details={"session": gap.session, **({"code": gap.code} if gap.code else {})},
                )
            )
    return [flags_sync(kind, found[kind], now=now) for kind in kinds]


# --- Provider audits (G §3a–c) --------------------------------------------------------------------


def run_audits(now: datetime) -> list[CheckResult]:
    today = _local(now).date()
    in_use = Placement.objects.filter(_active_between(today, today)).values("provider_id")
    providers = Provider.objects.filter(id__in=in_use).order_by("id")
    latest = {}
    for audit in ProviderAudit.objects.filter(provider_id__in=in_use).order_by(
        "provider_id", "-audited_on", "-id"
    ):
        latest.setdefault(audit.provider_id, audit)
    conditions = []
    for provider in providers:
        audit = latest.get(provider.id)
        problems = rules.audit_problems(
            audited_on=audit.audited_on if audit else None,
            insurance_expires_on=audit.insurance_expires_on if audit else None,
            today=today,
            max_age_days=settings.APDASH_PROVIDER_AUDIT_MAX_AGE_DAYS,
        )
        if not problems:
            continue
        conditions.append(
            FlagCondition(
                # Keyed by the audit, so a new audit that is again out of date raises a new flag.
                key=f"{Flag.Kind.AUDIT_EXPIRED}:provider={provider.id}:audit={audit.id if audit else 'none'}",
                severity=Flag.Severity.RED,
                message=f"{provider}: " + " ".join(words for _, words in problems),
                provider_id=provider.id,
                subject_date=audit.audited_on if audit else None,
                details={
                    "problems": [code for code, _ in problems],
                    "audit": audit.id if audit else None,
                    "audited_on": audit.audited_on.isoformat() if audit else None,
                    "insurance_expires_on": audit.insurance_expires_on.isoformat()
                    if audit and audit.insurance_expires_on
                    else None,
                },
            )
        )
    return [flags_sync(Flag.Kind.AUDIT_EXPIRED, conditions, now=now)]


# --- Plan reviews (DfE Feb 2025: at least half-termly; G §4g) ------------------------------------


def run_reviews(now: datetime) -> list[CheckResult]:
    """An active placement whose pupil's plan had no review in a half term that has ended: the
    visit rule's half terms, with the pupil's review dates in place of visits. One flag per pupil
    and half term, however many settings the pupil attends."""
    today = _local(now).date()
    conditions: dict[str, FlagCondition] = {}
    year = academic_year_for(today)
    if year is not None:
        placements = list(
            Placement.objects.filter(_active_between(today, today))
            .select_related("pupil__school", "provider")
            .prefetch_related("timetable")
            .order_by("pupil_id", "start_date", "id")
        )
        days_by_school, terms_by_partnership = _year_calendar(placements, year, today)
        reviews = defaultdict(list)
        for pupil_id, day in Review.objects.filter(
            date__gte=year.start_date, date__lte=year.end_date
        ).values_list("plan__pupil_id", "date"):
            reviews[pupil_id].append(day)
        for placement in placements:
            pupil = placement.pupil
            terms = {t.id: t for t in terms_by_partnership[pupil.school.partnership_id]}
            overdue = rules.review_overdue_half_terms(
                **_placement_calendar(placement, days_by_school, terms),
                review_dates=reviews[pupil.id],
                today=today,
            )
            for term_id in overdue:
                term = terms[term_id]
                key = f"{Flag.Kind.REVIEW_OVERDUE}:pupil={pupil.id}:half_term={term.id}"
                conditions.setdefault(
                    key,
                    FlagCondition(
                        key=key,
                        severity=Flag.Severity.RED,
                        message=f"{pupil.full_name}'s plan was not reviewed during {term}.",
                        school_id=pupil.school_id,
                        pupil_id=pupil.id,
                        placement_id=placement.id,
                        provider_id=placement.provider_id,
                        subject_date=term.end_date,
                        details={"half_term": term.id, "half_term_name": str(term)},
                    ),
                )
    return [flags_sync(Flag.Kind.REVIEW_OVERDUE, list(conditions.values()), now=now)]


registry.register("visits", run_visits)
registry.register("hours", run_hours)
registry.register("attendance", run_attendance, schedule="attendance")
registry.register("audits", run_audits)
registry.register("reviews", run_reviews)
