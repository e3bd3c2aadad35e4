"""Flags: what a compliance check noticed, opened and resolved idempotently by key."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from placements.compliance.kinds import KINDS, fix_for
from placements.core.models import Placement, Pupil


class Flag(models.Model):
    """Something a compliance check noticed. `key` is deterministic per condition, and a partial
    unique constraint on open flags makes re-runs and concurrent runs idempotent."""

    # The codes and labels come from the one table of kinds (`placements.compliance.kinds`).
    Kind = models.TextChoices("Kind", [(kind.code.upper(), (kind.code, kind.label)) for kind in KINDS])

    class Severity(models.TextChoices):
        AMBER = "amber", "Amber"
        RED = "red", "Red"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    school = models.ForeignKey(
        "apdash.School", null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    pupil = models.ForeignKey(Pupil, null=True, blank=True, on_delete=models.CASCADE, related_name="flags")
    placement = models.ForeignKey(
        Placement, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    provider = models.ForeignKey(
        "providers.Provider", null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    subject_date = models.DateField(null=True, blank=True)
    message = models.TextField()
    details = models.JSONField(default=dict, blank=True)
    key = models.CharField(max_length=200)
    opened_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(resolved_at__isnull=True), name="one_open_flag_per_key"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "resolved_at"]),
            models.Index(fields=["school", "resolved_at"]),
            models.Index(fields=["key"]),
            # Open flags per pupil, counted on every row of the pupil list: without it PostgreSQL
            # may AND the pupil index with the open-key index (every open flag in England) per row.
            models.Index(fields=["pupil"], condition=Q(resolved_at__isnull=True), name="open_flags_by_pupil"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.message}"

    @property
    def is_open(self):
        return self.resolved_at is None

    @property
    def fix(self) -> tuple[str, str] | None:
        return fix_for(self)
