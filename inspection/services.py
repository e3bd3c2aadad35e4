"""Writes for inspection: asking for an evidence pack, generating it (the Celery task's body) and
recording who downloaded it."""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apdash.services import audit_record

from . import packs
from .models import EvidencePack

log = logging.getLogger(__name__)

# Share of the progress bar each stage takes: gathering each pupil's evidence, then layout and PDF.
GATHERED_AT = 60
LAID_OUT_AT = 90


def _enqueue(pack_id: int) -> bool:
    """Send the pack to a worker. With the broker down this fails within a couple of seconds
    (settings: no publish retry, short connect timeouts); the pack stays queued, its page offers
    "try again", and the scheduled re-send picks it up once the broker is back."""
    from .tasks import evidence_pack_generate

    queued = EvidencePack.objects.filter(pk=pack_id, status=EvidencePack.Status.QUEUED)
    try:
        evidence_pack_generate.delay(pack_id)
    except Exception:  # noqa: BLE001 — a broker outage must not fail the request
        log.exception("Could not enqueue evidence pack %s", pack_id)
        queued.update(stage=EvidencePack.QUEUE_DOWN_STAGE)
        return False
    queued.filter(stage=EvidencePack.QUEUE_DOWN_STAGE).update(stage="Waiting to start")
    return True


def evidence_pack_resend(*, pack: EvidencePack) -> bool:
    """Try again to start a pack the job queue did not take."""
    return _enqueue(pack.pk)


@transaction.atomic
def evidence_pack_request(
    *, actor, scope: str, date_from, date_to, school=None, partnership=None, pupil=None, options=None
) -> EvidencePack:
    """Record a request for a pack and queue its generation once the request's transaction commits."""
    pack = EvidencePack(
        scope=scope,
        school=school,
        partnership=partnership,
        pupil=pupil,
        date_from=date_from,
        date_to=date_to,
        options=options or {},
        generated_by=actor if getattr(actor, "pk", None) else None,
        stage="Waiting to start",
    )
    pack.full_clean()
    pack.save()
    audit_record(
        actor=actor,
        action="evidence_pack.requested",
        object_type="EvidencePack",
        object_id=pack.pk,
        details={"scope": scope, "date_from": date_from.isoformat(), "date_to": date_to.isoformat()},
    )
    transaction.on_commit(lambda: _enqueue(pack.pk))
    return pack


def evidence_packs_requeue(*, now, older_than_minutes: int) -> int:
    """Send again each pack still queued `older_than_minutes` after it was asked for (the broker
    was down at the time). Safe to repeat: generating a pack that is already done does nothing."""
    waiting = EvidencePack.objects.filter(
        status=EvidencePack.Status.QUEUED, created_at__lt=now - timedelta(minutes=older_than_minutes)
    ).values_list("pk", flat=True)
    pack_ids = list(waiting)
    for pack_id in pack_ids:
        _enqueue(pack_id)
    return len(pack_ids)


def _set_progress(pack_id: int, progress: int, stage: str, **extra) -> None:
    # Outside any transaction, so the page polling the pack sees each step as it happens.
    EvidencePack.objects.filter(pk=pack_id).update(progress=progress, stage=stage, **extra)


def render_pack_pdf(scope: packs.PackScope, *, today, progress=None) -> tuple[bytes, int]:
    """The evidence pack as PDF bytes and its page count. `progress(percent, stage)` is told how
    far it has got. Used by the Celery task and by `manage.py evidence_pack`."""
    from weasyprint import HTML

    report = progress or (lambda percent, stage: None)

    def pupils_done(done, total):
        report(
            5 + (GATHERED_AT - 5) * done // max(total, 1), f"Gathered evidence for {done} of {total} pupils"
        )

    report(5, "Gathering the evidence")
    data = packs.pack_data(scope, today=today, progress=pupils_done)
    html = render_to_string("inspection/pack/pack.html", data)
    report(GATHERED_AT + 5, "Laying out the pages")
    document = HTML(string=html, base_url=".").render()
    pages = len(document.pages)
    report(LAID_OUT_AT, f"Writing {pages} pages")
    return document.write_pdf(), pages


def evidence_pack_generate(*, pack_id: int) -> EvidencePack:
    """Build a queued pack's PDF, recording progress as it goes. Idempotent: a finished pack is
    left alone, so a redelivered task does no harm."""
    pack = EvidencePack.objects.select_related("school", "partnership", "pupil__school").get(pk=pack_id)
    if pack.status == EvidencePack.Status.DONE:
        return pack
    _set_progress(pack.pk, 1, "Starting", status=EvidencePack.Status.RUNNING, error="")
    try:
        pdf, pages = render_pack_pdf(
            packs.pack_scope(pack),
            today=min(timezone.localdate(), pack.date_to),
            progress=lambda percent, stage: _set_progress(pack.pk, percent, stage),
        )
    except Exception as exc:
        evidence_pack_fail(pack_id=pack.pk, error=str(exc))
        raise
    return _finish(pack, pdf, pages)


# --- A partnership pack in parts (issue 15): one Celery task per part, then one binds them ---------


def builds_in_parts(pack: EvidencePack) -> bool:
    """A partnership pack is rendered in parts on parallel workers (a chord); a school's or a
    pupil's pack in one piece."""
    return pack.scope == EvidencePack.Scope.PARTNERSHIP and settings.APDASH_EVIDENCE_PACK_IN_PARTS


def evidence_pack_parts_start(*, pack_id: int) -> list[dict] | None:
    """Mark the pack running and return its parts, or None when it is already done (a redelivered
    task then does nothing)."""
    from . import pack_sections

    pack = EvidencePack.objects.select_related("partnership").get(pk=pack_id)
    if pack.status == EvidencePack.Status.DONE:
        return None
    parts = pack_sections.pack_parts(pack)
    _set_progress(
        pack.pk, 1, f"Rendering {len(parts)} sections", status=EvidencePack.Status.RUNNING, error=""
    )
    return [part.as_dict() for part in parts]


def evidence_pack_part_render(*, pack_id: int, part: dict, now) -> dict:
    from . import pack_sections

    pack = EvidencePack.objects.select_related("partnership").get(pk=pack_id)
    return pack_sections.render_part(
        pack,
        pack_sections.Part(**{**part, "ids": tuple(part["ids"])}),
        today=min(timezone.localdate(now), pack.date_to),
        now=now,
    )


def evidence_pack_parts_bind(*, pack_id: int, parts: list[dict], now) -> EvidencePack:
    """Bind the rendered parts into the pack's PDF and mark it ready. Idempotent."""
    from . import pack_sections

    pack = EvidencePack.objects.select_related("partnership").get(pk=pack_id)
    if pack.status == EvidencePack.Status.DONE:
        return pack
    with tempfile.TemporaryFile() as out:
        pages = pack_sections.bind(
            pack, parts, today=min(timezone.localdate(now), pack.date_to), now=now, out=out
        )
        out.seek(0)
        return _finish(pack, File(out, name="pack.pdf"), pages)


def evidence_pack_fail(*, pack_id: int, error: str) -> None:
    _set_progress(
        pack_id,
        0,
        "Failed",
        status=EvidencePack.Status.FAILED,
        error=error[:2000],
        finished_at=timezone.now(),
    )


def _finish(pack: EvidencePack, pdf: bytes | File, pages: int) -> EvidencePack:
    content = pdf if isinstance(pdf, File) else ContentFile(pdf)
    pack.file.save(f"evidence-pack-{pack.pk}-{pack.created_at:%Y%m%d}.pdf", content, save=False)
    EvidencePack.objects.filter(pk=pack.pk).update(
        file=pack.file.name,
        pages=pages,
        progress=100,
        stage=f"Ready: {pages} pages",
        status=EvidencePack.Status.DONE,
        finished_at=timezone.now(),
    )
    pack.refresh_from_db()
    return pack


@transaction.atomic
def evidence_pack_download_record(*, actor, pack: EvidencePack, ip=None) -> None:
    """Every download of a pack is audited: it holds personal data about children."""
    audit_record(
        actor=actor,
        action="evidence_pack.downloaded",
        object_type="EvidencePack",
        object_id=pack.pk,
        details={"scope": pack.scope, "subject": pack.subject_name},
        ip=ip,
    )
