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
