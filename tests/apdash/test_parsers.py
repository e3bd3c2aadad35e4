"""The API's JSON parser: bodies too large or nested too deeply are refused, never a 500."""

import json

import pytest
from rest_framework.test import APIClient

from apdash.models import Role
from apdash.parsers import json_depth
from tests.factories import SchoolFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client():
    client = APIClient()
    client.force_authenticate(member(Role.SCHOOL_COORDINATOR, school=SchoolFactory()))
    return client


def test_a_body_nested_100000_levels_deep_is_a_400(coordinator_client):
    body = "[" * 100_000 + "]" * 100_000
    response = coordinator_client.post("/api/v1/pupils/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"] or "nests" in response.json()["detail"]


def test_a_body_nested_past_the_setting_is_a_400(coordinator_client, settings):
    settings.APDASH_API_MAX_JSON_DEPTH = 3
    body = json.dumps({"first_name": {"a": {"b": {"c": 1}}}})
    response = coordinator_client.post("/api/v1/pupils/", body, content_type="application/json")
    assert response.status_code == 400
    assert "deeper than 3" in response.json()["detail"]


def test_a_body_over_the_upload_limit_is_refused_as_too_large(coordinator_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"first_name": "x" * 2000})
    response = coordinator_client.post("/api/v1/pupils/", body, content_type="application/json")
    assert response.status_code == 413


def test_the_request_body_cap_is_set():
    from django.conf import settings

    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2.5 * 1024 * 1024


def test_depth_counts_nesting_without_recursion():
    assert json_depth(1) == 0
    assert json_depth({"a": [1, {"b": []}]}) == 4
    deep = []
    for _ in range(50_000):
        deep = [deep]
    assert json_depth(deep) == 50_001
