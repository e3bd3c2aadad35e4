"""Demo data for the core app: a fictional county with two partnerships, six schools, the
current academic year's calendar and one login per role."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from .models import AcademicYear, Closure, HalfTerm, Membership, Partnership, Role, School, User
from .rules import academic_year_label, academic_year_start, usual_bank_holidays_in_term, usual_half_terms

DEMO_PASSWORD = "apdash-demo-2026"

SCHOOLS = [
    # (partnership, name, urn, LA code)
    ("Vale of Wendlow Secondary Partnership", "Wendlow Academy", "140101", "931"),
    ("Vale of Wendlow Secondary Partnership", "St Aldhelm's Church of England School", "140102", "931"),
    ("Vale of Wendlow Secondary Partnership", "Castlebrook Community College", "140103", "931"),
    ("Harrowmere Schools Partnership", "Harrowmere High School", "140201", "931"),
    ("Harrowmere Schools Partnership", "Kingsford Park School", "140202", "931"),
    ("Harrowmere Schools Partnership", "Oakridge Leadership Academy", "140203", "931"),
]


@dataclass
class DemoWorld:
    """What each app's demo seeding has made so far, handed along to the next app."""

    today: date
    rng: random.Random
    seed: int = 2026
    partnerships: list = field(default_factory=list)
    schools: list = field(default_factory=list)
    providers: list = field(default_factory=list)
    pupils: list = field(default_factory=list)
    placements: list = field(default_factory=list)
    users: dict = field(default_factory=dict)
    logins: list = field(default_factory=list)


def seed_calendar(today: date) -> AcademicYear:
    """This academic year and the previous one, in England's usual pattern."""
    current = None
    for start_year in (academic_year_start(today) - 1, academic_year_start(today)):
        terms = usual_half_terms(start_year)
        year, _ = AcademicYear.objects.get_or_create(
            label=academic_year_label(start_year),
            defaults={"start_date": date(start_year, 9, 1), "end_date": date(start_year + 1, 8, 31)},
        )
        for name, start, end in terms:
            HalfTerm.objects.get_or_create(
                academic_year=year,
                name=name,
                partnership=None,
                defaults={"start_date": start, "end_date": end},
            )
        for day, reason in usual_bank_holidays_in_term(start_year):
            Closure.objects.get_or_create(
                date=day, school=None, partnership=None, defaults={"reason": reason}
            )
        current = year
    return current


def _user(email, name, password=DEMO_PASSWORD, **extra):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, full_name=name, **extra)
    return user


def seed_core(world: DemoWorld) -> None:
    year = seed_calendar(world.today)
    by_name = {}
    for partnership_name, school_name, urn, la_code in SCHOOLS:
        partnership = by_name.get(partnership_name)
        if partnership is None:
            slug = partnership_name.split()[2 if partnership_name.startswith("Vale") else 0].lower()
            partnership, _ = Partnership.objects.get_or_create(
                name=partnership_name,
                defaults={
                    "local_authority": "Wendlowshire County Council",
                    "dsl_name": "Morgan Ellery",
                    "dsl_email": f"dsl@{slug}-partnership.example",
                },
            )
            by_name[partnership_name] = partnership
            world.partnerships.append(partnership)
        slug = school_name.split()[0].lower().replace("'", "")
        school, _ = School.objects.get_or_create(
            urn=urn,
            defaults={
                "name": school_name,
                "partnership": partnership,
                "la_code": la_code,
                "address": f"{school_name}\nSchool Lane\nWendlowshire",
                "dsl_name": world.rng.choice(["Priya Shah", "Tom Aldridge", "Helen Okafor", "Gareth Price"]),
                "dsl_email": f"dsl@{slug}.example",
            },
        )
        world.schools.append(school)

    # One INSET day per school, early in each autumn half term, so closures show in the calendar.
    for i, school in enumerate(world.schools):
        first = year.half_terms.filter(partnership=None).order_by("start_date").first()
        inset = first.start_date + timedelta(days=7 + i % 3)
        while inset.weekday() > 4:
            inset += timedelta(days=1)
        Closure.objects.get_or_create(date=inset, school=school, defaults={"reason": "INSET day"})

    main_school = world.schools[0]
    other_school = world.schools[1]
    partnership = world.partnerships[0]
    people = [
        ("coordinator@wendlow.example", "Sam Whitfield", Role.SCHOOL_COORDINATOR, {"school": main_school}),
        ("dsl@wendlow.example", "Priya Shah", Role.DSL, {"school": main_school}),
        ("head@wendlow.example", "Dr Alison Grey", Role.HEAD, {"school": main_school}),
        ("coordinator@staldhelms.example", "Jo Marsh", Role.SCHOOL_COORDINATOR, {"school": other_school}),
        (
            "partnership@vale.example",
            "Morgan Ellery",
            Role.PARTNERSHIP_COORDINATOR,
            {"partnership": partnership},
        ),
    ]
    for email, name, role, where in people:
        user = _user(email, name)
        Membership.objects.get_or_create(user=user, role=role, **where)
        world.users[role if role not in world.users else f"{role}:{email}"] = user
        world.logins.append((Role(role).label, email, str(where.get("school") or where.get("partnership"))))
    admin = _user("admin@apdash.example", "Apdash Administrator", is_staff=True, is_superuser=True)
    Membership.objects.get_or_create(user=admin, role=Role.SUPERUSER)
    world.users[Role.SUPERUSER] = admin
    world.logins.append((Role.SUPERUSER.label, admin.email, "everything"))
