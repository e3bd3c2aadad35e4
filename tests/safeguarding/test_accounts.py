"""Two-factor sign-in for DSLs and heads (pages and API tokens) and login throttling for all."""

import pyotp
import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from apdash.models import Role
from tests.factories import PASSWORD, SchoolFactory, member

pytestmark = pytest.mark.django_db


def _totp(device):
    import base64

    return pyotp.TOTP(base64.b32encode(device.bin_key).decode())


def test_a_dsl_sets_up_an_authenticator_with_a_qr_code_and_then_reaches_the_page_they_asked_for(
    client, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code otherwise locks the device for a second
    dsl = member(Role.DSL, school=SchoolFactory())
    client.force_login(dsl)
    response = client.get(reverse("safeguarding:inbox"), follow=True)
    page = response.content.decode()
    assert "Set up two-factor authentication" in page and "<svg" in page
    device = TOTPDevice.objects.get(user=dsl, confirmed=False)

    wrong = client.post(response.request["PATH_INFO"] + "?next=/safeguarding/inbox/", {"code": "000000"})
    assert "That code is not right or has expired" in wrong.content.decode()
    assert "govuk-error-summary" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=dsl, confirmed=True).exists()

    right = client.post(
        reverse("otp_setup"), {"code": _totp(device).now(), "next": reverse("safeguarding:inbox")}
    )
    assert right.status_code == 302 and right["Location"] == reverse("safeguarding:inbox")
    assert client.get(reverse("safeguarding:inbox")).status_code == 200


def test_the_next_address_must_be_on_this_site(client):
    head = member(Role.HEAD, school=SchoolFactory())
    device = TOTPDevice.objects.create(user=head, name="app", confirmed=True)
    client.force_login(head)
    response = client.post(
        reverse("otp_verify"), {"code": _totp(device).now(), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_an_api_token_for_a_dsl_needs_a_valid_one_time_code(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    dsl = member(Role.DSL, school=SchoolFactory(), email="dsl@wendlow.example")
    device = TOTPDevice.objects.create(user=dsl, name="app", confirmed=True)
    url = reverse("api-token")
    body = {"email": "dsl@wendlow.example", "password": PASSWORD}
    missing = client.post(url, body, content_type="application/json")
    assert missing.status_code == 400 and "otp" in missing.json()
    wrong = client.post(url, {**body, "otp": "123456"}, content_type="application/json")
    assert wrong.status_code == 400 and "otp" in wrong.json()
    right = client.post(url, {**body, "otp": _totp(device).now()}, content_type="application/json")
    assert right.status_code == 200 and right.json()["token"]


def test_an_api_token_for_a_coordinator_needs_no_code(client):
    member(Role.SCHOOL_COORDINATOR, school=SchoolFactory(), email="sam@wendlow.example")
    response = client.post(
        reverse("api-token"),
        {"email": "sam@wendlow.example", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200


def test_repeated_wrong_passwords_lock_the_login_even_with_the_right_one(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    member(Role.SCHOOL_COORDINATOR, school=SchoolFactory(), email="sam@wendlow.example")
    for _ in range(3):
        client.post(reverse("login"), {"username": "sam@wendlow.example", "password": "guess"})
    response = client.post(reverse("login"), {"username": "sam@wendlow.example", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_coordinator_signs_in_with_a_password_alone(client):
    member(Role.SCHOOL_COORDINATOR, school=SchoolFactory(), email="sam@wendlow.example")
    response = client.post(reverse("login"), {"username": "sam@wendlow.example", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("safeguarding:index")).status_code == 200
