import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode

from apdash.models import Role
from tests.factories import (
    AttendanceMarkFactory,
    ClosureFactory,
    FlagFactory,
    FollowUpFactory,
    HalfTermFactory,
    PupilFactory,
    SchoolFactory,
    VisitFactory,
    member,
    placement_with_timetable,
)

pytestmark = pytest.mark.django_db

RESOURCES = [
    "auth/token",
    "partnerships",
    "schools",
    "half-terms",
    "closures",
    "pupils",
    "providers",
    "placements",
    "visits",
    "attendance",
    "follow-ups",
    "flags",
    "readiness",
    "evidence-packs",
    "provider-audits",
    "qa-visits",
    "risk-assessments",
    "inductions",
    "learning-plans",
    "reviews",
    "qualifications",
    "outcomes",
]


def test_the_schema_is_valid_openapi_3_and_lists_every_resource(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    for resource in RESOURCES:
        assert f"/api/v1/{resource}/" in schema["paths"], resource
    assert "post" in schema["paths"]["/api/v1/flags/{id}/resolve/"]
    placement = schema["components"]["schemas"]["Placement"]["properties"]
    assert {"timetable", "weekly_hours", "days_per_week", "hours_warning"} <= set(placement)
    assert placement["weekly_hours"]["readOnly"] is True


def test_the_docs_page_renders_from_our_own_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    # Swagger UI's start-up script is a file of its own (the CSP allows no inline script); it
    # points at the schema.
    script = client.get("/api/docs/?script=").content.decode()
    assert "/api/schema/" in script
    # No CDN: the machine running the service may have no internet access.
    assert "cdn." not in page and "unpkg" not in page


@pytest.fixture
def wsgi_app():
    """The real WSGI app, sharing the test's database transaction (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_schemathesis_finds_no_server_error_in_any_operation(wsgi_app):
    """Acceptance 4: valid and invalid requests to every operation, as a partnership co-ordinator
    with data in place; a bounded run (a few examples per operation)."""
    school = SchoolFactory()
    placement = placement_with_timetable(pupil=PupilFactory(school=school))
    follow_up = FollowUpFactory(attendance=AttendanceMarkFactory(placement=placement, code="N"))
    # Detail operations address these real objects, so updates reach the services behind them.
    existing = {
        "partnerships": school.partnership_id,
        "schools": school.id,
        "half-terms": HalfTermFactory(partnership=school.partnership).id,
        "closures": ClosureFactory(school=school).id,
        "pupils": placement.pupil_id,
        "providers": placement.provider_id,
        "placements": placement.id,
        "visits": VisitFactory(placement=placement).id,
        "attendance": follow_up.attendance_id,
        "follow-ups": follow_up.id,
        "flags": FlagFactory(school=school, pupil=placement.pupil, placement=placement).id,
    }
    user = member(Role.PARTNERSHIP_COORDINATOR, partnership=school.partnership)
    headers = {"Authorization": f"Token {Token.objects.create(user=user).key}"}

    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    failures, statuses = [], []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:
        resource = operation.path.split("/")[3]
        fixed = {"id": existing[resource]} if "{id}" in operation.path and resource in existing else None
        strategy = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters=fixed),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE, path_parameters=fixed),
        )

        @settings(
            max_examples=12,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case):
            response = case.call(headers=headers)
            statuses.append(response.status_code)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} → {response.status_code}: {case.as_curl_command()}"
                )

        run()
    assert failures == []
    # The token worked and valid requests got through, so the run reached the code behind the checks.
    assert {200, 201} <= set(statuses)
