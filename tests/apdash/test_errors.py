"""Error pages (issue 17 §16): GOV.UK-styled 403, 404, 429 and 500, never Django's debug page,
in the demo's settings as in production's."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from django.views import defaults

from apdash.models import Role
from tests.factories import PASSWORD, SchoolFactory, member, placement_with_timetable

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_settings_run_with_debug_off():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(DJANGO_SETTINGS_MODULE="apdash.settings", DATABASE_URL="sqlite:///:memory:")
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.strip() == "False", out.stderr[-2000:]


def test_a_missing_page_is_the_services_404_without_the_url_list_even_for_provider_staff(client):
    client.force_login(member(Role.PROVIDER_STAFF, provider=placement_with_timetable().provider))
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page and "govuk-template" in page
    assert "URLconf" not in page and "urlpatterns" not in page and "admin/" not in page


def test_a_refusal_is_the_services_403():
    request = RequestFactory().get("/")
    response = defaults.permission_denied(request, PermissionDenied())
    page = response.content.decode()
    assert response.status_code == 403 and "You cannot open this page" in page and "govuk-template" in page


def test_a_server_error_is_the_services_500_and_needs_no_request_context():
    response = defaults.server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page and "govuk-template" in page


def test_an_expired_form_says_so(client):
    client = client.__class__(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x@example.com", "password": "y"})
    assert response.status_code == 403 and "The form has expired" in response.content.decode()


def test_a_locked_out_sign_in_says_when_it_unlocks_and_who_to_ask(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = 1  # hours
    member(Role.SCHOOL_COORDINATOR, school=SchoolFactory(), email="sam@wendlow.example")
    for _ in range(2):
        client.post(reverse("login"), {"username": "sam@wendlow.example", "password": "guess"})
    response = client.post(reverse("login"), {"username": "sam@wendlow.example", "password": PASSWORD})
    page = response.content.decode()
    assert response.status_code == 429
    assert "Your account is locked for now" in page and "govuk-template" in page
    assert "You can try again at " in page
    assert "ask your school&#x27;s or partnership&#x27;s apdash administrator" in page
