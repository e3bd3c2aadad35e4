"""Issue 18 items 5 and 17 over the API: exempt needs a reason; every registration status records
when it was last checked; spaces inside a pasted UPN are ignored."""

import pytest
from django.utils import timezone

from providers.models import Provider
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def test_exempt_needs_a_reason_and_every_status_records_when_it_was_checked(api, world):
    client = api(world.partnership_coordinator)
    body = {"name": "Wendlow College", "registration_status": "exempt", "provider_type": "fe_college"}
    refused = client.post("/api/v1/providers/", body, format="json")
    assert refused.status_code == 400 and "exempt_reason" in refused.json()
    made = client.post("/api/v1/providers/", {**body, "exempt_reason": "FE college"}, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["registration_checked_on"] == timezone.localdate().isoformat()
    assert made.json()["exempt_reason"] == "FE college"
    # Only the partnership using or adding a provider may change its registration (issue 13 #5).
    Provider.objects.filter(pk=world.provider.pk).update(added_by_partnership=world.partnership)
    changed = client.patch(
        f"/api/v1/providers/{world.provider.id}/",
        {
            "registration_status": "registered",
            "registration_checked_on": "2026-11-02",
            "registration_check_notes": "GIAS: an open independent school",
        },
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["registration_checked_on"] == "2026-11-02"


def test_a_pupil_added_over_the_api_with_a_spaced_upn_is_stored_without_spaces(client):
    from apdash.models import Role
    from placements.core.models import Pupil
    from tests.factories import member

    school = SchoolFactory()
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(member(Role.SCHOOL_COORDINATOR, school=school))
    response = api.post(
        "/api/v1/pupils/",
        {
            "upn": "B801 2000 0500 1",
            "first_name": "Ada",
            "last_name": "Price",
            "date_of_birth": "2011-03-04",
            "year_group": 10,
            "school": school.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Pupil.objects.get().upn == "B801200005001"
