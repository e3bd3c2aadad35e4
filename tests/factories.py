"""factory-boy factories for every model the tests build."""

from datetime import date, time, timedelta

import factory
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from apdash.models import AcademicYear, Closure, HalfTerm, Membership, Partnership, Role, School, User
from placements.core import rules as core_rules
from placements.models import AttendanceMark, Flag, FollowUp, Placement, Pupil, TimetableSlot, Visit
from providers.models import Provider, ProviderAudit, QAVisit

PASSWORD = "correct-horse-battery"
# Plain names (no apostrophes to be HTML-escaped), unique through the sequence number, so a test
# can look for a pupil's name in a page.
FIRST_NAMES = ["Amelia", "Bailey", "Callum", "Daisy", "Ellis", "Freya", "Harvey", "Isla", "Kai", "Leah"]
LAST_NAMES = ["Ashworth", "Brennan", "Carver", "Dunmore", "Everett", "Fenwick", "Garside", "Holloway"]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@school.example")
    full_name = factory.Sequence(lambda n: f"{FIRST_NAMES[n % len(FIRST_NAMES)]} Staff{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Partnership {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"School {n}")
    urn = factory.Sequence(lambda n: f"{100000 + n}")
    partnership = factory.SubFactory(PartnershipFactory)
    la_code = "931"
    dsl_email = factory.Sequence(lambda n: f"dsl{n}@school.example")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.SCHOOL_COORDINATOR
    school = factory.SubFactory(SchoolFactory)


def member(role, *, school=None, partnership=None, provider=None, **user_fields):
    """A user holding one role at one organisation."""
    user = UserFactory(**user_fields)
    Membership.objects.create(user=user, role=role, school=school, partnership=partnership, provider=provider)
    return user


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Provider {n}")
    provider_type = Provider.ProviderType.VOCATIONAL
    registration_status = Provider.RegistrationStatus.UNREGISTERED
    contact_email = factory.Sequence(lambda n: f"office{n}@provider.example")


class ProviderAuditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderAudit

    provider = factory.SubFactory(ProviderFactory)
    audited_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    insurance_expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=300))
    # A satisfactory audit: the checks an audit must show to be current (G §3b).
    single_central_record_checked = True
    dsl_confirmed = True
    safeguarding_checks_confirmed_in_writing = True
    health_and_safety_checked = True
    registration_law_understood = True


class QAVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QAVisit

    provider = factory.SubFactory(ProviderFactory)
    visited_on = factory.LazyFunction(timezone.localdate)
    visitor = "Quality lead"
    judgement = QAVisit.Judgement.SECURE


class PupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pupil

    upn = factory.Sequence(
        lambda n: core_rules.upn_for(la_code="931", establishment="4000", year=11, serial=n % 1000)
        if n < 1000
        else core_rules.upn_for(la_code="801", establishment=f"{n // 1000:04d}", year=11, serial=n % 1000)
    )
    first_name = factory.Sequence(lambda n: FIRST_NAMES[n % len(FIRST_NAMES)])
    last_name = factory.Sequence(lambda n: f"{LAST_NAMES[n % len(LAST_NAMES)]}{n}")
    date_of_birth = date(2011, 5, 17)
    year_group = 10
    school = factory.SubFactory(SchoolFactory)


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    pupil = factory.SubFactory(PupilFactory)
    provider = factory.SubFactory(ProviderFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=60))
    reason = "Vocational course to re-engage with learning"


class TimetableSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimetableSlot

    placement = factory.SubFactory(PlacementFactory)
    weekday = 0
    start = time(9, 0)
    end = time(15, 0)


def placement_with_timetable(*, days=(0, 1), start=time(9, 0), end=time(15, 0), **kwargs):
    placement = PlacementFactory(**kwargs)
    for day in days:
        TimetableSlotFactory(placement=placement, weekday=day, start=start, end=end)
    return placement


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    placement = factory.SubFactory(PlacementFactory)
    date = factory.LazyFunction(timezone.localdate)
    visitor_name = "AP coordinator"
    pupil_seen = True


class AttendanceMarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttendanceMark

    placement = factory.SubFactory(PlacementFactory)
    date = factory.LazyFunction(timezone.localdate)
    session = "AM"
    code = "B"


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    attendance = factory.SubFactory(AttendanceMarkFactory, code="N")
    contacted = "Parent by phone"
    contacted_at = factory.LazyFunction(timezone.now)
    outcome = FollowUp.Outcome.SAFE_AND_WELL


class FlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Flag

    kind = Flag.Kind.VISIT_DUE
    severity = Flag.Severity.AMBER
    message = "A visit is due"
    key = factory.Sequence(lambda n: f"test:{n}")


class AcademicYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AcademicYear
        django_get_or_create = ("label",)

    label = "2026/27"
    start_date = date(2026, 9, 1)
    end_date = date(2027, 8, 31)


class HalfTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HalfTerm

    academic_year = factory.SubFactory(AcademicYearFactory)
    name = HalfTerm.Name.AUTUMN_2
    start_date = date(2026, 11, 2)
    end_date = date(2026, 12, 18)


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    date = date(2026, 11, 23)
    reason = "INSET day"


def seed_calendar(start_year: int = 2026):
    """England's usual half terms for one academic year (the demo's own seeding function)."""
    from apdash.demo import seed_calendar as demo_seed_calendar

    return demo_seed_calendar(date(start_year, 10, 1))


class ConcernFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "safeguarding.Concern"

    pupil = factory.SubFactory(PupilFactory)
    category = "neglect"
    description = "Said they had not eaten since yesterday lunchtime."
    occurred_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
    urgency = "routine"
    raised_by = factory.SubFactory(UserFactory)
    raised_at = factory.LazyFunction(timezone.now)


class ConcernEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "safeguarding.ConcernEntry"

    concern = factory.SubFactory(ConcernFactory)
    author = factory.SubFactory(UserFactory)
    kind = "note"
    text = "Spoke to the pupil's parent by phone."


class RiskAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "safeguarding.RiskAssessment"

    placement = factory.SubFactory(PlacementFactory)
    journey = "Taxi arranged by the school, door to door."
    at_setting = "Workshop with supervised machinery."
    hazards = "Power tools; busy yard."
    controls = "Induction on tools; staff ratio 1:4."
    review_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=90))
    created_by = factory.SubFactory(UserFactory)
    approved_by = factory.SelfAttribute("created_by")
    approved_at = factory.LazyFunction(timezone.now)


class InductionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "safeguarding.Induction"

    placement = factory.SubFactory(PlacementFactory)
    date = factory.LazyAttribute(lambda o: o.placement.start_date)
    told_who_dsl_is = True
    told_what_to_do_if_unsafe = True
    provider_dsl_name = "Dee Marsh"
    recorded_by = factory.SubFactory(UserFactory)


class LearningPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "placements.LearningPlan"

    pupil = factory.SubFactory(PupilFactory)
    needs_summary = "Anxiety in large groups; reading age two years below."
    rationale = "Small practical groups at the setting keep the pupil in education while anxiety is treated."
    goal = Placement.Goal.REINTEGRATION
    goal_target_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=200))


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "placements.Milestone"

    plan = factory.SubFactory(LearningPlanFactory)
    description = factory.Sequence(lambda n: f"Milestone {n}")
    measure = "Attendance at the setting of 90% or more over a half term"
    target_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "placements.Review"

    plan = factory.SubFactory(LearningPlanFactory)
    date = factory.LazyFunction(timezone.localdate)
    attended_school = True
    attended_provider = True
    decisions = "Continue the placement; next review in six weeks."
    next_review_on = factory.LazyAttribute(lambda o: o.date + timedelta(days=42))


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "placements.Qualification"

    pupil = factory.SubFactory(PupilFactory)
    area = "english"
    subject = "Functional Skills English"
    level = "Level 1"
    awarding_body = "City & Guilds"


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "placements.Outcome"

    pupil = factory.SubFactory(PupilFactory)
    recorded_on = factory.LazyFunction(timezone.localdate)
    destination = "fe"
    destination_name = "Wendlowshire College"


def sign_in_with_two_factor(client, user):
    """Signed in, and past the one-time-code step as if the user had just given a code."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def recent_weekday(offset: int = 0) -> date:
    """The latest Monday-to-Friday on or before today, then `offset` weekdays further back: marks
    on a Saturday or Sunday are refused, so date-relative tests count back in weekdays."""
    day = timezone.localdate()
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    for _ in range(offset):
        day -= timedelta(days=1)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
    return day
