"""Writes for learning plans, milestones, reviews, qualifications and outcomes (G §1b, §4f–g).
Views, admin and the demo call these."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from apdash.checks import Scope, recheck
from apdash.services import audit_write, model_update
from placements.plans.models import (
    LearningPlan,
    Milestone,
    MilestoneProgress,
    MilestoneStatus,
    Outcome,
    Qualification,
    Review,
)


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def learning_plan_save(*, actor=None, pupil, plan: LearningPlan | None = None, **fields) -> LearningPlan:
    """Create the pupil's plan, or change it. An empty `document` keeps the one already uploaded."""
    plan = plan or LearningPlan(pupil=pupil, created_by=_user(actor))
    document = fields.pop("document", None)
    if document:
        fields["document"] = document
    model_update(plan, fields)
    audit_write(actor, "learning_plan.saved", plan, fields)
    return plan


@transaction.atomic
def milestone_save(
    *, actor=None, plan: LearningPlan, milestone: Milestone | None = None, **fields
) -> Milestone:
    milestone = milestone or Milestone(plan=plan)
    if fields.get("status", milestone.status) != MilestoneStatus.MET:
        fields["met_on"] = None
    model_update(milestone, fields)
    audit_write(actor, "milestone.saved", milestone, fields)
    return milestone


@transaction.atomic
def review_record(
    *, actor=None, plan: LearningPlan, progress: dict[int, tuple[str, str]], **fields
) -> Review:
    """Record a review and the progress agreed against each milestone; each milestone takes the
    status the review gave it, and a milestone marked met is met on the review's date.
    `progress` maps milestone id to (status, note)."""
    review = Review(plan=plan, recorded_by=_user(actor), **fields)
    review.full_clean()
    review.save()
    milestones = {m.id: m for m in Milestone.objects.select_for_update().filter(plan=plan)}
    unknown = set(progress) - set(milestones)
    if unknown:
        raise ValidationError("A milestone in this review is not part of the pupil's plan.")
    rows = []
    for milestone_id, (status, note) in progress.items():
        milestone = milestones[milestone_id]
        row = MilestoneProgress(review=review, milestone=milestone, status=status, note=note)
        row.full_clean(exclude=["review"])
        rows.append(row)
        milestone.status = status
        if status == MilestoneStatus.MET:
            milestone.met_on = milestone.met_on or review.date
        else:
            milestone.met_on = None
    MilestoneProgress.objects.bulk_create(rows)
    Milestone.objects.bulk_update([milestones[i] for i in progress], ["status", "met_on"])
    audit_write(actor, "review.recorded", review, fields, milestones=sorted(progress))
    recheck(Scope.pupil(plan.pupil_id))
    return review


@transaction.atomic
def qualification_save(
    *, actor=None, pupil, qualification: Qualification | None = None, **fields
) -> Qualification:
    qualification = model_update(qualification or Qualification(pupil=pupil), fields)
    audit_write(actor, "qualification.saved", qualification, fields)
    return qualification


@transaction.atomic
def outcome_record(*, actor=None, pupil, outcome: Outcome | None = None, **fields) -> Outcome:
    placement = fields.get("placement", outcome.placement if outcome else None)
    if placement is not None and placement.pupil_id != pupil.id:
        raise ValidationError({"placement": "Choose one of this pupil's placements."})
    outcome = model_update(outcome or Outcome(pupil=pupil), fields)
    audit_write(actor, "outcome.recorded", outcome, fields)
    return outcome
