"""Inspection readiness and the evidence pack."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class EvidencePack(models.Model):
    """One generated Ofsted evidence pack. Old packs are kept, with who asked for them and when."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being generated"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    class Scope(models.TextChoices):
        SCHOOL = "school", "Whole school"
        PARTNERSHIP = "partnership", "Partnership"
        PUPIL = "pupil", "One pupil"

    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.SCHOOL)
    school = models.ForeignKey(
        "apdash.School", null=True, blank=True, on_delete=models.PROTECT, related_name="evidence_packs"
    )
    partnership = models.ForeignKey(
        "apdash.Partnership", null=True, blank=True, on_delete=models.PROTECT, related_name="evidence_packs"
    )
    pupil = models.ForeignKey(
        "placements.Pupil", null=True, blank=True, on_delete=models.PROTECT, related_name="evidence_packs"
    )
    date_from = models.DateField()
    date_to = models.DateField()
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done")
    stage = models.CharField(max_length=200, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to="evidence-packs/", blank=True)
    error = models.TextField(blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="pack_progress_0_to_100", condition=Q(progress__lte=100)),
            models.CheckConstraint(
                name="pack_range_in_order", condition=Q(date_to__gte=models.F("date_from"))
            ),
            models.CheckConstraint(
                name="pack_scope_has_subject",
                condition=Q(scope="school", school__isnull=False)
                | Q(scope="partnership", partnership__isnull=False)
                | Q(scope="pupil", pupil__isnull=False),
            ),
        ]

    def __str__(self):
        return f"Evidence pack #{self.pk} ({self.subject_name}) {self.created_at:%d %B %Y}"

    @property
    def subject_name(self):
        if self.scope == self.Scope.PUPIL and self.pupil_id:
            return f"{self.pupil.full_name}, {self.pupil.school}"
        return str(self.partnership if self.scope == self.Scope.PARTNERSHIP else self.school)

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    # The stage a queued pack shows while the job queue is not answering (issue 13 §14).
    QUEUE_DOWN_STAGE = "The job queue did not answer, so the pack has not started"

    @property
    def queue_down(self):
        return self.status == self.Status.QUEUED and self.stage == self.QUEUE_DOWN_STAGE
