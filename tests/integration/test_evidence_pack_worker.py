import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from apdash.models import School
from inspection import selectors
from inspection.models import EvidencePack
from inspection.tasks import evidence_pack_generate
from tests.inspection.pdf import page_texts, save_pngs

pytestmark = [pytest.mark.integration, pytest.mark.pdf]


@pytest.fixture
def shared_media(tmp_path, settings, monkeypatch):
    """A media folder on disk that the worker (started after this fixture) and the test share."""
    media = tmp_path / "media"
    media.mkdir()
    monkeypatch.setenv("MEDIA_ROOT", str(media))
    settings.MEDIA_ROOT = media
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return media


@pytest.fixture
def pack_worker(shared_media, celery_worker_process):
    return celery_worker_process


def test_a_real_worker_generates_the_demo_schools_pack_and_progress_reaches_100(pack_worker):
    call_command("seed_demo")
    school = School.objects.get(urn="140101")
    first, last = selectors.default_pack_range(timezone.localdate())
    pack = EvidencePack.objects.create(school=school, date_from=first, date_to=last)

    result = evidence_pack_generate.apply_async((pack.pk,), queue=pack_worker)
    assert type(result).__name__ == "AsyncResult"  # sent to the worker, not run in this process
    seen = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        pack.refresh_from_db()
        if not seen or seen[-1] != pack.progress:
            seen.append(pack.progress)
        if pack.is_finished:
            break
        time.sleep(0.2)
    assert result.get(timeout=30)["status"] == "done"
    pack.refresh_from_db()
    assert (pack.status, pack.progress) == ("done", 100)
    assert seen == sorted(seen) and len(seen) > 2, seen

    with pack.file.open("rb") as handle:
        pdf = handle.read()
    pages = page_texts(pdf)
    assert len(pages) == pack.pages > 10
    assert "Wendlow Academy" in pages[0] and "OFFICIAL-SENSITIVE" in pages[0]
    save_pngs(pdf, "demo-school-worker", pages=3)
