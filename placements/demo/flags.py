"""The demo's last step: a few arrangements that the compliance checks exist to catch, then every
registered check run as at now, so the Flags pages show each kind of flag."""

from __future__ import annotations

from datetime import time, timedelta

from django.db.models import Q
from django.utils import timezone

from apdash import thresholds
from apdash.checks import registered_checks
from apdash.demo import DemoWorld
from apdash.selectors import school_days
from placements.attendance import rules as attendance_rules
from placements.attendance.models import AttendanceMark
from placements.attendance.services import attendance_record
from placements.core import rules as core_rules
from placements.core import services as core_services
from placements.core.models import Placement, Pupil


def _place(world, pupil, provider, slots, reason):
    """A placement for the demo, once: a re-run finds it (by its reason) already there."""
    if pupil is None or Placement.objects.filter(provider=provider, reason=reason).exists():
        return
    core_services.placement_create(
        pupil=pupil,
        provider=provider,
        start_date=world.today - timedelta(days=21),
        reason=reason,
        rationale="Agreed at the inclusion panel.",
        timetable=slots,
    )


def _free_pupils(world: DemoWorld, school):
    """Pupils of `school` with no placement running from the demo placements' start: a pupil cannot be
    timetabled in two places at once, so the demo's extra placements go to pupils who are free."""
    busy = Placement.objects.running_on_or_after(world.today - timedelta(days=21)).values("pupil_id")
    return Pupil.objects.filter(school=school).exclude(pk__in=busy)


def _seed_hours(world: DemoWorld) -> None:
    style_my_ride = next(p for p in world.providers if p.name.startswith("Style My Ride"))
    greenhands = next(p for p in world.providers if p.name.startswith("Greenhands"))
    # Near the line: two long days, 16 hours a week, at an unregistered setting.
    near = (
        _free_pupils(world, world.schools[0])
        .filter(sen_status="none", looked_after=False, year_group__lte=11)
        .order_by("upn")
        .first()
    )
    _place(
        world,
        near,
        greenhands,
        [core_rules.Slot(day, time(8, 30), time(16, 30)) for day in (1, 3)],
        "Land-based skills course on two long days.",
    )
    # Over the line: a pupil with an EHC plan full-time at an unregistered setting, which means the
    # setting must register (s.463) whatever the other schools send there.
    full_time = (
        _free_pupils(world, world.schools[1])
        .filter(year_group__lte=11)
        .filter(Q(sen_status="ehcp") | Q(looked_after=True))
        .order_by("upn")
        .first()
    )
    _place(
        world,
        full_time,
        style_my_ride,
        [core_rules.Slot(day, time(9, 0), time(14, 0)) for day in range(4)],
        "Motor vehicle course while a specialist place is found.",
    )


def _seed_unexplained_absence(world: DemoWorld, now) -> None:
    """One recent morning marked `N` (no reason yet) that nobody has followed up."""
    school = world.schools[0]
    days = school_days(school, world.today - timedelta(days=14), world.today)
    marks = AttendanceMark.objects.filter(placement__pupil__school=school, date__in=days)
    if marks.filter(code__in=attendance_rules.UNEXPLAINED_ABSENCE_CODES, follow_ups__isnull=True).exists():
        return
    marked = set(marks.values_list("placement_id", "date", "session"))
    placements = (
        Placement.objects.filter(pupil__school=school, end_date__isnull=True)
        .prefetch_related("timetable")
        .order_by("id")
    )
    cutoffs = thresholds.attendance_cutoffs()
    for day in reversed(days):
        if not attendance_rules.session_cutoff_passed("AM", day, now, **cutoffs):
            continue
        for placement in placements:
            if placement.start_date > day or (placement.id, day, "AM") in marked:
                continue
            if any(s.weekday == day.weekday() and "AM" in s.sessions for s in placement.timetable.all()):
                attendance_record(
                    placement=placement,
                    date=day,
                    session="AM",
                    code="N",
                    note="Provider rang: not arrived, no message from home.",
                    source=AttendanceMark.Source.PROVIDER_STAFF,
                )
                return


def seed_flags(world: DemoWorld) -> None:
    now = timezone.localtime()
    _seed_hours(world)
    _seed_unexplained_absence(world, now)
    for check in registered_checks():
        check.run(now)
