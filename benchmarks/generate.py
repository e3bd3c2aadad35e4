"""Synthetic county- and England-scale data for the benchmarks, built with bulk inserts through
the project's own models and rules (valid UPNs, real timetables, the usual half terms)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from apdash.demo import seed_calendar
from apdash.models import Membership, Partnership, Role, School, User
from apdash.selectors import school_days_by_school
from placements.core import rules as core_rules
from placements.models import AttendanceMark, Placement, Pupil, TimetableSlot, Visit
from providers.models import Provider


@dataclass(frozen=True)
class Scale:
    name: str
    partnerships: int
    schools_per_partnership: int
    pupils_per_school: int
    providers: int
    attendance_days: int


SCALES = {
    # A county: about 60 secondary schools, 1,500 pupils in AP, 120 settings.
    "county": Scale("county", 6, 10, 25, 120, 10),
    # England: about 3,000 secondary schools, 36,000 pupils in AP, 2,500 settings.
    "england": Scale("england", 150, 20, 12, 2500, 5),
    # For the benchmark's own test: seconds, not minutes.
    "tiny": Scale("tiny", 2, 2, 5, 6, 3),
}
BATCH = 5000
SLOT_TIMES = [
    (time(9, 0), time(15, 0)),
    (time(9, 30), time(14, 30)),
    (time(9, 0), time(12, 0)),
    (time(13), time(15)),
]


def generate(scale: Scale, *, today: date, seed: int = 1) -> dict:
    """Fill an empty database; returns counts and one login per role to measure pages as."""
    rng = random.Random(seed)
    seed_calendar(today)
    partnerships = Partnership.objects.bulk_create(
        Partnership(name=f"Bench partnership {i}") for i in range(scale.partnerships)
    )
    schools = School.objects.bulk_create(
        School(name=f"Bench school {p.pk}-{j}", urn=f"{300000 + i}", partnership=p, la_code="931")
        for i, (p, j) in enumerate((p, j) for p in partnerships for j in range(scale.schools_per_partnership))
    )
    providers = Provider.objects.bulk_create(
        Provider(
            name=f"Bench setting {i}",
            registration_status="registered" if i % 3 == 0 else "unregistered",
            provider_type="vocational",
            contact_email=f"setting{i}@bench.example",
        )
        for i in range(scale.providers)
    )
    pupils = []
    for school_index, school in enumerate(schools):
        for n in range(scale.pupils_per_school):
            pupils.append(
                Pupil(
                    upn=core_rules.upn_for(
                        la_code="931",
                        establishment=f"{school_index // 100:04d}",
                        year=school_index % 100,
                        serial=n,
                    ),
                    first_name=f"Pupil{n}",
                    last_name=f"School{school_index}",
                    date_of_birth=date(today.year - 15, 1 + n % 12, 1 + n % 28),
                    year_group=rng.choice([9, 10, 11]),
                    school=school,
                    sen_status=rng.choices(["none", "sen_support", "ehcp"], weights=[60, 32, 8])[0],
                    looked_after=rng.random() < 0.07,
                )
            )
    pupils = Pupil.objects.bulk_create(pupils, batch_size=BATCH)
    start = today - timedelta(days=70)
    placements = Placement.objects.bulk_create(
        (
            Placement(
                pupil=pupil, provider=rng.choice(providers), start_date=start, reason="Benchmark placement"
            )
            for pupil in pupils
            for _ in range(1 if rng.random() < 0.8 else 2)
        ),
        batch_size=BATCH,
    )
    slots = []
    for placement in placements:
        slot_start, slot_end = rng.choice(SLOT_TIMES)
        for weekday in rng.sample(range(5), rng.choice([1, 2, 2, 3])):
            slots.append(TimetableSlot(placement=placement, weekday=weekday, start=slot_start, end=slot_end))
    TimetableSlot.objects.bulk_create(slots, batch_size=BATCH)

    days_by_school = school_days_by_school(schools, today - timedelta(days=28), today - timedelta(days=1))
    by_placement = {}
    for slot in slots:
        by_placement.setdefault(slot.placement_id, []).append(slot)
    school_of = {p.pk: p.school_id for p in pupils}
    marks, visits = [], []
    for placement in placements:
        days = days_by_school[school_of[placement.pupil_id]][-scale.attendance_days :]
        for day in days:
            for slot in by_placement.get(placement.pk, []):
                if slot.weekday != day.weekday():
                    continue
                for session in core_rules.slot_sessions(slot.start, slot.end):
                    if rng.random() < 0.03:
                        continue  # a missing register, as in life
                    code = rng.choices(["B", "I", "N", "M"], weights=[88, 6, 4, 2])[0]
                    marks.append(AttendanceMark(placement=placement, date=day, session=session, code=code))
        if rng.random() < 0.7:
            visits.append(Visit(placement=placement, date=today - timedelta(days=rng.randint(1, 40))))
    AttendanceMark.objects.bulk_create(marks, batch_size=BATCH, ignore_conflicts=True)
    Visit.objects.bulk_create(visits, batch_size=BATCH)

    logins = {}
    for role, where in [
        (Role.SCHOOL_COORDINATOR, {"school": schools[0]}),
        (Role.PARTNERSHIP_COORDINATOR, {"partnership": partnerships[0]}),
        (Role.SUPERUSER, {}),
    ]:
        user = User.objects.create_user(email=f"{role}@bench.example", password="bench-password")
        Membership.objects.create(user=user, role=role, **where)
        logins[role] = user
    return {
        "counts": {
            "schools": len(schools),
            "providers": len(providers),
            "pupils": len(pupils),
            "placements": len(placements),
            "timetable_slots": len(slots),
            "attendance_marks": AttendanceMark.objects.count(),
            "visits": len(visits),
        },
        "logins": logins,
    }
