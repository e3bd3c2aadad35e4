"""The safeguarding checks, registered with `apdash.checks`: `run_<check>(now) -> [CheckResult]`,
each a few set-based queries and then `flags_sync`."""

from __future__ import annotations

from bisect import bisect_left
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from apdash import checks, thresholds
from apdash.models import School
from placements.compliance.checks.common import school_days_of
from placements.compliance.checks.scope import partnerships_q, pupil_open_flags, pupils_q
from placements.compliance.kinds import register_fix_page
from placements.compliance.services import FlagCondition, flags_sync
from placements.core.rules import pupil_name
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
    fields = ("id", "urgency", "raised_at", "pupil__school_id", "placement_id")
    rows = Concern.objects.filter(within, status=Concern.Status.NEW).values_list(*fields)
    if scope.level == checks.Scope.PARTNERSHIP:
        flags_within = partnerships_q(scope, "school__partnership")
    elif scope.level == checks.Scope.NO_PARTNERSHIP:
        flags_within = Q(school__partnership__isnull=True)
    elif within:
        # The flag names no pupil (school staff who are not DSLs see flags): it is found by the
        # concern its key names, the concern by its pupil. The scope's concerns are few: one
        # query reads them all, and the new ones are the rows.
        concerns = list(Concern.objects.filter(within).values_list("status", *fields))
        flags_within = Q(key__in=[_concern_key(concern[1]) for concern in concerns])
        rows = [concern[1:] for concern in concerns if concern[0] == Concern.Status.NEW]
    else:
        flags_within = Q()
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
    open_flags = pupil_open_flags(scope, (Flag.Kind.RISK_ASSESSMENT_MISSING,))
    return [
        flags_sync(
            Flag.Kind.RISK_ASSESSMENT_MISSING, conditions, now=now, within=within, open_flags=open_flags
        )
    ]


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
        .values_list(
            "pk",
            "pupil_id",
            "pupil__school_id",
            "pupil__school__partnership_id",
            "provider_id",
            "provider__name",
            "start_date",
        )
    )
    conditions = []
    if rows:
        schools = {row[2]: School(id=row[2], partnership_id=row[3]) for row in rows}
        days = school_days_of(schools.values(), min(row[6] for row in rows), today, today=today)
        for placement_id, pupil_id, school_id, _, provider_id, provider_name, start_date in rows:
            # School days from the start on: the days are in date order.
            elapsed = len(days[school_id]) - bisect_left(days[school_id], start_date)
            if not rules.induction_overdue(elapsed, allowed=allowed):
                continue
            conditions.append(
                FlagCondition(
                    key=f"induction_missing:{placement_id}",
                    message=(
                        f"No induction recorded at {provider_name}, {elapsed} school days "
                        f"after the placement started on {start_date:%d %B %Y}."
                    ),
                    school_id=school_id,
                    pupil_id=pupil_id,
                    placement_id=placement_id,
                    provider_id=provider_id,
                    subject_date=start_date,
                )
            )
    open_flags = pupil_open_flags(scope, (Flag.Kind.INDUCTION_MISSING,))
    return [
        flags_sync(Flag.Kind.INDUCTION_MISSING, conditions, now=now, within=within, open_flags=open_flags)
    ]


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
        .values_list(
            "pk", "first_name", "last_name", "school_id", "school__partnership_id", "left_on", "moved_to"
        )
    )
    conditions = []
    if pupils:
        first = min(row[5] for row in pupils)
        schools = {row[3]: School(id=row[3], partnership_id=row[4]) for row in pupils}
        # Enough calendar days to hold the allowed school days across a holiday.
        days = school_days_of(
            schools.values(), first, max(today, first) + timedelta(days=7 * allowed + 21), today=today
        )
        for pupil_id, first_name, last_name, school_id, _, left_on, moved_to in pupils:
            due = rules.transfer_due_by(left_on, days[school_id], allowed=allowed)
            where = f" to {moved_to}" if moved_to else " to the new school"
            conditions.append(
                FlagCondition(
                    key=f"safeguarding_transfer_due:pupil={pupil_id}",
                    message=(
                        f"{pupil_name(first_name, last_name)} left on {left_on.day} {left_on:%B %Y}: send "
                        f"the safeguarding file{where} by {due.day} {due:%B %Y} and record it as sent."
                    ),
                    school_id=school_id,
                    pupil_id=pupil_id,
                    subject_date=due,
                    details={"left_on": left_on.isoformat(), "due_by": due.isoformat()},
                )
            )
    open_flags = pupil_open_flags(scope, (Flag.Kind.SAFEGUARDING_TRANSFER_DUE,))
    return [
        flags_sync(
            Flag.Kind.SAFEGUARDING_TRANSFER_DUE, conditions, now=now, within=within, open_flags=open_flags
        )
    ]


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
