"""Celery tasks for inspection: thin wrappers over the services."""

from datetime import datetime

from celery import chord, shared_task
from django.conf import settings
from django.utils import timezone

from . import services
from .models import EvidencePack


@shared_task(
    name="inspection.evidence_pack_generate",
    bind=True,
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=2,
)
def evidence_pack_generate(self, pack_id: int) -> dict:
    if services.builds_in_parts(EvidencePack.objects.get(pk=pack_id)):
        # The parts follow the pack onto the queue it was sent to.
        queue = None if self.request.is_eager else (self.request.delivery_info or {}).get("routing_key")
        return _generate_in_parts(pack_id, queue=queue)
    pack = services.evidence_pack_generate(pack_id=pack_id)
    return {"pack": pack.pk, "status": pack.status, "pages": pack.pages}


def _generate_in_parts(pack_id: int, *, queue: str | None = None) -> dict:
    """A chord: each part rendered by its own task, on whichever workers are free; then one task
    binds them. A failing part marks the pack failed (the callback's errback)."""
    parts = services.evidence_pack_parts_start(pack_id=pack_id)
    if parts is None:
        return {"pack": pack_id, "status": EvidencePack.Status.DONE}
    now = timezone.now().isoformat()
    route = {"queue": queue} if queue else {}
    bind = evidence_pack_parts_bind.s(pack_id, now).set(**route)
    bind.on_error(evidence_pack_failed.si(pack_id).set(**route))
    try:
        chord(evidence_pack_part.s(pack_id, part, now).set(**route) for part in parts)(bind)
    except Exception as exc:  # eager mode (demo, tests) runs the parts here
        services.evidence_pack_fail(pack_id=pack_id, error=str(exc))
        raise
    return {"pack": pack_id, "status": EvidencePack.Status.RUNNING, "parts": len(parts)}


@shared_task(name="inspection.evidence_pack_part", acks_late=True, autoretry_for=(Exception,), max_retries=2)
def evidence_pack_part(pack_id: int, part: dict, now: str) -> dict:
    return services.evidence_pack_part_render(pack_id=pack_id, part=part, now=datetime.fromisoformat(now))


@shared_task(name="inspection.evidence_pack_parts_bind", acks_late=True)
def evidence_pack_parts_bind(parts: list[dict], pack_id: int, now: str) -> dict:
    pack = services.evidence_pack_parts_bind(pack_id=pack_id, parts=parts, now=datetime.fromisoformat(now))
    return {"pack": pack.pk, "status": pack.status, "pages": pack.pages}


@shared_task(name="inspection.evidence_pack_failed")
def evidence_pack_failed(pack_id: int) -> None:
    services.evidence_pack_fail(pack_id=pack_id, error="A section of the pack could not be rendered.")


@shared_task(name="inspection.evidence_packs_requeue")
def evidence_packs_requeue() -> int:
    return services.evidence_packs_requeue(
        now=timezone.now(), older_than_minutes=settings.APDASH_EVIDENCE_PACK_REQUEUE_MINUTES
    )
