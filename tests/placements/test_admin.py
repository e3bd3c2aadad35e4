"""The admin writes through the services: a placement with its timetable inline is validated
(clashes, timetable rules), audited and re-checked like one made on its page; flags are resolved
with the flag service; other domain records are shown, not edited."""

from datetime import date

import pytest
from django.urls import reverse

from apdash.models import AuditEvent
from placements.models import Flag, Placement
from tests.factories import FlagFactory, ProviderFactory, PupilFactory, UserFactory, placement_with_timetable

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def placement_form(pupil, provider, *slots):
    data = {
        "pupil": pupil.pk,
        "provider": provider.pk,
        "start_date": "2026-09-07",
        "status": "active",
        "reason": "Vocational course",
        "commissioned_by": "school",
        "arranged_by": "school",
        "timetable-TOTAL_FORMS": str(len(slots)),
        "timetable-INITIAL_FORMS": "0",
        "timetable-MIN_NUM_FORMS": "0",
        "timetable-MAX_NUM_FORMS": "1000",
    }
    for n, (weekday, start, end) in enumerate(slots):
        data |= {f"timetable-{n}-weekday": weekday, f"timetable-{n}-start": start, f"timetable-{n}-end": end}
    return data


def test_a_placement_added_in_the_admin_is_saved_with_its_timetable_through_the_service(admin_client):
    pupil, provider = PupilFactory(), ProviderFactory()
    response = admin_client.post(
        reverse("admin:placements_placement_add"),
        placement_form(pupil, provider, (0, "09:00", "12:00"), (2, "09:00", "15:00")),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    placement = Placement.objects.get(pupil=pupil)
    assert sorted(placement.timetable.values_list("weekday", flat=True)) == [0, 2]
    assert AuditEvent.objects.filter(action="placement.created", object_id=str(placement.pk)).exists()


def test_a_placement_that_clashes_with_another_is_refused_in_the_admin_and_nothing_is_saved(admin_client):
    existing = placement_with_timetable(days=(0,), start_date=date(2026, 9, 7))
    response = admin_client.post(
        reverse("admin:placements_placement_add"),
        placement_form(existing.pupil, ProviderFactory(), (0, "10:00", "11:00")),
        follow=True,
    )
    assert "timetabled" in response.content.decode() or "clash" in response.content.decode().lower()
    assert Placement.objects.filter(pupil=existing.pupil).count() == 1


def test_flags_are_resolved_in_the_admin_with_the_flag_service_and_not_edited(admin_client):
    flag = FlagFactory()
    response = admin_client.post(
        reverse("admin:placements_flag_changelist"), {"action": "resolve", "_selected_action": [flag.pk]}
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.resolved_by is not None and flag.resolution
    assert AuditEvent.objects.filter(action="flag.resolved", object_id=str(flag.pk)).exists()
    assert admin_client.post(reverse("admin:placements_flag_change", args=[flag.pk]), {}).status_code == 403


def test_marks_and_reviews_are_shown_in_the_admin_but_not_added_there(admin_client):
    assert admin_client.get(reverse("admin:placements_attendancemark_add")).status_code == 403
    assert admin_client.get(reverse("admin:placements_review_add")).status_code == 403
    assert admin_client.get(reverse("admin:placements_review_changelist")).status_code == 200
    assert Flag.objects.count() == 0
