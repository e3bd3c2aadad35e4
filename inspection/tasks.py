"""Celery tasks for inspection: thin wrappers over the services."""

from celery import shared_task

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
