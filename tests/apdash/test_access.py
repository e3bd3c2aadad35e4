"""Who reaches what before any view runs (issue 13 §11–12): a DSL or head gives the second factor
at sign-in, before any page; provider staff reach their register and nothing else."""

import base64
from datetime import timedelta

import pyotp
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from apdash.access import PROVIDER_STAFF_VIEWS
from apdash.models import Role
from tests.factories import PASSWORD, SchoolFactory, member, placement_with_timetable

pytestmark = pytest.mark.django_db


def _totp(device):
    return pyotp.TOTP(base64.b32encode(device.bin_key).decode())


def _password_sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def _named_urls_without_arguments(resolver=None, namespace=""):
    """Every named page and API route of the project that takes no argument, from the resolver."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_urls_without_arguments(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.regex.groups:
            name = f"{namespace}{entry.name}"
            try:
                yield name, reverse(name)
            except Exception:  # a pattern with a format suffix or another required part
                continue


@pytest.mark.parametrize("role", [Role.DSL, Role.HEAD])
def test_a_dsl_or_head_with_a_password_alone_reaches_no_page_but_the_one_time_code_step(client, role):
    user = member(role, school=SchoolFactory())
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    _password_sign_in(client, user)
    opened = []
    for name, url in _named_urls_without_arguments():
        if name in {"logout", "login", "otp_setup", "otp_verify", "api-token"}:
            continue
        response = client.get(url)
        if url.startswith("/api/"):
            if response.status_code != 403:
                opened.append((name, response.status_code))
        elif not (response.status_code == 302 and response["Location"].startswith(reverse("otp_verify"))):
            opened.append((name, response.status_code))
    assert opened == []
    assert client.get(reverse("otp_verify")).status_code == 200


def test_signing_in_as_a_dsl_lands_on_the_code_step_and_then_the_home_page(client):
    dsl = member(Role.DSL, school=SchoolFactory())
    device = TOTPDevice.objects.create(user=dsl, name="app", confirmed=True)
    landing = client.get(_password_sign_in(client, dsl)["Location"])
    assert landing.status_code == 302 and landing["Location"].startswith(reverse("otp_verify"))
    done = client.post(reverse("otp_verify"), {"code": _totp(device).now(), "next": "/"})
    assert done["Location"] == "/"
    assert client.get("/").status_code == 200


def test_the_session_key_changes_at_the_one_time_code_step(client):
    head = member(Role.HEAD, school=SchoolFactory())
    device = TOTPDevice.objects.create(user=head, name="app", confirmed=True)
    _password_sign_in(client, head)
    after_password = client.session.session_key
    client.post(reverse("otp_verify"), {"code": _totp(device).now(), "next": "/"})
    assert client.session.session_key != after_password
    assert client.get("/").status_code == 200


def test_a_mistyped_code_then_the_right_one_says_how_long_to_wait_and_then_is_accepted(client, monkeypatch):
    dsl = member(Role.DSL, school=SchoolFactory())
    device = TOTPDevice.objects.create(user=dsl, name="app", confirmed=True)
    _password_sign_in(client, dsl)
    wrong = client.post(reverse("otp_verify"), {"code": "000000"}).content.decode()
    assert "That code is not right" in wrong
    right_at_once = client.post(reverse("otp_verify"), {"code": _totp(device).now()}).content.decode()
    assert "Wait 1 second, then enter the code showing" in right_at_once
    later = timezone.now() + timedelta(seconds=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    right = client.post(reverse("otp_verify"), {"code": _totp(device).at(later), "next": "/"})
    assert right.status_code == 302 and right["Location"] == "/"


def test_provider_staff_reach_their_register_and_no_other_page(client):
    placement = placement_with_timetable()
    client.force_login(member(Role.PROVIDER_STAFF, provider=placement.provider))
    opened = []
    for name, url in _named_urls_without_arguments():
        if name in PROVIDER_STAFF_VIEWS:
            continue
        status = client.get(url).status_code
        if status not in (403, 404):
            opened.append((name, status))
    assert opened == []
    register = reverse("placements:provider_register", args=[placement.provider_id])
    assert client.get(register).status_code == 200
    assert client.get(reverse("home")).status_code == 200


def test_a_provider_staff_member_who_also_holds_a_school_role_is_not_limited(client):
    school = SchoolFactory()
    placement = placement_with_timetable()
    user = member(Role.SCHOOL_COORDINATOR, school=school)
    user.memberships.create(role=Role.PROVIDER_STAFF, provider=placement.provider)
    client.force_login(user)
    assert client.get(reverse("placements:pupil_list")).status_code == 200
