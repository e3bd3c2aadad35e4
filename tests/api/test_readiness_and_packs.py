from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from apdash.models import AuditEvent, Role
from inspection import rules, selectors
from inspection.models import EvidencePack
from tests.api.helpers import ids, results
from tests.factories import (
    PartnershipFactory,
    PupilFactory,
    RiskAssessmentFactory,
    SchoolFactory,
    member,
    placement_with_timetable,
    seed_calendar,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(world):
    """Two pupils of the world's school in AP today; one has a risk assessment, one has none."""
    seed_calendar(timezone.localdate().year - (timezone.localdate().month < 9))
    start = timezone.localdate() - timedelta(days=30)
    kept = placement_with_timetable(
        pupil=PupilFactory(school=world.school), provider=world.provider, start_date=start
    )
    RiskAssessmentFactory(placement=kept, review_date=timezone.localdate() + timedelta(days=60))
    bare = placement_with_timetable(
        pupil=PupilFactory(school=world.school), provider=world.provider, start_date=start
    )
    return kept, bare


# --- Readiness -----------------------------------------------------------------------------------


def test_readiness_through_the_api_is_the_readiness_page_cell_for_cell(api, world, placed):
    kept, bare = placed
    rows = results(api(world.coordinator).get(f"/api/v1/readiness/?school={world.school.id}"))
    page = selectors.readiness_for_user(
        world.coordinator, school_ids=[world.school.id], today=timezone.localdate()
    )
    expected = {
        row.pupil.pk: {
            c.key: {"status": row.cells[c.key].status, "reason": row.cells[c.key].reason}
            for c in rules.COLUMNS
        }
        for row in page.rows
    }
    assert {row["pupil"]: row["cells"] for row in rows} == expected
    assert {row["pupil"]: row["overall"] for row in rows} == {row.pupil.pk: row.status for row in page.rows}
    by_pupil = {row["pupil"]: row for row in rows}
    assert set(by_pupil[kept.pupil_id]["cells"]) == {
        "a", "b", "c", "d", "e", "f", "risk", "induction", "registration", "rationale"
    }  # fmt: skip
    assert by_pupil[bare.pupil_id]["cells"]["risk"]["status"] == "red"
    assert by_pupil[kept.pupil_id]["cells"]["risk"]["status"] != "red"
    assert by_pupil[bare.pupil_id]["overall"] == "red"


def test_one_pupils_readiness_is_read_by_their_id(api, world, placed):
    _, bare = placed
    response = api(world.partnership_coordinator).get(f"/api/v1/readiness/{bare.pupil_id}/")
    assert response.status_code == 200
    body = response.json()
    assert body["pupil"] == bare.pupil_id
    assert body["cells"]["risk"]["status"] == "red"
    assert body["cells"]["risk"]["reason"]


def test_readiness_of_another_partnerships_pupil_or_school_is_not_found(api, world, placed):
    _, bare = placed
    stranger = member(Role.SCHOOL_COORDINATOR, school=SchoolFactory(partnership=PartnershipFactory()))
    assert api(stranger).get(f"/api/v1/readiness/{bare.pupil_id}/").status_code == 404
    assert api(stranger).get(f"/api/v1/readiness/?school={world.school.id}").status_code == 404
    assert results(api(stranger).get("/api/v1/readiness/")) == []
    assert api(world.provider_staff).get("/api/v1/readiness/").status_code == 403


@pytest.mark.parametrize("pupils", [5, 60])
def test_the_readiness_list_costs_the_same_queries_at_any_size(
    api, world, django_assert_max_num_queries, pupils
):
    seed_calendar(timezone.localdate().year - (timezone.localdate().month < 9))
    for _ in range(pupils):
        placement_with_timetable(
            pupil=PupilFactory(school=world.school),
            provider=world.provider,
            start_date=timezone.localdate() - timedelta(days=10),
        )
    client = api(world.coordinator)
    with django_assert_max_num_queries(20):
        response = client.get("/api/v1/readiness/")
    assert response.json()["count"] == pupils


# --- Evidence packs ------------------------------------------------------------------------------


def _dates():
    today = timezone.localdate()
    return (today - timedelta(days=60)).isoformat(), today.isoformat()


def test_a_head_asks_for_a_school_pack_and_follows_its_progress(
    api, world, django_capture_on_commit_callbacks
):
    date_from, date_to = _dates()
    client = api(world.head)
    response = client.post(
        "/api/v1/evidence-packs/",
        {"scope": "school", "school": world.school.id, "date_from": date_from, "date_to": date_to},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {"id", "status", "progress", "stage", "pages"} <= set(body)
    assert body["status"] == "queued" and body["progress"] == 0
    pack = EvidencePack.objects.get(pk=body["id"])
    assert (pack.scope, pack.school, pack.generated_by) == ("school", world.school, world.head)
    assert client.get(f"/api/v1/evidence-packs/{pack.id}/").json()["status"] == "queued"


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"scope": "school", "date_from": "2026-10-01", "date_to": "2026-09-01"}, "date_to", "on or after"),
        ({"scope": "school", "date_from": "2026-10-01", "date_to": "2099-01-01"}, "date_to", "future"),
        ({"scope": "pupil", "date_from": "2026-10-01", "date_to": "2026-10-02"}, "pupil", "Choose the pupil"),
        (
            {"scope": "partnership", "date_from": "2026-10-01", "date_to": "2026-10-02"},
            "partnership",
            "partnership",
        ),
    ],
)
def test_a_pack_request_the_page_would_refuse_is_a_400_in_the_pages_words(api, world, body, field, words):
    if body["scope"] == "school":
        body["school"] = world.school.id
    response = api(world.coordinator).post("/api/v1/evidence-packs/", body, format="json")
    assert response.status_code == 400
    assert words in " ".join(response.json()[field])
    assert not EvidencePack.objects.exists()


def test_a_pack_about_another_partnerships_school_or_pupil_cannot_be_asked_for(api, world):
    date_from, date_to = _dates()
    client = api(world.other_coordinator)
    for body in (
        {"scope": "school", "school": world.school.id},
        {"scope": "pupil", "pupil": PupilFactory(school=world.school).id},
        {"scope": "partnership", "partnership": world.partnership.id},
    ):
        response = client.post(
            "/api/v1/evidence-packs/", {**body, "date_from": date_from, "date_to": date_to}, format="json"
        )
        assert response.status_code == 400, body
    assert not EvidencePack.objects.exists()


def test_a_partnership_coordinator_asks_for_a_partnership_pack_and_a_pupils_pack(api, world):
    date_from, date_to = _dates()
    pupil = PupilFactory(school=world.sister)
    client = api(world.partnership_coordinator)
    for body in (
        {"scope": "partnership", "partnership": world.partnership.id},
        {"scope": "pupil", "pupil": pupil.id},
    ):
        response = client.post(
            "/api/v1/evidence-packs/", {**body, "date_from": date_from, "date_to": date_to}, format="json"
        )
        assert response.status_code == 201, response.json()
    assert {(p.scope, p.partnership_id, p.pupil_id) for p in EvidencePack.objects.all()} == {
        ("partnership", world.partnership.id, None),
        ("pupil", None, pupil.id),
    }


def _done_pack(school, actor):
    pack = EvidencePack.objects.create(
        scope="school",
        school=school,
        date_from=timezone.localdate() - timedelta(days=30),
        date_to=timezone.localdate(),
        status=EvidencePack.Status.DONE,
        progress=100,
        pages=1,
        generated_by=actor,
    )
    pack.file.save(f"api-test-{pack.pk}.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    return pack


def test_a_finished_pack_downloads_as_pdf_and_the_download_is_audited(api, world):
    pack = _done_pack(world.school, world.coordinator)
    response = api(world.dsl).get(f"/api/v1/evidence-packs/{pack.id}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(action="evidence_pack.downloaded")
    assert (event.actor, event.object_id) == (world.dsl, str(pack.pk))


def test_a_pack_not_finished_does_not_download(api, world):
    pack = _done_pack(world.school, world.coordinator)
    EvidencePack.objects.filter(pk=pack.pk).update(status=EvidencePack.Status.RUNNING)
    assert api(world.coordinator).get(f"/api/v1/evidence-packs/{pack.id}/download/").status_code == 404
    assert not AuditEvent.objects.filter(action="evidence_pack.downloaded").exists()


def test_another_partnerships_pack_is_not_found_nor_downloaded(api, world):
    pack = _done_pack(world.school, world.coordinator)
    client = api(world.other_coordinator)
    assert client.get(f"/api/v1/evidence-packs/{pack.id}/").status_code == 404
    assert client.get(f"/api/v1/evidence-packs/{pack.id}/download/").status_code == 404
    assert pack.id not in ids(client.get("/api/v1/evidence-packs/"))
    assert pack.id in ids(api(world.coordinator).get("/api/v1/evidence-packs/"))
    assert api(world.provider_staff).get(f"/api/v1/evidence-packs/{pack.id}/").status_code == 403


def test_a_head_signed_in_without_the_second_factor_cannot_use_the_packs(world):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(world.head)
    assert client.get("/api/v1/evidence-packs/").status_code == 403
    coordinator = APIClient()
    coordinator.force_login(world.coordinator)
    assert coordinator.get("/api/v1/evidence-packs/").status_code == 200


@pytest.mark.parametrize("packs", [3, 40])
def test_the_pack_list_costs_the_same_queries_at_any_size(api, world, django_assert_max_num_queries, packs):
    for _ in range(packs):
        EvidencePack.objects.create(
            scope="school", school=world.school, date_from=timezone.localdate(), date_to=timezone.localdate()
        )
    client = api(world.coordinator)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/evidence-packs/")
    assert response.json()["count"] == packs
