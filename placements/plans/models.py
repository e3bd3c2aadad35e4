"""Learning plans, milestones, reviews, qualifications and outcomes (G §1b, §4e–g; DfE Feb 2025)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from placements.core.models import Placement, Pupil


class LearningPlan(models.Model):
    """The pupil's learning/SEND plan: needs, why AP is the right way forward, and the agreed goal
    with milestones towards it (G §1b, §4f)."""

    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="learning_plan")
    needs_summary = models.TextField()
    rationale = models.TextField("why this is the right way forward")
    goal = models.CharField(max_length=16, choices=Placement.Goal.choices)
    goal_target_date = models.DateField("target date for the goal")
    document = models.FileField(upload_to="learning-plans/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Learning plan for {self.pupil}"


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    MET = "met", "Met"
    MISSED = "missed", "Missed"


class Milestone(models.Model):
    Status = MilestoneStatus

    plan = models.ForeignKey(LearningPlan, on_delete=models.CASCADE, related_name="milestones")
    description = models.CharField(max_length=300)
    measure = models.CharField(max_length=300, help_text="How we will know it is met")
    target_date = models.DateField()
    status = models.CharField(
        max_length=16, choices=MilestoneStatus.choices, default=MilestoneStatus.NOT_STARTED
    )
    met_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["target_date", "pk"]

    def __str__(self):
        return self.description


class Review(models.Model):
    """A plan–do–review meeting (G §4g; DfE: at least half-termly)."""

    plan = models.ForeignKey(LearningPlan, on_delete=models.CASCADE, related_name="reviews")
    date = models.DateField()
    attended_school = models.BooleanField("school", default=False)
    attended_provider = models.BooleanField("provider", default=False)
    attended_parent = models.BooleanField("parent or carer", default=False)
    attended_pupil = models.BooleanField("pupil", default=False)
    attended_partnership = models.BooleanField("partnership", default=False)
    attendance_summary = models.TextField(blank=True)
    behaviour_summary = models.TextField(blank=True)
    pupil_view = models.TextField("pupil's view", blank=True)
    decisions = models.TextField()
    next_review_on = models.DateField("next review date")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    ATTENDEE_FIELDS = (
        "attended_school",
        "attended_provider",
        "attended_parent",
        "attended_pupil",
        "attended_partnership",
    )

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["plan", "date"])]
        constraints = [
            models.CheckConstraint(
                name="review_next_after_date",
                condition=Q(next_review_on__gt=F("date")),
                violation_error_message="The next review must be after this one.",
            ),
        ]

    def __str__(self):
        return f"Review of {self.plan.pupil} on {self.date:%d %B %Y}"

    @property
    def attendees(self) -> list[str]:
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in self.ATTENDEE_FIELDS
            if getattr(self, name)
        ]


class MilestoneProgress(models.Model):
    """Progress against one milestone as agreed at a review."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="progress")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(max_length=16, choices=MilestoneStatus.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["milestone__target_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "milestone"], name="one_progress_per_milestone_per_review"
            ),
        ]

    def __str__(self):
        return f"{self.milestone}: {self.get_status_display()}"


class Qualification(models.Model):
    """What a pupil works towards, where, and the entry and result (L0–L2: English and maths)."""

    class Area(models.TextChoices):
        ENGLISH = "english", "English"
        MATHS = "maths", "Maths"
        OTHER = "other", "Other subject"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="qualifications")
    area = models.CharField(max_length=8, choices=Area.choices)
    subject = models.CharField(max_length=150)
    level = models.CharField(max_length=60)
    awarding_body = models.CharField(max_length=100, blank=True)
    provider = models.ForeignKey(
        "providers.Provider",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="qualifications",
        help_text="Leave empty when the pupil studies it at school",
    )
    entered = models.BooleanField("entered for the exam or assessment", default=False)
    result = models.CharField(max_length=60, blank=True)
    result_on = models.DateField("result date", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["area", "subject", "pk"]

    def __str__(self):
        return f"{self.subject} ({self.level})"


class Outcome(models.Model):
    """Where the pupil went: back to mainstream, or a post-16 destination, and whether it lasted."""

    class Destination(models.TextChoices):
        SCHOOL_SIXTH_FORM = "sixth_form", "School sixth form"
        FURTHER_EDUCATION = "fe", "Further education"
        APPRENTICESHIP = "apprenticeship", "Apprenticeship"
        EMPLOYMENT_WITH_TRAINING = "employment_training", "Employment with training"
        EMPLOYMENT_WITHOUT_TRAINING = "employment", "Employment without training"
        NEET = "neet", "Not in education, employment or training (NEET)"
        UNKNOWN = "unknown", "Not known"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="outcomes")
    placement = models.ForeignKey(
        Placement, null=True, blank=True, on_delete=models.SET_NULL, related_name="outcomes"
    )
    recorded_on = models.DateField()
    reintegrated_on = models.DateField("date back in mainstream school", null=True, blank=True)
    destination = models.CharField(
        "post-16 destination", max_length=24, choices=Destination.choices, blank=True
    )
    destination_name = models.CharField("where", max_length=200, blank=True)
    sustained = models.BooleanField(null=True, blank=True, help_text="Still there when last checked")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="outcome_reintegration_or_destination",
                condition=Q(reintegrated_on__isnull=False) | ~Q(destination=""),
                violation_error_message=(
                    "Enter the date the pupil returned to mainstream school, or their post-16 destination."
                ),
            ),
        ]

    def __str__(self):
        return f"Outcome for {self.pupil}"
