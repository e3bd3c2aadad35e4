"""Demo safeguarding records: risk assessments and inductions for most placements (the rest are
what the checks catch), a few concerns at Wendlow Academy (one not yet acknowledged), and an
authenticator key for the demo DSL and head so their two-factor sign-in can be tried."""

from __future__ import annotations

import base64
from datetime import timedelta

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from apdash.demo import DemoWorld
from apdash.models import Role
from placements.models import Placement

from . import services
from .models import Concern, ConcernEntry, Induction, RiskAssessment

# Fixed keys so the demo's printed logins stay valid from one seeding to the next.
DEMO_TOTP_KEYS = {
    Role.DSL: "6170646173682d64656d6f2d64736c2d6b657921",
    Role.HEAD: "6170646173682d64656d6f2d686561642d6b6579",
}


def demo_totp_secret(role) -> str:
    """The base32 key to type into an authenticator app."""
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEYS[role])).decode()


def _seed_two_factor(world: DemoWorld) -> None:
    for role in (Role.DSL, Role.HEAD):
        user = world.users[role]
        TOTPDevice.objects.get_or_create(
            user=user, name="Demo authenticator", defaults={"key": DEMO_TOTP_KEYS[role], "confirmed": True}
        )
        world.logins = [
            (
                label,
                email,
                f"{where}; two-factor key {demo_totp_secret(role)}" if email == user.email else where,
            )
            for label, email, where in world.logins
        ]


def _seed_records(world: DemoWorld) -> None:
    """Risk assessments (recorded by the DSL, approved by the head) and inductions, through the
    services, as the pages record them."""
    dsl, head = world.users[Role.DSL], world.users[Role.HEAD]
    placements = list(Placement.objects.select_related("provider").order_by("pk"))
    with_assessment = {a for a in RiskAssessment.objects.values_list("placement_id", flat=True)}
    with_induction = {i for i in Induction.objects.values_list("placement_id", flat=True)}
    for n, placement in enumerate(placements):
        # Every ninth placement has no risk assessment and every eleventh no induction, so the
        # checks have something to find.
        if n % 9 != 4 and placement.pk not in with_assessment:
            assessment = services.risk_assessment_record(
                actor=dsl,
                placement=placement,
                journey="School-arranged taxi, door to door; driver DBS-checked; parent told of times.",
                at_setting=f"{placement.provider.name}: supervised sessions, signed in and out by staff.",
                hazards="Workshop tools; road crossing at the setting's gate; unfamiliar adults.",
                controls="Tool induction and supervision 1:4; staff meet the taxi; visitors signed in.",
                review_date=world.today + timedelta(days=60 + n % 40),
            )
            services.risk_assessment_approve(actor=head, assessment=assessment)
        if n % 11 != 6 and placement.pk not in with_induction and placement.start_date <= world.today:
            services.induction_record(
                actor=dsl,
                placement=placement,
                date=placement.start_date,
                told_who_dsl_is=True,
                told_what_to_do_if_unsafe=True,
                provider_dsl_name=placement.provider.dsl_name or "Centre manager",
            )


CONCERNS = [
    # (hours ago, urgency, category, what was seen or heard, entries as (kind, extra, text))
    (
        30,
        "routine",
        "neglect",
        "Arrived without a coat again and said 'there's no food in till Friday'.",
        [],
    ),
    (
        26 * 24,
        "urgent",
        "physical_abuse",
        "Bruising on the upper arm; said 'I walked into a door' then 'don't tell mum'.",
        [
            (
                "decision",
                {"decision": "not_to_refer"},
                "Spoke with the pupil and parent; consistent account of a "
                "fall at football confirmed by the coach. Threshold for referral not met; monitoring.",
            ),
            ("closure", {}, "No further concerns over four weeks of monitoring."),
        ],
    ),
    (
        9 * 24,
        "routine",
        "exploitation",
        "Seen getting into a car with older young people after sessions; new phone and trainers.",
        [
            (
                "referral",
                {"referral_to": "early_help"},
                "Early help assessment requested with parent's consent.",
            ),
            ("note", {}, "Provider asked to log who collects the pupil each day."),
        ],
    ),
]


def _seed_concerns(world: DemoWorld) -> None:
    coordinator, dsl = world.users[Role.SCHOOL_COORDINATOR], world.users[Role.DSL]
    if Concern.objects.filter(raised_by=coordinator).exists():
        return
    now = timezone.now()
    placements = list(
        Placement.objects.filter(pupil__school=world.schools[0], end_date__isnull=True)
        .select_related("pupil")
        .order_by("pk")[: len(CONCERNS)]
    )
    for placement, (hours_ago, urgency, category, seen, entries) in zip(placements, CONCERNS, strict=False):
        raised_at = now - timedelta(hours=hours_ago)
        concern = Concern.objects.create(
            pupil=placement.pupil,
            placement=placement,
            category=category,
            description=seen,
            occurred_at=raised_at - timedelta(hours=1),
            location="On arrival",
            immediate_action="Listened, did not ask leading questions, wrote it down and told the DSL.",
            urgency=urgency,
            raised_by=coordinator,
            raised_at=raised_at,
        )
        services.audit_concern_raised(actor=coordinator, concern=concern)
        if not entries:
            continue
        acknowledged_at = raised_at + timedelta(minutes=35)
        concern.status, concern.acknowledged_at, concern.acknowledged_by = (
            "acknowledged",
            acknowledged_at,
            dsl,
        )
        chronology = [("acknowledgement", {}, f"Acknowledged by {dsl}.", acknowledged_at)] + [
            (kind, extra, text, acknowledged_at + timedelta(days=step))
            for step, (kind, extra, text) in enumerate(entries, start=1)
        ]
        for kind, extra, text, at in chronology:
            entry = ConcernEntry.objects.create(
                concern=concern, author=dsl, kind=kind, text=text, created_at=at, **extra
            )
            # The history is dated in the past; the audit says when the demo wrote it.
            services.audit_concern_entry(actor=dsl, entry=entry)
            if kind == "closure":
                concern.status, concern.closed_at, concern.outcome = "closed", at, text
        concern.save()


def seed_safeguarding(world: DemoWorld) -> None:
    _seed_two_factor(world)
    _seed_records(world)
    _seed_concerns(world)
