"""Provider staff's day (issue 17): a refused register link explains itself and names the school
to ask; the home page lists only the pupils timetabled today; the register shows the minutes
late under "Late" and the reason and note under "Absent"."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apdash.models import Role
from placements.attendance import services as attendance_services
from tests.factories import PupilFactory, member, placement_with_timetable, seed_calendar

pytestmark = pytest.mark.django_db

WEDNESDAY = date(2026, 11, 18)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: WEDNESDAY)
    seed_calendar(2026)
    return WEDNESDAY


def test_an_expired_link_explains_itself_and_names_the_school_to_ask(client, today, monkeypatch):
    placement = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    placement.pupil.school.name = "Wendlow Academy"
    placement.pupil.school.save()
    _, token = attendance_services.register_link_create(provider=placement.provider, date=today)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + timedelta(days=5))
    response = client.get(reverse("placements:register_by_link", args=[token]))
    page = response.content.decode()
    assert response.status_code == 404
    assert "This link has expired or is not valid. Ask Wendlow Academy for a new one" in page
    assert "govuk-template" in page  # the service's GOV.UK page, not a bare error


def test_a_forged_link_is_refused_without_naming_anyone(client, today):
    page = client.get(reverse("placements:register_by_link", args=["not-a-token"])).content.decode()
    assert "This link has expired or is not valid. Ask the school that sent it for a new one" in page


def test_the_provider_home_lists_only_the_pupils_timetabled_today(client, today):
    there = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))  # Wednesdays
    not_today = placement_with_timetable(
        days=(0,), start_date=date(2026, 9, 7), provider=there.provider, pupil=PupilFactory()
    )
    client.force_login(member(Role.PROVIDER_STAFF, provider=there.provider))
    page = client.get(reverse("home")).content.decode()
    assert there.pupil.full_name in page
    assert not_today.pupil.full_name not in page


def test_the_register_reveals_late_minutes_and_absence_reasons_under_their_choice(client, today):
    placement = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    client.force_login(member(Role.PROVIDER_STAFF, provider=placement.provider))
    page = client.get(reverse("placements:provider_register", args=[placement.provider_id])).content.decode()
    prefix = f"{placement.pk}-AM"
    late = page.index(f'id="conditional-late-{prefix}"')
    absent = page.index(f'id="conditional-absent-{prefix}"')
    assert page.index(f'value="late" data-aria-controls="conditional-late-{prefix}"') < late
    assert late < page.index(f'name="late-{prefix}"') < absent
    assert absent < page.index(f'name="reason-{prefix}"') < page.index(f'name="note-{prefix}"')
    assert page.count("govuk-radios__conditional--hidden") >= 2
