"""Visits by school staff to see a pupil at the setting (G §1e)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from placements.core.models import Placement


class Visit(models.Model):
    """A visit by school staff to see the pupil at the setting (G §1e) — a check on the child."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="visits")
    date = models.DateField()
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits_made"
    )
    visitor_name = models.CharField(max_length=150, blank=True)
    pupil_seen = models.BooleanField(default=True)
    wellbeing = models.TextField(blank=True)
    learning = models.TextField(blank=True)
    behaviour = models.TextField(blank=True)
    pupil_view = models.TextField("pupil's view", blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        indexes = [models.Index(fields=["placement", "date"])]

    def __str__(self):
        return f"Visit to {self.placement.pupil} on {self.date:%d %B %Y}"
