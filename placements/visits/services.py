"""Writes for visits."""

from __future__ import annotations

from django.db import transaction

from apdash.checks import Scope, recheck
from apdash.services import audit_write, model_update
from placements.visits.models import Visit


@transaction.atomic
def visit_record(*, actor=None, placement, **fields) -> Visit:
    """Record a visit to see the pupil at the setting (G §1e)."""
    visit = Visit(placement=placement, recorded_by=actor if getattr(actor, "pk", None) else None, **fields)
    if visit.visitor_id is None and not visit.visitor_name and getattr(actor, "pk", None):
        visit.visitor = actor
    visit.full_clean()
    visit.save()
    audit_write(actor, "visit.recorded", visit, fields)
    recheck(Scope.pupil(placement.pupil_id))
    return visit


@transaction.atomic
def visit_update(*, actor=None, visit: Visit, **fields) -> Visit:
    model_update(visit, fields)
    audit_write(actor, "visit.updated", visit, fields)
    recheck(Scope.pupil(visit.placement.pupil_id))
    return visit
