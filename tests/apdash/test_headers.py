"""Headers on every response (issue 13 §14): a Content-Security-Policy the pages and the API docs
satisfy, and `Cache-Control: no-store` wherever pupil data is answered."""

import re

import pytest
from django.urls import reverse

from apdash.models import Role
from tests.factories import PupilFactory, SchoolFactory, member

pytestmark = pytest.mark.django_db


def _policy(response):
    return dict(
        (part.split()[0], part.split()[1:])
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )


def test_pages_carry_a_policy_whose_nonce_their_inline_scripts_use(client):
    school = SchoolFactory()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    response = client.get(reverse("placements:pupil_list"))
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    nonce = next(v for v in policy["script-src"] if v.startswith("'nonce-"))[len("'nonce-") : -1]
    scripts = re.findall(r"<script([^>]*)>", response.content.decode())
    inline = [attrs for attrs in scripts if "src=" not in attrs]
    assert inline and all(f'nonce="{nonce}"' in attrs for attrs in inline)
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]


def test_the_api_docs_load_their_scripts_as_files(client):
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=SchoolFactory()))
    page = client.get(reverse("api-docs"))
    assert page.status_code == 200 and "Content-Security-Policy" in page
    scripts = re.findall(r"<script([^>]*)>", page.content.decode())
    assert scripts and all("src=" in attrs for attrs in scripts)
    start = re.search(r'<script src="([^"]*\?script=[^"]*)"', page.content.decode()).group(1)
    assert client.get(start.replace("&amp;", "&")).status_code == 200


def test_pages_exports_and_the_api_are_never_stored(client):
    school = SchoolFactory()
    PupilFactory(school=school)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    for url in (
        reverse("placements:pupil_list"),
        reverse("placements:pupil_export"),
        reverse("placements:placement_export"),
        "/api/v1/pupils/",
        reverse("login"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
