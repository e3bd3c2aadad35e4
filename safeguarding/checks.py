"""The safeguarding checks, registered with `apdash.checks`: `run_<check>(now) -> [CheckResult]`,
each a few set-based queries and then `flags_sync`."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from apdash import checks, thresholds
from apdash.selectors import school_days_by_school
from placements.compliance.checks.scope import pupils_q
from placements.compliance.kinds import register_fix_page
from placements.compliance.services import FlagCondition, flags_sync
from placements.models import Flag, Placement, Pupil

from . import rules
from .models import Concern, Induction, RiskAssessment, SafeguardingTransfer


def _concern_key(concern_id) -> str:
    return f"concern_unacknowledged:{concern_id}"


def run_concern_unacknowledged(now: datetime, scope: checks.Scope | None = None) -> list[checks.CheckResult]:
    within = pupils_q(scope)
    if within is None:
        return []
    hours = thresholds.concern_ack_hours()
    scope = scope or checks.EVERYTHING
    if scope.level == checks.Scope.PARTNERSHIP:
        flags_within = Q(school__partnership=scope.id)
    elif scope.level == checks.Scope.NO_PARTNERSHIP:
        flags_within = Q(school__partnership__isnull=True)
    elif within:
        # The flag names no pupil (school staff who are not DSLs see flags): it is found by the
        # concern its key names, the concern by its pupil.
        concerns = Concern.objects.filter(within).values_list("id", flat=True)
        flags_within = Q(key__in=[_concern_key(concern_id) for concern_id in concerns])
    else:
        flags_within = Q()
    rows = Concern.objects.filter(within, status=Concern.Status.NEW).values_list(
        "id", "urgency", "raised_at", "pupil__school_id", "placement_id"
    )
    conditions = []
    for concern_id, urgency, raised_at, school_id, placement_id in rows:
        if not rules.acknowledgement_overdue(raised_at, urgency, now=now, hours=hours):
            continue
        # The flag names no pupil and carries no text: school staff who are not DSLs can see flags.
        conditions.append(
            FlagCondition(
                key=_concern_key(concern_id),
                message=(
                    f"A{'n urgent' if urgency == 'urgent' else ''} concern raised "
                    f"{timezone.localtime(raised_at):%H:%M on %d %B %Y} has not been acknowledged by the DSL."
                ),
                school_id=school_id,
                # Only DSLs see these flags; the placement decides whether the partnership's DSL does.
                placement_id=placement_id,
                subject_date=timezone.localtime(raised_at).date(),
                details={"concern_id": concern_id, "urgency": urgency},
            )
        )
    return [flags_sync(Flag.Kind.CONCERN_UNACKNOWLEDGED, conditions, now=now, within=flags_within)]


def _active_placements(today, within):
    return Placement.objects.active_on(today).filter(within)


def run_risk_assessment_missing(now: datetime, scope: checks.Scope | None = None) -> list[checks.CheckResult]:
    within = pupils_q(scope)
    if within is None:
        return []
    today = timezone.localdate(now)
    current = RiskAssessment.objects.filter(
        placement=OuterRef("pk"), approved_at__isnull=False, review_date__gte=today
    )
    rows = (
        _active_placements(today, within)
        .annotate(has_current=Exists(current))
        .filter(has_current=False)
        .values_list("id", "pupil_id", "pupil__school_id", "provider_id", "provider__name")
    )
    conditions = [
        FlagCondition(
            key=f"risk_assessment_missing:{placement_id}",
            message=f"No approved, in-date risk assessment for the journey to and at {provider_name}.",
            school_id=school_id,
            pupil_id=pupil_id,
            placement_id=placement_id,
            provider_id=provider_id,
        )
        for placement_id, pupil_id, school_id, provider_id, provider_name in rows
    ]
    return [flags_sync(Flag.Kind.RISK_ASSESSMENT_MISSING, conditions, now=now, within=within)]


def run_induction_missing(now: datetime, scope: checks.Scope | None = None) -> list[checks.CheckResult]:
    within = pupils_q(scope)
    if within is None:
        return []
    today = timezone.localdate(now)
    allowed = thresholds.induction_school_days()
    rows = list(
        _active_placements(today, within)
        .annotate(inducted=Exists(Induction.objects.filter(placement=OuterRef("pk"))))
        .filter(inducted=False)
        .select_related("pupil__school", "provider")
    )
    conditions = []
    if rows:
        schools = {p.pupil.school_id: p.pupil.school for p in rows}
        days = school_days_by_school(schools.values(), min(p.start_date for p in rows), today)
        for placement in rows:
            elapsed = sum(1 for d in days[placement.pupil.school_id] if d >= placement.start_date)
            if not rules.induction_overdue(elapsed, allowed=allowed):
                continue
            conditions.append(
                FlagCondition(
                    key=f"induction_missing:{placement.pk}",
                    message=(
                        f"No induction recorded at {placement.provider.name}, {elapsed} school days "
                        f"after the placement started on {placement.start_date:%d %B %Y}."
                    ),
                    school_id=placement.pupil.school_id,
                    pupil_id=placement.pupil_id,
                    placement_id=placement.pk,
                    provider_id=placement.provider_id,
                    subject_date=placement.start_date,
                )
            )
    return [flags_sync(Flag.Kind.INDUCTION_MISSING, conditions, now=now, within=within)]


def run_safeguarding_transfer(now: datetime, scope: checks.Scope | None = None) -> list[checks.CheckResult]:
    """A pupil with concerns on record who has left the school's roll: their safeguarding file goes
    to the new school within 5 school days (KCSIE); open until a DSL records it as sent."""
    within = pupils_q(scope)
    if within is None:
        return []
    today = timezone.localdate(now) if timezone.is_aware(now) else now.date()
    allowed = thresholds.safeguarding_transfer_school_days()
    pupils = list(
        Pupil.objects.filter(left_on__isnull=False, left_on__lte=today)
        .filter(Exists(Concern.objects.filter(within, pupil=OuterRef("pk"))))
        .exclude(Exists(SafeguardingTransfer.objects.filter(pupil=OuterRef("pk"))))
        .select_related("school")
    )
    conditions = []
    if pupils:
        first = min(p.left_on for p in pupils)
        schools = {p.school_id: p.school for p in pupils}
        # Enough calendar days to hold the allowed school days across a holiday.
        days = school_days_by_school(
            schools.values(), first, max(today, first) + timedelta(days=7 * allowed + 21)
        )
        for pupil in pupils:
            due = rules.transfer_due_by(pupil.left_on, days[pupil.school_id], allowed=allowed)
            where = f" to {pupil.moved_to}" if pupil.moved_to else " to the new school"
            conditions.append(
                FlagCondition(
                    key=f"safeguarding_transfer_due:pupil={pupil.pk}",
                    message=(
                        f"{pupil.full_name} left on {pupil.left_on.day} {pupil.left_on:%B %Y}: send the "
                        f"safeguarding file{where} by {due.day} {due:%B %Y} and record it as sent."
                    ),
                    school_id=pupil.school_id,
                    pupil_id=pupil.pk,
                    subject_date=due,
                    details={"left_on": pupil.left_on.isoformat(), "due_by": due.isoformat()},
                )
            )
    return [flags_sync(Flag.Kind.SAFEGUARDING_TRANSFER_DUE, conditions, now=now, within=within)]


def register_checks() -> None:
    checks.register("concern_unacknowledged", run_concern_unacknowledged, schedule="frequent")
    checks.register("risk_assessment_missing", run_risk_assessment_missing)
    checks.register("induction_missing", run_induction_missing)
    checks.register("safeguarding_transfer", run_safeguarding_transfer)


def _placement_page(name):
    return lambda flag: reverse(name, args=[flag.placement_id]) if flag.placement_id else None


def register_fix_pages() -> None:
    """The pages that fix safeguarding's flags, for the flags pages' links."""
    register_fix_page(
        "concern_unacknowledged", "Open the DSL inbox", lambda flag: reverse("safeguarding:inbox")
    )
    register_fix_page(
        "risk_assessment_missing",
        "Record the risk assessment",
        _placement_page("safeguarding:risk_assessment_create"),
    )
    register_fix_page(
        "induction_missing", "Record the induction", _placement_page("safeguarding:induction_create")
    )
    register_fix_page(
        "safeguarding_transfer_due",
        "Send the safeguarding file",
        lambda flag: reverse("safeguarding:transfer", args=[flag.pupil_id]) if flag.pupil_id else None,
    )
