"""Demo pupils and placements: about 150 pupils across the six schools, about 180 placements
with weekly timetables, a few of them deliberately over the unregistered-provider limits."""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from apdash.demo import DemoWorld
from placements.core import rules as core_rules
from placements.core.models import Placement, Pupil
from placements.core.services import placement_create, pupil_create

FIRST_NAMES = [
    "Aiden",
    "Amelia",
    "Bailey",
    "Chloe",
    "Connor",
    "Daisy",
    "Ellis",
    "Evie",
    "Finley",
    "Freya",
    "Harvey",
    "Isla",
    "Jayden",
    "Kacey",
    "Kai",
    "Leah",
    "Logan",
    "Maisie",
    "Mason",
    "Nia",
    "Oscar",
    "Poppy",
    "Reece",
    "Ruby",
    "Ryan",
    "Sienna",
    "Tyler",
    "Zara",
    "Callum",
    "Imogen",
    "Dylan",
    "Keira",
    "Liam",
    "Millie",
]


LAST_NAMES = [
    "Ahmed",
    "Baker",
    "Clarke",
    "Davies",
    "Evans",
    "Fletcher",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Kowalski",
    "Lewis",
    "Morgan",
    "Nowak",
    "O'Brien",
    "Patel",
    "Quinn",
    "Roberts",
    "Smith",
    "Taylor",
    "Walsh",
    "Young",
]


REASONS = [
    ("Vocational course alongside a reduced timetable in school to re-engage with learning.", "CUR"),
    ("Social, emotional and mental health needs; small-group setting while CAMHS support starts.", "SEM"),
    ("Repeated suspensions this year; preventative placement agreed at the behaviour panel.", "BEH"),
    ("Persistent absence; mentoring to rebuild routines and confidence.", "ATT"),
    ("Permanently excluded; full-time placement while a new school is found.", "PEX"),
    ("Awaiting a specialist place named in the EHC plan.", "SEN"),
]


RATIONALES = [
    "Pupil chose the motor vehicle course at the option evening; small groups suit their anxiety.",
    "Panel agreed a practical setting gives the best chance of staying in education; reviewed half-termly.",
    "Mentoring addresses the root causes of absence identified in the early help assessment.",
]


SCHOOL_DAY = [(time(9, 0), time(15, 0)), (time(9, 30), time(14, 30)), (time(9, 0), time(12, 0))]


def _slots(days: list[int], start: time, end: time) -> list[core_rules.Slot]:
    return [core_rules.Slot(day, start, end) for day in days]


def seed_placements(world: DemoWorld) -> None:
    today = world.today
    year_start = date(today.year if today.month >= 9 else today.year - 1, 9, 7)
    registered = [p for p in world.providers if p.is_registered]
    unregistered = [p for p in world.providers if not p.is_registered]
    style_my_ride = next(p for p in world.providers if p.name.startswith("Style My Ride"))
    serial = 0
    for school_index, school in enumerate(world.schools):
        for n in range(25):
            serial += 1
            # One random stream per pupil, so a re-run that skips existing pupils stays deterministic.
            rng = random.Random(f"{world.seed}:{serial}")
            year_group = rng.choice([9, 10, 10, 11, 11, 11])
            birth_year = today.year - year_group - 5 - (1 if today.month >= 9 else 0)
            sen = rng.choices(["none", "sen_support", "ehcp"], weights=[55, 35, 10])[0]
            upn = core_rules.upn_for(
                la_code=school.la_code or "931",
                establishment=f"4{school_index:03d}",
                year=birth_year + 4,
                serial=serial,
            )
            details = {
                "first_name": rng.choice(FIRST_NAMES),
                "last_name": rng.choice(LAST_NAMES),
                "date_of_birth": date(birth_year, rng.randint(1, 12), rng.randint(1, 28)),
                "year_group": year_group,
                "school": school,
                "sen_status": sen,
                "looked_after": rng.random() < 0.08,
                "pupil_premium": rng.random() < 0.45,
                "needs_summary": "Working memory difficulties; responds well to practical tasks."
                if sen != "none"
                else "",
            }
            pupil = Pupil.objects.filter(upn=upn).first()
            created = pupil is None
            if created:
                pupil = pupil_create(upn=upn, **details)
            world.pupils.append(pupil)
            if not created:
                continue
            _seed_pupil_placements(
                world, pupil, n, school_index, year_start, registered, unregistered, style_my_ride
            )


def _seed_pupil_placements(
    world, pupil, n, school_index, year_start, registered, unregistered, style_my_ride
):
    rng = world.rng
    reason, census = rng.choice(REASONS)
    start = year_start + timedelta(days=rng.randint(0, 40))
    plans = []
    if census == "PEX":
        plans.append((rng.choice(registered), _slots([0, 1, 2, 3, 4], time(9, 0), time(15, 0)), start))
    elif school_index == 0 and n < 4:
        # Wendlow's pupils at Style My Ride: the provider-staff demo login sees them.
        days = [[0, 2], [1, 3], [0, 3], [1, 2, 4]][n]
        plans.append((style_my_ride, _slots(days, time(9, 0), time(15, 0)), start))
        plans.append(
            (
                rng.choice(registered),
                _slots([d for d in range(5) if d not in days][:1], time(9, 0), time(12, 0)),
                start,
            )
        )
    else:
        provider = rng.choice(unregistered if rng.random() < 0.6 else registered)
        if provider.is_registered:
            days = sorted(rng.sample(range(5), rng.randint(2, 4)))
        else:
            days = sorted(rng.sample(range(5), rng.choices([1, 2, 3], weights=[45, 50, 5])[0]))
        slot_start, slot_end = rng.choice(SCHOOL_DAY)
        plans.append((provider, _slots(days, slot_start, slot_end), start))
        if rng.random() < 0.2:
            second = rng.choice([p for p in unregistered if p != provider])
            free = [d for d in range(5) if d not in days][:1]
            if free:
                plans.append((second, _slots(free, time(13, 0), time(15, 30)), start + timedelta(days=7)))
    if rng.random() < 0.1:
        # A finished earlier placement, kept as history.
        earlier = rng.choice(unregistered)
        placement = placement_create(
            pupil=pupil,
            provider=earlier,
            start_date=year_start - timedelta(days=300),
            end_date=year_start - timedelta(days=60),
            status=Placement.Status.ENDED,
            reason=reason,
            census_reason=census,
            rationale=rng.choice(RATIONALES),
            goal="reintegration",
            end_reason=Placement.EndReason.COMPLETED,
            timetable=_slots([2], time(9, 0), time(12, 0)),
        )
        world.placements.append(placement)
    for provider, slots, begin in plans:
        placement = placement_create(
            timetable=slots,
            pupil=pupil,
            provider=provider,
            start_date=begin,
            reason=reason,
            census_reason=census,
            rationale=rng.choice(RATIONALES),
            goal=rng.choice(["reintegration", "post_16", "specialist"])
            if pupil.year_group < 11
            else "post_16",
            qualifications=rng.choice(
                [
                    "Functional Skills English and maths Level 1",
                    "GCSE English and maths",
                    "BTEC Level 1 Vocational Studies",
                    "AQA Unit Award Scheme",
                ]
            ),
            commissioned_by=rng.choice(["school", "school", "partnership"]),
            provider_has_main_responsibility=census == "PEX" and provider.is_registered,
            # Most schools told the LA a week ahead and, for a preventative direction, the parents;
            # one pupil in ten shows what a missing notification looks like (no extra random draws,
            # so the rest of the demo is unchanged).
            **_notices(pupil, census, min(begin - timedelta(days=7), world.today)),
        )
        world.placements.append(placement)


def _notices(pupil, census, sent_on) -> dict:
    told = pupil.pk % 10 != 0
    fields = {"la_notified_on": sent_on, "la_notified_how": "portal"} if told else {}
    if census == "BEH":
        fields.update(off_site_direction=True, reports_to="The centre manager, at reception")
        if told:
            fields.update(parental_notice_sent_on=sent_on, parental_notice_how="post")
    return fields
