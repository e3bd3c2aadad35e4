"""Demo learning plans: a plan with milestones for most pupils in AP, reviews in each half term
for most key stage 4 pupils, and outcomes for the placements that have ended."""

from __future__ import annotations

import random
from datetime import timedelta

from apdash.demo import DemoWorld
from apdash.selectors import academic_year_for, half_terms_for
from placements.core.models import Placement, Pupil
from placements.plans import rules as plans_rules
from placements.plans.models import LearningPlan, MilestoneStatus
from placements.plans.services import (
    learning_plan_save,
    milestone_save,
    outcome_record,
    qualification_save,
    review_record,
)

MILESTONES = [
    ("Attend 90% of sessions at the setting", "Attendance at the setting over a half term"),
    ("Complete the Level 1 maths unit", "Unit signed off by the provider's tutor"),
    ("Return to two school lessons a week", "Attends both lessons for four weeks running"),
    ("Build a CV and apply to college", "College application submitted"),
    ("Manage anxiety with the agreed plan", "Uses the time-out card; no sent-home days for a half term"),
]


DECISIONS = [
    "Continue the placement as agreed; provider to send weekly progress notes.",
    "Add a reading target; school SENCo to share strategies with the provider.",
    "Increase time in school by one lesson from next half term.",
]


PUPIL_VIEWS = [
    "Likes the practical work and the staff; wants to go to college.",
    "Finds mornings hard but feels safer in the small group.",
    "Wants to get back to school for science lessons.",
]


def seed_plans(world: DemoWorld) -> None:
    today = world.today
    year = academic_year_for(today)
    if year is None:
        return
    active = Placement.objects.filter(start_date__lte=today, end_date__isnull=True)
    pupils = (
        Pupil.objects.filter(placements__in=active)
        .distinct()
        .select_related("school")
        .prefetch_related("placements__provider")
        .order_by("upn")
    )
    terms_by_partnership = {}
    for n, pupil in enumerate(pupils):
        if LearningPlan.objects.filter(pupil=pupil).exists():
            continue
        rng = random.Random(f"{world.seed}:plan:{pupil.upn}")
        partnership_id = pupil.school.partnership_id
        if partnership_id not in terms_by_partnership:
            terms_by_partnership[partnership_id] = half_terms_for(
                partnership_id=partnership_id, start=year.start_date, end=today
            )
        _seed_pupil(world, pupil, rng, terms_by_partnership[partnership_id], overdue=n % 12 == 5)
    _seed_outcomes(world)


def _seed_pupil(world, pupil, rng, terms, *, overdue):
    today = world.today
    placements = list(pupil.placements.all())
    first_start = min(p.start_date for p in placements)
    goal = (
        "post_16" if pupil.year_group >= 11 else rng.choice(["reintegration", "reintegration", "specialist"])
    )
    actor = world.users.get("school_coordinator")
    plan = learning_plan_save(
        actor=actor,
        pupil=pupil,
        needs_summary=pupil.needs_summary or "Low confidence in class; gaps in literacy after long absence.",
        rationale="Agreed at the inclusion panel with the family: a smaller practical setting keeps "
        "the pupil in education while the school keeps the core curriculum and reviews the plan "
        "each half term.",
        goal=goal,
        goal_target_date=today + timedelta(days=rng.randint(120, 300)),
    )
    chosen = rng.sample(MILESTONES, 3)
    milestones = [
        milestone_save(
            actor=actor,
            plan=plan,
            description=description,
            measure=measure,
            target_date=first_start + timedelta(days=40 + 50 * i),
        )
        for i, (description, measure) in enumerate(chosen)
    ]
    # A review near the end of each half term the placement ran in; an overdue pupil misses the last.
    ended = [t for t in terms if t.end_date < today and t.end_date >= first_start]
    if overdue and ended:
        ended = ended[:-1]
    for term in ended:
        day = max(term.end_date - timedelta(days=rng.randint(5, 12)), term.start_date, first_start)
        progress = {}
        for milestone in milestones:
            if milestone.status == MilestoneStatus.MET:
                continue
            if milestone.target_date <= day:
                status = rng.choices([MilestoneStatus.MET, MilestoneStatus.MISSED], weights=[75, 25])[0]
            else:
                status = rng.choice(
                    [MilestoneStatus.ON_TRACK, MilestoneStatus.ON_TRACK, MilestoneStatus.AT_RISK]
                )
            progress[milestone.id] = (status, "")
        review_record(
            actor=actor,
            plan=plan,
            progress=progress,
            date=day,
            attended_school=True,
            attended_provider=True,
            attended_parent=rng.random() < 0.7,
            attended_pupil=rng.random() < 0.8,
            attended_partnership=rng.random() < 0.2,
            attendance_summary="See the registers: attendance improving since the start of the placement.",
            behaviour_summary="Settled at the setting; one incident followed up with the provider.",
            pupil_view=rng.choice(PUPIL_VIEWS),
            decisions=rng.choice(DECISIONS),
            next_review_on=day + timedelta(days=42),
        )
        for milestone in milestones:
            milestone.refresh_from_db(fields=["status", "met_on"])
    _seed_qualifications(pupil, rng, placements)


def _seed_qualifications(pupil, rng, placements):
    provider = placements[0].provider
    if pupil.year_group in plans_rules.KEY_STAGE_4 and rng.random() < 0.85:
        qualification_save(
            pupil=pupil,
            area="english",
            subject="Functional Skills English",
            level="Level 1",
            awarding_body="City & Guilds",
            provider=provider if provider.is_registered else None,
        )
    if pupil.year_group in plans_rules.KEY_STAGE_4 and rng.random() < 0.8:
        qualification_save(
            pupil=pupil,
            area="maths",
            subject="GCSE Mathematics",
            level="GCSE",
            awarding_body="AQA",
            entered=pupil.year_group == 11,
        )
    if not provider.is_registered:
        qualification_save(
            pupil=pupil,
            area="other",
            subject="Vocational Studies",
            level="Entry 3",
            awarding_body="NCFE",
            provider=provider,
        )


def _seed_outcomes(world: DemoWorld) -> None:
    """An outcome for each ended placement: most back in school and still there."""
    ended = Placement.objects.filter(end_date__isnull=False, outcomes__isnull=True).select_related("pupil")
    for placement in ended.order_by("pk"):
        rng = random.Random(f"{world.seed}:outcome:{placement.pk}")
        if placement.pupil.year_group >= 11 and rng.random() < 0.5:
            destination = rng.choice(["fe", "fe", "apprenticeship", "employment_training", "neet"])
            outcome_record(
                pupil=placement.pupil,
                placement=placement,
                recorded_on=placement.end_date,
                destination=destination,
                destination_name="Wendlowshire College" if destination == "fe" else "",
                sustained=None if destination == "neet" else rng.random() < 0.85,
            )
        else:
            outcome_record(
                pupil=placement.pupil,
                placement=placement,
                recorded_on=placement.end_date,
                reintegrated_on=placement.end_date + timedelta(days=1),
                sustained=rng.random() < 0.8,
            )
