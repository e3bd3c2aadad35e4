"""API tokens: a DSL's or head's token counts only if issued with a one-time code (issue 13, item 2)."""

import base64

import pyotp
import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apdash.models import Membership, Role
from tests.factories import PASSWORD, SchoolFactory, member

pytestmark = pytest.mark.django_db

CONCERNS = "/api/v1/concerns/"


def _client(token_key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_key}")
    return client


def test_a_dsl_token_issued_without_a_code_is_refused_with_a_reason():
    dsl = member(Role.DSL, school=SchoolFactory())
    token = Token.objects.create(user=dsl)
    response = _client(token.key).get(CONCERNS)
    assert response.status_code == 401
    assert "one-time code" in response.json()["detail"]


def test_a_dsl_token_issued_with_a_valid_code_reads_concerns(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    dsl = member(Role.DSL, school=SchoolFactory(), email="dsl@wendlow.example")
    device = TOTPDevice.objects.create(user=dsl, name="app", confirmed=True)
    code = pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now()
    issued = APIClient().post(
        reverse("api-token"), {"email": dsl.email, "password": PASSWORD, "otp": code}, format="json"
    )
    assert _client(issued.json()["token"]).get(CONCERNS).status_code == 200


def test_a_coordinators_token_stops_working_when_they_are_made_a_dsl():
    school = SchoolFactory()
    user = member(Role.SCHOOL_COORDINATOR, school=school, email="sam@wendlow.example")
    issued = APIClient().post(
        reverse("api-token"), {"email": user.email, "password": PASSWORD}, format="json"
    )
    key = issued.json()["token"]
    assert _client(key).get("/api/v1/pupils/").status_code == 200

    Membership.objects.create(user=user, role=Role.DSL, school=school)

    assert _client(key).get("/api/v1/pupils/").status_code == 401
    assert _client(key).get(CONCERNS).status_code == 401


# --- Sign-in throttling on the token endpoint (issue 13, item 10) ---------------------------------


def _token(email, password, ip="10.0.0.1"):
    return APIClient().post(
        reverse("api-token"), {"email": email, "password": password}, format="json", REMOTE_ADDR=ip
    )


def test_a_locked_account_gets_no_token_from_another_address_and_is_told_why(settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = member(Role.SCHOOL_COORDINATOR, school=SchoolFactory(), email="sam@wendlow.example")
    assert [_token(user.email, "guess", ip).status_code for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3")] == [
        400,
        400,
        429,  # the failure that reaches the limit locks the account
    ]
    response = _token(user.email, PASSWORD, "10.9.9.9")
    assert response.status_code == 429
    assert "locked" in response.json()["detail"]


def test_one_address_guessing_many_accounts_is_throttled(settings):
    settings.AXES_FAILURE_LIMIT = 3
    school = SchoolFactory()
    victims = [member(Role.SCHOOL_COORDINATOR, school=school) for _ in range(4)]
    for victim in victims[:3]:
        _token(victim.email, "guess", "10.6.6.6")
    assert _token(victims[3].email, PASSWORD, "10.6.6.6").status_code == 429
    assert _token(victims[3].email, PASSWORD, "10.7.7.7").status_code == 200
