"""Celery tasks for inspection: thin wrappers over the services."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services


@shared_task(
    name="inspection.evidence_pack_generate",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=2,
)
def evidence_pack_generate(pack_id: int) -> dict:
    pack = services.evidence_pack_generate(pack_id=pack_id)
    return {"pack": pack.pk, "status": pack.status, "pages": pack.pages}


@shared_task(name="inspection.evidence_packs_requeue")
def evidence_packs_requeue() -> int:
    return services.evidence_packs_requeue(
        now=timezone.now(), older_than_minutes=settings.APDASH_EVIDENCE_PACK_REQUEUE_MINUTES
    )
