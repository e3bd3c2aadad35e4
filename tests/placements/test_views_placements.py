from datetime import date, time

import pytest
from django.urls import reverse

from apdash.models import Role
from placements.models import Placement, TimetableSlot
from tests.factories import (
    PartnershipFactory,
    ProviderFactory,
    PupilFactory,
    SchoolFactory,
    member,
    placement_with_timetable,
    sign_in_with_two_factor,
)

pytestmark = pytest.mark.django_db


def placement_post(pupil, provider, slots, **extra):
    data = {
        "pupil": pupil.pk,
        "provider": provider.pk,
        "start_date": "02/11/2026",
        "census_reason": "SEM",
        "reason": "Re-engage with learning",
        "rationale": "Small group, vocational, close to home",
        "goal": "reintegration",
        "qualifications": "GCSE English and maths",
        "commissioned_by": "school",
        "provider_has_main_responsibility": "no",
        "slots-TOTAL_FORMS": str(len(slots)),
        "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "20",
    }
    for i, (weekday, start, end) in enumerate(slots):
        data |= {f"slots-{i}-weekday": str(weekday), f"slots-{i}-start": start, f"slots-{i}-end": end}
    return data | extra


@pytest.fixture
def coordinator(client):
    school = SchoolFactory()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    return school


def test_a_coordinator_adds_a_placement_with_a_two_day_timetable(client, coordinator):
    pupil, provider = PupilFactory(school=coordinator), ProviderFactory()
    response = client.post(
        reverse("placements:placement_create"),
        placement_post(pupil, provider, [(0, "09:00", "15:00"), (2, "09:00", "12:30")]),
    )
    assert response.status_code == 302
    placement = Placement.objects.get()
    assert placement.start_date == date(2026, 11, 2)
    assert placement.goal == "reintegration"
    assert [(s.weekday, s.start, s.end) for s in placement.timetable.all()] == [
        (0, time(9), time(15)),
        (2, time(9), time(12, 30)),
    ]


def test_a_three_day_timetable_at_an_unregistered_provider_needs_confirming(client, coordinator):
    pupil, provider = PupilFactory(school=coordinator), ProviderFactory()
    data = placement_post(
        pupil, provider, [(0, "09:00", "12:00"), (1, "09:00", "12:00"), (2, "09:00", "12:00")]
    )
    response = client.post(reverse("placements:placement_create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "3 days a week (3 or more)" in page and "There is a problem" in page
    assert not Placement.objects.exists()
    response = client.post(reverse("placements:placement_create"), data | {"confirm_breach": "on"})
    assert response.status_code == 302
    assert Placement.objects.get().timetable.count() == 3


def test_the_live_hours_check_warns_before_saving(client, coordinator):
    pupil, provider = PupilFactory(school=coordinator), ProviderFactory()
    data = placement_post(
        pupil, provider, [(0, "08:00", "15:00"), (1, "08:00", "15:00"), (3, "08:00", "15:00")]
    )
    data["reason"] = ""  # still being filled in
    response = client.post(reverse("placements:placement_hours_check"), data, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "21 hours a week (more than 18)" in page and "3 days a week" in page
    assert "<html" not in page
    assert not Placement.objects.exists()


def test_the_live_hours_check_is_quiet_at_a_registered_provider(client, coordinator):
    pupil = PupilFactory(school=coordinator)
    provider = ProviderFactory(registration_status="registered")
    data = placement_post(pupil, provider, [(d, "08:00", "15:00") for d in range(5)])
    response = client.post(reverse("placements:placement_hours_check"), data)
    assert "breaks" not in response.content.decode()


def test_overlapping_sessions_and_times_outside_the_day_are_refused(client, coordinator):
    pupil, provider = PupilFactory(school=coordinator), ProviderFactory()
    data = placement_post(
        pupil, provider, [(0, "09:00", "12:00"), (0, "11:00", "13:00"), (1, "06:30", "10:00")]
    )
    page = client.post(reverse("placements:placement_create"), data).content.decode()
    assert "Monday: 11:00–13:00 overlaps 09:00–12:00." in page
    assert "Tuesday: times must be between 07:00 and 19:00." in page
    assert not Placement.objects.exists()


def test_an_end_time_before_the_start_is_refused(client, coordinator):
    pupil, provider = PupilFactory(school=coordinator), ProviderFactory()
    page = client.post(
        reverse("placements:placement_create"), placement_post(pupil, provider, [(4, "13:00", "09:00")])
    ).content.decode()
    assert "Friday: the end time must be after the start time." in page
    assert not Placement.objects.exists()


def test_add_another_session_adds_a_row_without_saving_or_complaining(client, coordinator):
    pupil, provider = PupilFactory(school=coordinator), ProviderFactory()
    data = placement_post(pupil, provider, [(0, "09:00", "15:00")], reason="", add_slot="1")
    page = client.post(reverse("placements:placement_create"), data).content.decode()
    assert 'name="slots-1-weekday"' in page
    assert "There is a problem" not in page
    assert not Placement.objects.exists()


def test_editing_replaces_the_timetable_and_removes_ticked_sessions(client, coordinator):
    placement = placement_with_timetable(pupil=PupilFactory(school=coordinator), days=(0, 1))
    data = placement_post(placement.pupil, placement.provider, [(0, "09:00", "15:00"), (1, "09:00", "15:00")])
    data |= {"slots-INITIAL_FORMS": "2", "slots-1-DELETE": "on"}
    del data["pupil"]
    response = client.post(reverse("placements:placement_edit", args=[placement.pk]), data)
    assert response.status_code == 302
    assert list(TimetableSlot.objects.filter(placement=placement).values_list("weekday", flat=True)) == [0]


def test_the_edit_form_shows_the_current_timetable(client, coordinator):
    placement = placement_with_timetable(pupil=PupilFactory(school=coordinator), days=(3,))
    page = client.get(reverse("placements:placement_edit", args=[placement.pk])).content.decode()
    assert 'value="09:00"' in page and '<option value="3" selected>Thursday</option>' in page


def test_ending_a_placement_keeps_it_with_its_reason(client, coordinator):
    placement = placement_with_timetable(pupil=PupilFactory(school=coordinator))
    response = client.post(
        reverse("placements:placement_end", args=[placement.pk]),
        {"end_date": "20/11/2026", "end_reason": "reintegrated", "end_notes": "Back full time"},
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert (placement.end_date, placement.status, placement.end_reason) == (
        date(2026, 11, 20),
        "ended",
        "reintegrated",
    )
    page = client.get(reverse("placements:pupil_detail", args=[placement.pupil.pk])).content.decode()
    assert "Past placements" in page and "Reintegrated to mainstream" in page


def test_an_end_date_before_the_start_is_refused(client, coordinator):
    placement = placement_with_timetable(pupil=PupilFactory(school=coordinator))
    page = client.post(
        reverse("placements:placement_end", args=[placement.pk]),
        {"end_date": "01/01/2020", "end_reason": "other"},
    ).content.decode()
    assert "The end date must be on or after the start date" in page
    placement.refresh_from_db()
    assert placement.end_date is None


def test_another_schools_placement_cannot_be_edited_or_ended(client, coordinator):
    placement = placement_with_timetable()
    assert client.get(reverse("placements:placement_edit", args=[placement.pk])).status_code == 404
    assert client.get(reverse("placements:placement_end", args=[placement.pk])).status_code == 404


def test_a_coordinator_cannot_place_another_schools_pupil(client, coordinator):
    outsider = PupilFactory()
    response = client.post(
        reverse("placements:placement_create"),
        placement_post(outsider, ProviderFactory(), [(0, "09:00", "12:00")]),
    )
    assert response.status_code == 200
    assert not Placement.objects.exists()


def test_heads_and_provider_staff_cannot_add_placements(client):
    school = SchoolFactory()
    sign_in_with_two_factor(client, member(Role.HEAD, school=school))
    assert client.get(reverse("placements:placement_create")).status_code == 404
    client.force_login(member(Role.PROVIDER_STAFF, provider=ProviderFactory()))
    assert client.get(reverse("placements:placement_create")).status_code == 404


def test_placements_export_lists_only_the_users_placements_with_hours(client):
    partnership = PartnershipFactory()
    school = SchoolFactory(partnership=partnership)
    mine = placement_with_timetable(pupil=PupilFactory(school=school), days=(0, 1))
    other = placement_with_timetable()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    response = client.get(reverse("placements:placement_export"))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert mine.pupil.upn in text and other.pupil.upn not in text
    assert "Hours a week" in text.splitlines()[0]
    assert ",12," in text


def test_the_warning_counts_the_pupils_other_placements_at_the_same_provider(client, coordinator):
    pupil, provider = PupilFactory(school=coordinator), ProviderFactory()
    placement_with_timetable(pupil=pupil, provider=provider, days=(0, 1), start=time(9), end=time(12))
    # An ended placement there, and a placement at another provider, are not part of this week.
    placement_with_timetable(
        pupil=pupil, provider=provider, days=(4,), start_date=date(2026, 9, 1), end_date=date(2026, 10, 1)
    )
    placement_with_timetable(pupil=pupil, days=(2,))
    data = placement_post(pupil, provider, [(3, "09:00", "12:00")])
    live = client.post(reverse("placements:placement_hours_check"), data, HTTP_HX_REQUEST="true")
    assert "3 days a week (3 or more)" in live.content.decode()
    assert "other placements at this provider" in live.content.decode()
    response = client.post(reverse("placements:placement_create"), data)
    assert "3 days a week (3 or more)" in response.content.decode()
    assert Placement.objects.filter(pupil=pupil, provider=provider).count() == 2
    response = client.post(reverse("placements:placement_create"), data | {"confirm_breach": "on"})
    assert response.status_code == 302


def test_the_live_warning_on_a_changed_placement_counts_the_others_but_not_itself(client, coordinator):
    pupil, provider = PupilFactory(school=coordinator), ProviderFactory()
    placement_with_timetable(pupil=pupil, provider=provider, days=(0, 1), start=time(9), end=time(12))
    changing = placement_with_timetable(
        pupil=pupil, provider=provider, days=(3,), start=time(9), end=time(12)
    )
    url = f"{reverse('placements:placement_hours_check')}?placement={changing.pk}"
    data = placement_post(pupil, provider, [(3, "09:00", "12:00")])
    del data["pupil"]  # fixed on the edit form, so not sent
    assert "3 days a week (3 or more)" in client.post(url, data).content.decode()
    data |= {"slots-0-weekday": "1"}
    assert "days a week" not in client.post(url, data).content.decode()


def test_the_live_warning_for_another_schools_placement_is_404(client, coordinator):
    placement = placement_with_timetable()
    data = placement_post(placement.pupil, placement.provider, [(0, "09:00", "12:00")])
    url = f"{reverse('placements:placement_hours_check')}?placement={placement.pk}"
    assert client.post(url, data).status_code == 404
