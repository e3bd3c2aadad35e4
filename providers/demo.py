"""Demo providers: registered AP schools and colleges, and unregistered vocational and
mentoring settings, with a provider-staff login for one of them."""

from __future__ import annotations

from datetime import timedelta

from apdash.demo import DemoWorld, _user
from apdash.models import Membership, Role

from .models import Provider, QAVisit
from .services import provider_audit_record, qa_visit_record

PROVIDERS = [
    # (name, type, registered?)
    ("Wendlow Valley Pupil Referral Unit", Provider.ProviderType.PRU, True),
    ("Harrowmere AP Academy", Provider.ProviderType.AP_ACADEMY, True),
    ("Kestrel House Independent School", Provider.ProviderType.INDEPENDENT_SCHOOL, True),
    ("Wendlowshire College of Further Education", Provider.ProviderType.FE_COLLEGE, True),
    ("Bramblegate Learning Centre", Provider.ProviderType.INDEPENDENT_SCHOOL, True),
    ("Northfield Tuition Centre", Provider.ProviderType.INDEPENDENT_SCHOOL, True),
    ("Riverside Futures Academy", Provider.ProviderType.AP_ACADEMY, True),
    ("Compass Point School", Provider.ProviderType.INDEPENDENT_SCHOOL, True),
    ("Harrowmere Sixth Form and Skills College", Provider.ProviderType.FE_COLLEGE, True),
    ("The Beacon Hospital School", Provider.ProviderType.PRU, True),
    ("Style My Ride Motor Vehicle Project", Provider.ProviderType.VOCATIONAL, False),
    ("Greenhands Land-Based Skills", Provider.ProviderType.VOCATIONAL, False),
    ("Forge Ahead Construction Skills", Provider.ProviderType.VOCATIONAL, False),
    ("Second Chance Boxing Academy", Provider.ProviderType.MENTORING, False),
    ("Open Door Mentoring", Provider.ProviderType.MENTORING, False),
    ("Hair and Beauty Works", Provider.ProviderType.VOCATIONAL, False),
    ("Wild Skills Forest School", Provider.ProviderType.VOCATIONAL, False),
    ("Stepping Stones Tuition", Provider.ProviderType.TUITION, False),
    ("Kitchen Table Catering Academy", Provider.ProviderType.VOCATIONAL, False),
    ("Wheels in Motion Cycle Workshop", Provider.ProviderType.VOCATIONAL, False),
    ("Bright Sparks Electrical Taster", Provider.ProviderType.VOCATIONAL, False),
    ("Young Carers Connect", Provider.ProviderType.MENTORING, False),
    ("Harbourside Sailing Trust", Provider.ProviderType.VOCATIONAL, False),
    ("Equine Therapy Farm", Provider.ProviderType.OTHER, False),
    ("Digital Makers Studio", Provider.ProviderType.VOCATIONAL, False),
    ("Wendlow Town FC Community Trust", Provider.ProviderType.MENTORING, False),
    ("Canal Side Horticulture", Provider.ProviderType.VOCATIONAL, False),
    ("One2One Online Tutors", Provider.ProviderType.TUITION, False),
    ("Apprentice Garage Ltd", Provider.ProviderType.WORK_BASED, False),
    ("Pathways Youth Project", Provider.ProviderType.MENTORING, False),
]

STREETS = ["Mill Lane", "Station Road", "Canal Street", "Quarry Way", "Market Place", "Church Walk"]
TOWNS = ["Wendlow", "Harrowmere", "Kingsford", "Castlebrook", "Oakridge"]
GRADES = ["outstanding", "good", "good", "requires_improvement"]


def seed_providers(world: DemoWorld) -> None:
    rng = world.rng
    for i, (name, kind, registered) in enumerate(PROVIDERS):
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:20]
        town = TOWNS[i % len(TOWNS)]
        provider, _ = Provider.objects.get_or_create(
            name=name,
            defaults={
                "provider_type": kind,
                "registration_status": "registered" if registered else "unregistered",
                "urn": f"{150000 + i * 37}"
                if registered and kind != Provider.ProviderType.FE_COLLEGE
                else "",
                "ukprn": f"1000{4000 + i * 11}" if kind == Provider.ProviderType.FE_COLLEGE else "",
                "address": f"{rng.randint(1, 120)} {rng.choice(STREETS)}\n{town}\nWendlowshire",
                "postcode": f"WN{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEF')}Q",
                "contact_name": rng.choice(
                    ["Lee Carter", "Dana Fox", "Ravi Patel", "Kim Osei", "Chris Hale"]
                ),
                "contact_email": f"office@{slug}.example",
                "contact_phone": f"01632 {rng.randint(100000, 999999)}",
                "dsl_name": rng.choice(["Ann Booth", "Yusuf Khan", "Beth Lowe", "Mark Ng", "Sian Rees"]),
                "dsl_email": f"dsl@{slug}.example",
                "ofsted_grade": rng.choice(GRADES) if registered else "",
                "ofsted_inspected_on": world.today.replace(year=world.today.year - rng.randint(1, 4))
                if registered
                else None,
                "directory_registered": True,
                "registration_checked_on": world.today.replace(year=world.today.year - 1),
                "registration_check_notes": (
                    "Registration confirmed on Get Information about Schools; latest Ofsted report read."
                    if registered
                    else "Unregistered: checked the offer is part-time only (under 18 hours, fewer than "
                    "3 days) and the school keeps main responsibility for each pupil."
                ),
            },
        )
        world.providers.append(provider)
    staff_provider = next(p for p in world.providers if p.name.startswith("Style My Ride"))
    staff = _user("staff@stylemyride.example", "Lee Carter")
    Membership.objects.get_or_create(user=staff, role=Role.PROVIDER_STAFF, provider=staff_provider)
    world.users[Role.PROVIDER_STAFF] = staff
    world.logins.append((Role.PROVIDER_STAFF.label, staff.email, staff_provider.name))


def seed_audits(world: DemoWorld) -> None:
    """An annual directory audit for each provider in use (G §3b–c): most current, and among the
    unregistered settings one audit over a year old, one whose insurance has lapsed and one never
    audited, so the audit check has something to show."""
    today = world.today
    in_use = list(Provider.objects.filter(placements__end_date__isnull=True).distinct().order_by("name"))
    unregistered = [p for p in in_use if not p.is_registered]
    lapsed = {p.id: kind for p, kind in zip(unregistered, ("old", "insurance", "never"), strict=False)}
    for provider in in_use:
        if lapsed.get(provider.id) == "never" or provider.audits.exists():
            continue
        audited_on = today - timedelta(days=world.rng.randint(20, 300))
        insurance = today + timedelta(days=world.rng.randint(60, 360))
        if lapsed.get(provider.id) == "old":
            audited_on = today - timedelta(days=400)
        elif lapsed.get(provider.id) == "insurance":
            insurance = today - timedelta(days=12)
        provider_audit_record(
            provider=provider,
            audited_on=audited_on,
            auditor="Wendlowshire AP Directory",
            single_central_record_checked=True,
            dsl_confirmed=True,
            insurance_expires_on=insurance,
            health_and_safety_checked=True,
            registration_law_understood=True,
            safeguarding_checks_confirmed_in_writing=True,
            next_due_on=audited_on + timedelta(days=365),
        )


QA_STRENGTHS = [
    "Calm, well-organised workshop; staff know each pupil well.",
    "Clear induction; pupils could say who the DSL is and what to do if they feel unsafe.",
    "Session-by-session registers sent to schools by 10am.",
]
QA_ACTIONS = [
    "Share written schemes of work for the vocational units.",
    "Record absence calls with the time the school was told.",
    "Confirm in writing the DBS checks on the two new sessional staff.",
]


def seed_qa_visits(world: DemoWorld) -> None:
    """QA visits on the partnership's framework (G §3e) to the providers in use: most shared with
    every school of the first partnership, one kept by a single school."""
    if QAVisit.objects.exists():
        return
    partnership = world.partnerships[0]
    school = next(s for s in world.schools if s.partnership_id == partnership.id)
    in_use = list(Provider.objects.filter(placements__end_date__isnull=True).distinct().order_by("name"))
    rng = world.rng
    for i, provider in enumerate(in_use[:8]):
        scores = [rng.choice([2, 3, 3, 4]) for _ in range(6)]
        judgement = {4: "strong", 3: "secure", 2: "developing"}[round(sum(scores) / 6)]
        qa_visit_record(
            provider=provider,
            partnership=None if i == 7 else partnership,
            school=school,
            visited_on=world.today - timedelta(days=rng.randint(10, 70)),
            visitor="Partnership quality lead",
            safeguarding_score=scores[0],
            curriculum_score=scores[1],
            teaching_score=scores[2],
            attendance_behaviour_score=scores[3],
            personal_development_score=scores[4],
            leadership_score=scores[5],
            strengths=rng.choice(QA_STRENGTHS),
            actions=rng.choice(QA_ACTIONS),
            judgement=judgement,
        )
