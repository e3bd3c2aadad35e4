"""Synthetic county- and England-scale data for the benchmarks, built with bulk inserts through
the project's own models and rules (valid UPNs, real timetables, the usual half terms): a half
term of registers, follow-ups of a few per cent of absences, plans and reviews, visits, risk
assessments and inductions, concerns and provider audits, so every page and check is measured
where it will live.

Besides the scale's partnerships it builds one *small* partnership (one school, two pupils, its
own setting) with a login per role: the benchmark compares each page's query count there with the
big partnership's, so a count that grows with the rows shows."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone

from apdash.demo import seed_calendar
from apdash.models import Membership, Partnership, Role, School, User
from apdash.selectors import school_days_by_school
from placements.core import rules as core_rules
from placements.models import (
    AttendanceMark,
    FollowUp,
    LearningPlan,
    Placement,
    Pupil,
    Review,
    TimetableSlot,
    Visit,
)
from providers.models import Provider, ProviderAudit
from safeguarding.models import Concern, Induction, RiskAssessment


@dataclass(frozen=True)
class Scale:
    name: str
    partnerships: int
    schools_per_partnership: int
    pupils_per_school: int
    providers: int
    # Registers for this many of the latest school days (None: every school day since placements began).
    attendance_days: int | None = None
    # Rows in the register file the CSV import is timed on.
    import_rows: int = 10_000


SCALES = {
    # A county: about 60 secondary schools, 1,500 pupils in AP, 120 settings.
    "county": Scale("county", 6, 10, 25, 120),
    # England: about 3,000 secondary schools, 36,000 pupils in AP, 2,500 settings; ~2M marks.
    "england": Scale("england", 150, 20, 12, 2500),
    # For the benchmark's own test: seconds, not minutes.
    "tiny": Scale("tiny", 2, 2, 5, 6, attendance_days=3, import_rows=300),
}
BATCH = 5000
# Placements began ten weeks ago: a full half term of registers (and the holiday between two).
PLACEMENTS_BEGAN_DAYS_AGO = 70
# Mostly whole days, some mornings or afternoons only (weights in brackets).
SLOT_TIMES = [(time(9, 0), time(15, 0))] * 4 + [(time(9, 30), time(14, 30))] * 3
SLOT_TIMES += [(time(9, 0), time(12, 0)), (time(13), time(15))]
# Days a week at a registered setting (often most of the week) and at an unregistered one (G §3f:
# fewer than three; a few breach it, as in life).
DAYS_REGISTERED = [3, 4, 5, 5]
DAYS_UNREGISTERED = [1, 2, 2, 2, 3]
MARK_CODES, MARK_WEIGHTS = ["B", "I", "N", "M", "O"], [88, 5, 3, 2, 2]
ABSENT_CODES = {"I", "N", "M", "O"}


def _copy(model, fields: list[str], rows) -> int:
    """Insert many rows fast: COPY on PostgreSQL, batched bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        names = [model._meta.get_field(f).attname for f in fields]
        objs = [model(**dict(zip(names, row, strict=True))) for row in rows]
        model.objects.bulk_create(objs, batch_size=BATCH)
        return len(objs)
    columns = [model._meta.get_field(f).column for f in fields]
    count = 0
    with connection.cursor() as cursor:
        quoted = ", ".join(f'"{c}"' for c in columns)
        sql = f"COPY {model._meta.db_table} ({quoted}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def _school(name: str, urn: int, partnership) -> School:
    return School(name=name, urn=str(urn), partnership=partnership, la_code="931")


def _logins(*, school, partnership, provider, suffix: str) -> dict:
    logins = {}
    for role, where in [
        (Role.SCHOOL_COORDINATOR, {"school": school}),
        (Role.PARTNERSHIP_COORDINATOR, {"partnership": partnership}),
        (Role.DSL, {"school": school}),
        (Role.HEAD, {"school": school}),
        (Role.PROVIDER_STAFF, {"provider": provider}),
        (Role.SUPERUSER, {}),
    ]:
        user = User.objects.create_user(
            email=f"{role}{suffix}@bench.example", password="bench-password", full_name=f"Bench {role}"
        )
        Membership.objects.create(user=user, role=role, **where)
        logins[role] = user
    return logins


def generate(scale: Scale, *, today: date, seed: int = 1) -> dict:
    """Fill an empty database; returns counts and logins per role for the big partnership
    (`logins`) and for the small one (`small_logins`)."""
    rng = random.Random(seed)
    now = timezone.now()
    seed_calendar(today)
    partnerships = Partnership.objects.bulk_create(
        Partnership(name=f"Bench partnership {i}") for i in range(scale.partnerships)
    )
    schools = School.objects.bulk_create(
        _school(f"Bench school {p.pk}-{j}", 300000 + i, p)
        for i, (p, j) in enumerate((p, j) for p in partnerships for j in range(scale.schools_per_partnership))
    )
    providers = Provider.objects.bulk_create(
        Provider(
            name=f"Bench setting {i}",
            registration_status="registered" if i % 2 == 0 else "unregistered",
            provider_type="vocational",
            contact_email=f"setting{i}@bench.example",
        )
        for i in range(scale.providers)
    )
    small_partnership = Partnership.objects.create(name="Bench small partnership")
    small_school = School.objects.create(
        name="Bench small school", urn="399999", partnership=small_partnership, la_code="931"
    )
    small_provider = Provider.objects.create(
        name="Bench small setting",
        registration_status="registered",
        provider_type="vocational",
        contact_email="small@bench.example",
    )

    pupils, provider_of = [], {}
    for school_index, school in enumerate([*schools, small_school]):
        count = scale.pupils_per_school if school is not small_school else 2
        for n in range(count):
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
    start = today - timedelta(days=PLACEMENTS_BEGAN_DAYS_AGO)
    placement_rows = []
    for pupil in pupils:
        if pupil.school_id == small_school.pk:
            placement_rows.append((pupil, small_provider))
            continue
        first = rng.choice(providers)
        placement_rows.append((pupil, first))
        if rng.random() < 0.2:
            # A second setting on other days (a pupil cannot be in two places at once).
            placement_rows.append((pupil, rng.choice([p for p in providers[:50] if p.pk != first.pk])))
    placements = Placement.objects.bulk_create(
        (
            Placement(pupil=pupil, provider=provider, start_date=start, reason="Benchmark placement")
            for pupil, provider in placement_rows
        ),
        batch_size=BATCH,
    )
    provider_of = {p.pk: p for p in [*providers, small_provider]}
    slots, days_taken = [], {}
    for placement in placements:
        registered = provider_of[placement.provider_id].registration_status == "registered"
        free = [d for d in range(5) if d not in days_taken.setdefault(placement.pupil_id, set())]
        wanted = rng.choice(DAYS_REGISTERED if registered else DAYS_UNREGISTERED)
        slot_start, slot_end = rng.choice(SLOT_TIMES)
        for weekday in sorted(rng.sample(free, min(wanted, len(free)))):
            days_taken[placement.pupil_id].add(weekday)
            slots.append(TimetableSlot(placement=placement, weekday=weekday, start=slot_start, end=slot_end))
    TimetableSlot.objects.bulk_create(slots, batch_size=BATCH)

    all_schools = [*schools, small_school]
    days_by_school = school_days_by_school(all_schools, start, today - timedelta(days=1))
    by_placement = {}
    for slot in slots:
        by_placement.setdefault(slot.placement_id, []).append(slot)
    school_of = {p.pk: p.school_id for p in pupils}

    def marks():
        for placement in placements:
            days = days_by_school[school_of[placement.pupil_id]]
            if scale.attendance_days is not None:
                days = days[-scale.attendance_days :]
            for slot in by_placement.get(placement.pk, []):
                sessions = core_rules.slot_sessions(slot.start, slot.end)
                for day in days:
                    if slot.weekday != day.weekday():
                        continue
                    for session in sessions:
                        if rng.random() < 0.01:
                            continue  # a missing register, as in life
                        code = rng.choices(MARK_CODES, weights=MARK_WEIGHTS)[0]
                        yield (placement.pk, day, session, code, 0, "", "", "provider_link", now, now)

    mark_fields = [
        "placement",
        "date",
        "session",
        "code",
        "minutes_late",
        "absence_reason",
        "note",
        "source",
        "recorded_at",
        "first_recorded_at",
    ]
    mark_count = _copy(AttendanceMark, mark_fields, marks())

    # Follow-ups for a few per cent of the absences (most older ones; the rest stay flagged).
    absences = list(
        AttendanceMark.objects.filter(code__in=ABSENT_CODES).order_by("pk").values_list("pk", "date")
    )
    chosen = [(pk, day) for pk, day in absences if rng.random() < 0.05]
    follow_ups = _copy(
        FollowUp,
        ["attendance", "contacted", "contacted_at", "outcome", "note", "created_at"],
        (
            (
                pk,
                "Parent by phone",
                timezone.make_aware(datetime.combine(day, time(10, 15))),
                "safe_and_well",
                "",
                now,
            )
            for pk, day in chosen
        ),
    )

    visits = [
        Visit(placement=placement, date=today - timedelta(days=rng.randint(1, 60)), pupil_seen=True)
        for placement in placements
        if rng.random() < 0.8
    ]
    Visit.objects.bulk_create(visits, batch_size=BATCH)
    plans = LearningPlan.objects.bulk_create(
        (
            LearningPlan(
                pupil=pupil,
                needs_summary="Benchmark needs",
                rationale="Benchmark rationale",
                goal="reintegration",
                goal_target_date=today + timedelta(days=200),
            )
            for pupil in pupils
            if rng.random() < 0.9
        ),
        batch_size=BATCH,
    )
    reviews = Review.objects.bulk_create(
        (
            Review(
                plan=plan,
                date=(day := today - timedelta(days=rng.randint(1, 60))),
                decisions="Carry on",
                next_review_on=day + timedelta(days=42),
            )
            for plan in plans
            if rng.random() < 0.8
        ),
        batch_size=BATCH,
    )
    staff = User.objects.create_user(email="generator@bench.example", password="bench-password")
    RiskAssessment.objects.bulk_create(
        (
            RiskAssessment(
                placement=placement,
                journey="Bus",
                at_setting="Workshop",
                approved_by=staff,
                approved_at=now,
                review_date=today + timedelta(days=90),
                created_by=staff,
            )
            for placement in placements
            if rng.random() < 0.9
        ),
        batch_size=BATCH,
    )
    Induction.objects.bulk_create(
        (
            Induction(
                placement=placement,
                date=start,
                told_who_dsl_is=True,
                told_what_to_do_if_unsafe=True,
                provider_dsl_name="Setting DSL",
                recorded_by=staff,
            )
            for placement in placements
            if rng.random() < 0.9
        ),
        batch_size=BATCH,
    )
    statuses = [Concern.Status.NEW, Concern.Status.ACKNOWLEDGED, Concern.Status.CLOSED]
    concerns = Concern.objects.bulk_create(
        (
            Concern(
                pupil=pupil,
                category="other",
                description="Benchmark concern",
                occurred_at=now - timedelta(days=2),
                urgency=rng.choice(["urgent", "routine"]),
                status=(status := rng.choices(statuses, weights=[1, 3, 6])[0]),
                raised_by=staff,
                raised_at=now - timedelta(days=rng.randint(1, 30)),
                acknowledged_at=now if status != Concern.Status.NEW else None,
                acknowledged_by=staff if status != Concern.Status.NEW else None,
                closed_at=now if status == Concern.Status.CLOSED else None,
                outcome="No further action: reasons recorded" if status == Concern.Status.CLOSED else "",
            )
            for pupil in pupils
            if rng.random() < 0.1
        ),
        batch_size=BATCH,
    )
    # The small partnership has an open concern too, so a DSL's inbox does the same work in both
    # (the page records one "list viewed" event when it lists any concern).
    small_pupil = next(pupil for pupil in pupils if pupil.school_id == small_school.pk)
    concerns.append(
        Concern.objects.create(
            pupil=small_pupil,
            category="other",
            description="Benchmark concern",
            occurred_at=now - timedelta(days=2),
            urgency="routine",
            status=Concern.Status.ACKNOWLEDGED,
            raised_by=staff,
            raised_at=now - timedelta(days=3),
            acknowledged_at=now,
            acknowledged_by=staff,
        )
    )
    audits = ProviderAudit.objects.bulk_create(
        (
            ProviderAudit(
                provider=provider,
                audited_on=today - timedelta(days=rng.randint(10, 420)),
                auditor="Directory",
                insurance_expires_on=today + timedelta(days=rng.randint(-20, 300)),
                outcome="satisfactory",
            )
            for provider in [*providers, small_provider]
            if rng.random() < 0.9
        ),
        batch_size=BATCH,
    )

    # The big provider staff log in at the setting with most placements from the first school.
    first_school_providers = [p.provider_id for p in placements if school_of[p.pupil_id] == schools[0].pk]
    busiest = max(set(first_school_providers), key=first_school_providers.count)
    logins = _logins(school=schools[0], partnership=partnerships[0], provider=provider_of[busiest], suffix="")
    small_logins = _logins(
        school=small_school, partnership=small_partnership, provider=small_provider, suffix="-small"
    )
    register_import = _register_import(scale, today=today, start=start)
    return {
        "register_import": register_import,
        "counts": {
            "partnerships": len(partnerships) + 1,
            "schools": len(all_schools),
            "providers": len(providers) + 1,
            "pupils": len(pupils),
            "placements": len(placements),
            "timetable_slots": len(slots),
            "attendance_marks": mark_count,
            "follow_ups": follow_ups,
            "visits": len(visits),
            "learning_plans": len(plans),
            "reviews": len(reviews),
            "concerns": len(concerns),
            "provider_audits": len(audits),
        },
        "logins": logins,
        "small_logins": small_logins,
        "schools": schools,
        "partnerships": partnerships,
        "providers": providers,
    }


def _register_import(scale: Scale, *, today: date, start: date) -> dict:
    """A setting of its own, whose pupils (whole days, every weekday) have no marks yet, and the
    register file of `scale.import_rows` rows a school co-ordinator imports for it."""
    partnership = Partnership.objects.create(name="Bench import partnership")
    school = School.objects.create(
        name="Bench import school", urn="399998", partnership=partnership, la_code="931"
    )
    provider = Provider.objects.create(
        name="Bench import setting",
        registration_status="registered",
        provider_type="vocational",
        contact_email="import@bench.example",
    )
    days = school_days_by_school([school], start, today - timedelta(days=1))[school.pk]
    needed = -(-scale.import_rows // (2 * len(days)))
    pupils = Pupil.objects.bulk_create(
        Pupil(
            upn=core_rules.upn_for(la_code="931", establishment="9998", year=n // 1000, serial=n % 1000),
            first_name=f"Imported{n}",
            last_name="Register",
            date_of_birth=date(today.year - 15, 1 + n % 12, 1 + n % 28),
            year_group=10,
            school=school,
        )
        for n in range(needed)
    )
    placements = Placement.objects.bulk_create(
        Placement(pupil=pupil, provider=provider, start_date=start, reason="Benchmark import")
        for pupil in pupils
    )
    TimetableSlot.objects.bulk_create(
        TimetableSlot(placement=placement, weekday=weekday, start=time(9), end=time(15))
        for placement in placements
        for weekday in range(5)
    )
    user = User.objects.create_user(email="importer@bench.example", password="bench-password")
    Membership.objects.create(user=user, role=Role.SCHOOL_COORDINATOR, school=school)
    return {
        "user": user,
        "provider": provider,
        "csv": register_file(pupils, days, rows=scale.import_rows),
        "placement_ids": [p.pk for p in placements],
    }


def register_file(pupils, days, *, rows: int) -> str:
    """A provider's register as CSV: `rows` sessions of the pupils on the days, mostly attended."""
    statuses = ["attended,,,"] * 8 + ["late,12,,"] + ["absent,,ill,"]
    lines = ["upn,date,session,status,minutes_late,reason,note"]
    for pupil in pupils:
        for day in days:
            for session in ("AM", "PM"):
                if len(lines) > rows:
                    break
                lines.append(f"{pupil.upn},{day:%d/%m/%Y},{session},{statuses[len(lines) % len(statuses)]}")
    return "\n".join(lines) + "\n"


def existing_world(scale: Scale, *, today: date) -> dict:
    """The logins, schools and register file of a database `generate` filled earlier (kept with
    --keep), so a run can measure it again without generating it."""
    models = {
        "partnerships": Partnership,
        "schools": School,
        "providers": Provider,
        "pupils": Pupil,
        "placements": Placement,
        "timetable_slots": TimetableSlot,
        "attendance_marks": AttendanceMark,
        "follow_ups": FollowUp,
        "visits": Visit,
        "learning_plans": LearningPlan,
        "reviews": Review,
        "concerns": Concern,
        "provider_audits": ProviderAudit,
    }
    roles = [Role.SCHOOL_COORDINATOR, Role.PARTNERSHIP_COORDINATOR, Role.DSL, Role.HEAD]
    roles += [Role.PROVIDER_STAFF, Role.SUPERUSER]
    provider = Provider.objects.get(name="Bench import setting")
    placements = list(
        Placement.objects.filter(provider=provider).select_related("pupil__school").order_by("pk")
    )
    school = placements[0].pupil.school
    start = today - timedelta(days=PLACEMENTS_BEGAN_DAYS_AGO)
    days = school_days_by_school([school], start, today - timedelta(days=1))[school.pk]
    return {
        "counts": {name: model.objects.count() for name, model in models.items()},
        "logins": {role: User.objects.get(email=f"{role}@bench.example") for role in roles},
        "small_logins": {role: User.objects.get(email=f"{role}-small@bench.example") for role in roles},
        "schools": list(School.objects.filter(name__startswith="Bench school ").order_by("pk")),
        "register_import": {
            "user": User.objects.get(email="importer@bench.example"),
            "provider": provider,
            "csv": register_file([p.pupil for p in placements], days, rows=scale.import_rows),
            "placement_ids": [p.pk for p in placements],
        },
    }
