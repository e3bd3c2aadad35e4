"""Demo attendance and visits: this half term's registers up to yesterday (mostly present, some
late, some absent with N or I, a few never received) with same-day follow-ups for most
absences, and half-termly visits with some settings not yet visited this half term."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from apdash.demo import DemoWorld
from apdash.selectors import half_terms_for, school_days_by_school
from placements.attendance import rules as attendance_rules
from placements.attendance.models import AttendanceMark, FollowUp, RegisterLink
from placements.attendance.services import follow_up_record, register_link_create, register_link_token
from placements.core.models import Placement, TimetableSlot
from placements.visits.models import Visit
from placements.visits.services import visit_record

VISITORS = ["Sam Whitfield", "Jo Marsh", "Morgan Ellery", "Chris Dunmore"]


WELLBEING = [
    "Settled and cheerful; talked about the journey in without worries.",
    "A little withdrawn today; staff say a better week overall.",
    "Happy to see us; proud of the work on display.",
]


LEARNING = [
    "Working towards Functional Skills maths; showed a completed fractions booklet.",
    "Practical unit on brake assemblies going well; written log needs support.",
    "Reading with the tutor daily; confidence improving.",
]


BEHAVIOUR = [
    "No incidents recorded this half term.",
    "One refusal last week, resolved the same day.",
    "Positive reports from staff; responding well to routines.",
]


PUPIL_VIEWS = [
    "Likes the small group and the practical work.",
    "Says the days go quickly here, unlike school.",
    "Wants more time in the workshop.",
]


def _local(day, clock):
    return timezone.make_aware(datetime.combine(day, clock))


def seed_attendance(world: DemoWorld) -> None:
    today = world.today
    placements = list(
        Placement.objects.filter(end_date__isnull=True, pupil__school__in=world.schools)
        .select_related("pupil__school", "provider")
        .prefetch_related(Prefetch("timetable", queryset=TimetableSlot.objects.order_by("weekday")))
        .order_by("pk")
    )
    if not placements:
        return
    partnership_id = world.schools[0].partnership_id
    terms = half_terms_for(partnership_id=partnership_id, start=today - timedelta(days=400), end=today)
    started = [t for t in terms if t.start_date <= today]
    current = started[-1] if started else None
    if current is None:
        return
    if not AttendanceMark.objects.filter(placement__in=placements, date__gte=current.start_date).exists():
        _seed_marks(world, placements, current.start_date, min(today - timedelta(days=1), current.end_date))
    if not Visit.objects.filter(placement__in=placements).exists():
        _seed_visits(
            world, placements, [t for t in started if t.academic_year_id == current.academic_year_id]
        )
    _seed_link(world)


def _seed_marks(world, placements, start, end):
    if end < start:
        return
    open_days = school_days_by_school({p.pupil.school for p in placements}, start, end)
    recent = set(sorted({d for days in open_days.values() for d in days})[-3:])
    marks = []
    for placement in placements:
        # One stream per placement: a few pupils attend poorly all half term (persistent absence).
        rng = random.Random(f"{world.seed}:attendance:{placement.pk}")
        absence_rate = rng.choice([0.02, 0.04, 0.05, 0.08, 0.08, 0.12, 0.25])
        la_arranged = placement.la_arranged
        for day in open_days[placement.pupil.school_id]:
            if not placement.is_active_on(day):
                continue
            sessions = {
                s
                for slot in placement.timetable.all()
                if slot.weekday == day.weekday()
                for s in slot.sessions
            }
            for session in ("AM", "PM"):
                if session not in sessions:
                    continue
                if day in recent and rng.random() < 0.06:
                    continue  # never received: the grid shows it as missing
                roll = rng.random()
                if roll < absence_rate:
                    reason = rng.choices(["no_contact", "ill", "medical", "refused"], weights=[45, 40, 8, 7])[
                        0
                    ]
                    status, minutes = attendance_rules.ABSENT, 0
                elif roll < absence_rate + 0.06:
                    reason, status, minutes = "", attendance_rules.LATE, rng.choice([5, 10, 15, 20, 35])
                else:
                    reason, status, minutes = "", attendance_rules.ATTENDED, 0
                code = attendance_rules.attendance_code_for(
                    status, absence_reason=reason, la_arranged=la_arranged
                )
                marks.append(
                    AttendanceMark(
                        placement=placement,
                        date=day,
                        session=session,
                        code=code,
                        minutes_late=minutes,
                        absence_reason=reason,
                        source=rng.choice(
                            [AttendanceMark.Source.PROVIDER_LINK] * 4 + [AttendanceMark.Source.IMPORT]
                        ),
                    )
                )
    AttendanceMark.objects.bulk_create(marks, batch_size=2000)
    # recorded_at is auto_now, so the realistic times (sent mid-session) are written afterwards.
    for mark in marks:
        clock = time(9, 40) if mark.session == "AM" else time(13, 50)
        mark.recorded_at = _local(mark.date, clock) + timedelta(minutes=world.rng.randint(0, 50))
    AttendanceMark.objects.bulk_update(marks, ["recorded_at"], batch_size=2000)
    _seed_follow_ups(world, [m for m in marks if attendance_rules.is_absence(m.code)], recent)


CONTACTS = ["Parent by phone", "Carer by phone", "Pupil's social worker", "Home visit"]


def _seed_follow_ups(world, absences, recent):
    rng = world.rng
    coordinator = world.users.get("school_coordinator")
    for mark in absences:
        if mark.date in recent and rng.random() < 0.5:
            continue  # still to chase
        outcome = rng.choices(
            [FollowUp.Outcome.SAFE_AND_WELL, FollowUp.Outcome.NOT_CONTACTED, FollowUp.Outcome.ESCALATED],
            weights=[85, 10, 5],
        )[0]
        follow_up_record(
            actor=coordinator,
            placement=mark.placement,
            date=mark.date,
            session=mark.session,
            contacted=rng.choice(
                ["Parent by phone", "Carer by phone", "Pupil's social worker", "Home visit"]
            ),
            contacted_at=mark.recorded_at + timedelta(minutes=rng.choice([12, 25, 40, 55, 80, 150])),
            outcome=outcome,
            note="Left a voicemail; will try again at lunchtime."
            if outcome == FollowUp.Outcome.NOT_CONTACTED
            else "",
        )


def _seed_visits(world, placements, terms):
    today = world.today
    for placement in placements:
        rng = random.Random(f"{world.seed}:visits:{placement.pk}")
        for term in terms:
            first = max(term.start_date, placement.start_date)
            last = min(term.end_date, today - timedelta(days=1))
            if last < first:
                continue
            is_current = term.end_date >= today
            if rng.random() > (0.5 if is_current else 0.88):
                continue  # not yet visited this half term, or missed
            day = first + timedelta(days=rng.randint(0, (last - first).days))
            while day.weekday() > 4 and day > first:
                day -= timedelta(days=1)
            visit_record(
                placement=placement,
                date=day,
                visitor_name=rng.choice(VISITORS),
                pupil_seen=rng.random() > 0.05,
                wellbeing=rng.choice(WELLBEING),
                learning=rng.choice(LEARNING),
                behaviour=rng.choice(BEHAVIOUR),
                pupil_view=rng.choice(PUPIL_VIEWS),
            )


def _seed_link(world):
    """Today's no-account register link for the provider-staff demo setting, printed with the logins."""
    provider = next((p for p in world.providers if p.name.startswith("Style My Ride")), None)
    if provider is None:
        return
    link = RegisterLink.objects.filter(provider=provider, date=world.today, revoked_at__isnull=True).first()
    token = (
        register_link_token(link) if link else register_link_create(provider=provider, date=world.today)[1]
    )
    url = settings.APDASH_SITE_URL.rstrip("/") + reverse("placements:register_by_link", args=[token])
    world.logins.append(("Provider register link (no account)", url, provider.name))
