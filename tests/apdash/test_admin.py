"""The calendar in the admin saves through the calendar service, as the API does: audited, and
a closure between a school and a partnership refused with the model's message, saving nothing."""

import pytest
from django.urls import reverse

from apdash.models import AuditEvent, Closure
from tests.factories import SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_a_closure_added_in_the_admin_is_audited_like_one_added_through_the_api(admin_client):
    school = SchoolFactory()
    response = admin_client.post(
        reverse("admin:apdash_closure_add"),
        {"date": "2026-11-23", "school": school.pk, "reason": "INSET day"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    closure = Closure.objects.get(school=school)
    assert AuditEvent.objects.filter(action="closure.created", object_id=str(closure.pk)).exists()


def test_a_closure_with_neither_school_nor_partnership_is_refused_in_the_admin_and_saves_nothing(
    admin_client,
):
    response = admin_client.post(
        reverse("admin:apdash_closure_add"), {"date": "2026-11-23", "reason": "Snow"}
    )
    assert response.status_code == 200
    assert not Closure.objects.exists()
    assert not AuditEvent.objects.filter(action="closure.created").exists()
