"""Who may open what: each role × each concern page and API endpoint. The pupil's school DSL (and
the partnership DSL for a partnership-commissioned placement) see everything; the raiser sees what
they wrote and its status; everyone else gets a 404, and finds the concern in no list."""

import pytest
from django.urls import reverse
from django.utils import timezone

from apdash.models import AuditEvent
from safeguarding import services
from safeguarding.models import Concern
from tests.factories import PupilFactory, sign_in_with_two_factor

pytestmark = pytest.mark.django_db

ROLES = [
    "school coordinator",
    "other-school coordinator",
    "partnership co-ordinator",
    "DSL",
    "other-school DSL",
    "partnership DSL",
    "head",
    "provider staff",
    "raiser",
]
RAISER_MAY = {"detail", "api_retrieve"}


def _raise(county, raiser, placement):
    concern = services.concern_raise(
        actor=raiser,
        pupil=placement.pupil,
        placement=placement,
        category="neglect",
        description="Said there was no food at home again.",
        occurred_at=timezone.now(),
        urgency="routine",
    )
    services.concern_entry_add(
        actor=county.people["DSL"],
        concern=concern,
        kind="decision",
        decision="not_to_refer",
        text="DSL-ONLY: threshold not met; early help offered instead.",
    )
    return Concern.objects.get(pk=concern.pk)


def _request(client, endpoint, concern):
    pk = concern.pk
    urls = {
        "detail": ("get", reverse("safeguarding:concern_detail", args=[pk])),
        "acknowledge": ("post", reverse("safeguarding:concern_acknowledge", args=[pk])),
        "entry_add": ("get", reverse("safeguarding:entry_add", args=[pk])),
        "close": ("get", reverse("safeguarding:concern_close", args=[pk])),
        "access_log": ("get", reverse("safeguarding:access_log", args=[pk])),
        "chronology": ("get", reverse("safeguarding:chronology", args=[concern.pupil_id])),
        "api_retrieve": ("get", f"/api/v1/concerns/{pk}/"),
        "api_entries": ("get", f"/api/v1/concerns/{pk}/entries/"),
    }
    method, url = urls[endpoint]
    return getattr(client, method)(url)


ENDPOINTS = [
    "detail",
    "acknowledge",
    "entry_add",
    "close",
    "access_log",
    "chronology",
    "api_retrieve",
    "api_entries",
]


def _allowed(role, endpoint, *, dsls, raiser_role):
    if role in dsls:
        return True
    return role == raiser_role and endpoint in RAISER_MAY


@pytest.mark.parametrize("role", ROLES)
def test_a_school_commissioned_concern_opens_only_for_the_school_dsl_and_partly_for_the_raiser(
    county, sign_in, role
):
    concern = _raise(county, county.people["raiser"], county.placement)
    client = sign_in(county.people[role])
    for endpoint in ENDPOINTS:
        response = _request(client, endpoint, concern)
        if _allowed(role, endpoint, dsls={"DSL"}, raiser_role="raiser"):
            assert response.status_code in (200, 302), (role, endpoint, response.status_code)
            body = response.content.decode()
            assert ("DSL-ONLY" in body) == (
                role == "DSL" and endpoint in {"detail", "chronology", "api_entries"}
            )
        else:
            assert response.status_code == 404, (role, endpoint, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_a_partnership_commissioned_concern_also_opens_for_the_partnership_dsl(county, sign_in, role):
    concern = _raise(county, county.people["provider staff"], county.partnership_placement)
    client = sign_in(county.people[role])
    for endpoint in ENDPOINTS:
        response = _request(client, endpoint, concern)
        allowed = _allowed(role, endpoint, dsls={"DSL", "partnership DSL"}, raiser_role="provider staff")
        assert (response.status_code != 404) == allowed, (role, endpoint, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_nobody_else_finds_a_concern_in_any_list(county, sign_in, role):
    concern = _raise(county, county.people["raiser"], county.placement)
    client = sign_in(county.people[role])
    api_ids = [row["id"] for row in client.get("/api/v1/concerns/").json()["results"]]
    inbox = client.get(reverse("safeguarding:inbox"))
    index = client.get(reverse("safeguarding:index")).content.decode()
    sees = role in {"DSL", "raiser"}
    assert (concern.pk in api_ids) == sees
    assert (reverse("safeguarding:concern_detail", args=[concern.pk]) in index) == (role == "raiser")
    if role in {"DSL", "other-school DSL", "partnership DSL"}:
        assert (concern.pupil.full_name in inbox.content.decode()) == (role == "DSL")
    else:
        assert inbox.status_code == 404


def test_the_raiser_sees_the_status_but_not_the_dsls_entries(county, sign_in):
    concern = _raise(county, county.people["raiser"], county.placement)
    client = sign_in(county.people["raiser"])
    page = client.get(reverse("safeguarding:concern_detail", args=[concern.pk])).content.decode()
    assert "Said there was no food at home again." in page
    assert "Acknowledged" in page
    assert "DSL-ONLY" not in page and "Chronology" not in page
    api = client.get(f"/api/v1/concerns/{concern.pk}/").json()
    assert api["status"] == "acknowledged" and "entries" not in api


def test_a_dsl_or_head_must_give_a_one_time_code_before_any_safeguarding_page(county, client):
    concern = _raise(county, county.people["raiser"], county.placement)
    for role in ("DSL", "head"):
        client.force_login(county.people[role])
        response = client.get(reverse("safeguarding:concern_detail", args=[concern.pk]))
        assert response.status_code == 302 and reverse("otp_setup") in response["Location"]
        sign_in_with_two_factor(client, county.people[role])
        client.logout()
        client.force_login(county.people[role])
        response = client.get(reverse("safeguarding:index"))
        assert response.status_code == 302 and reverse("otp_verify") in response["Location"]
    client.force_login(county.people["DSL"])
    assert client.get(f"/api/v1/concerns/{concern.pk}/").status_code == 403


def test_every_read_is_in_the_access_log_the_dsl_can_open(county, sign_in):
    concern = _raise(county, county.people["raiser"], county.placement)
    sign_in(county.people["raiser"]).get(reverse("safeguarding:concern_detail", args=[concern.pk]))
    client = sign_in(county.people["DSL"])
    client.get(f"/api/v1/concerns/{concern.pk}/entries/")
    client.get(reverse("safeguarding:inbox"))
    page = client.get(reverse("safeguarding:access_log", args=[concern.pk])).content.decode()
    actions = list(
        AuditEvent.objects.filter(object_type="Concern", object_id=str(concern.pk)).values_list(
            "action", "actor__email"
        )
    )
    assert ("concern.viewed", county.people["raiser"].email) in actions
    assert ("concern.viewed", county.people["DSL"].email) in actions
    # Sentences, not action codes: "Sam Patel viewed the concern, 3 Dec 2026 10:04".
    raiser = county.people["raiser"].get_full_name()
    for words in (
        "raised the concern",
        "viewed the concern",
        "saw the concern listed",
        "recorded a decision",
    ):
        assert words in page
    assert f"{raiser} viewed the concern, " in page
    assert "concern.viewed" not in page


def test_provider_staff_may_raise_only_about_pupils_placed_with_them(county, sign_in):
    client = sign_in(county.people["provider staff"])
    assert client.get(reverse("safeguarding:concern_raise", args=[county.pupil.pk])).status_code == 200
    stranger = PupilFactory(school=county.school)
    assert client.get(reverse("safeguarding:concern_raise", args=[stranger.pk])).status_code == 404
    response = client.post(
        "/api/v1/concerns/",
        {"pupil": stranger.pk, "category": "other", "description": "x", "urgency": "routine"},
    )
    assert response.status_code == 400 and not Concern.objects.exists()


def test_filtering_concerns_by_a_pupil_you_cannot_see_answers_as_for_a_missing_id(county, sign_in):
    hidden = _raise(county, county.people["raiser"], county.placement)
    client = sign_in(county.people["other-school DSL"])
    unseen = client.get("/api/v1/concerns/", {"pupil": hidden.pupil_id})
    missing = client.get("/api/v1/concerns/", {"pupil": 987654321})
    assert (unseen.status_code, unseen.json()) == (missing.status_code, missing.json())
    assert unseen.status_code == 200 and unseen.json()["results"] == []
