import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from apdash.models import School
from inspection import packs
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
    first, last = packs.default_pack_range(timezone.localdate())
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


def test_a_partnership_pack_is_rendered_in_parts_by_the_worker_and_bound_whole(pack_worker):
    """Issue 15: the parts (a chord) run on the real worker, on the pack's own queue, and the bound
    pack is numbered across them."""
    from datetime import timedelta

    from tests.factories import PartnershipFactory, PupilFactory, SchoolFactory, placement_with_timetable

    partnership = PartnershipFactory(name="Worker Partnership")
    names = []
    for school_name in ("Ash School", "Birch School"):
        pupil = PupilFactory(school=SchoolFactory(name=school_name, partnership=partnership))
        placement_with_timetable(pupil=pupil, start_date=timezone.localdate() - timedelta(days=20))
        names.append(f"{pupil.full_name} ({pupil.told_apart})")
    pack = EvidencePack.objects.create(
        scope="partnership",
        partnership=partnership,
        date_from=timezone.localdate() - timedelta(days=30),
        date_to=timezone.localdate(),
    )
    evidence_pack_generate.apply_async((pack.pk,), queue=pack_worker)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and not pack.is_finished:
        time.sleep(0.3)
        pack.refresh_from_db()
    assert (pack.status, pack.progress) == ("done", 100), pack.error
    with pack.file.open("rb") as handle:
        pages = page_texts(handle.read())
    assert len(pages) == pack.pages
    assert all(f"Page {n} of {pack.pages}" in text for n, text in enumerate(pages, start=1))
    for name in names:
        assert any(f"{name} Evidences:" in text for text in pages), name
