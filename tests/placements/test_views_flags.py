import pytest
from django.urls import reverse

from apdash.models import Role
from placements.models import Flag
from tests.factories import (
    FlagFactory,
    PartnershipFactory,
    PupilFactory,
    SchoolFactory,
    member,
    placement_with_timetable,
    sign_in_with_two_factor,
)

pytestmark = pytest.mark.django_db


def pupil_flag(school, **fields):
    placement = placement_with_timetable(pupil=PupilFactory(school=school))
    fields.setdefault("message", f"No register for {placement.pupil.full_name}")
    return FlagFactory(
        kind=Flag.Kind.ATTENDANCE_MISSING,
        school=school,
        pupil=placement.pupil,
        placement=placement,
        provider=placement.provider,
        subject_date=placement.start_date,
        details={"session": "AM"},
        **fields,
    )


def test_a_school_coordinator_sees_only_their_schools_flags(client):
    partnership = PartnershipFactory()
    mine, other = SchoolFactory(partnership=partnership), SchoolFactory(partnership=partnership)
    own, theirs = pupil_flag(mine), pupil_flag(other)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=mine))
    page = client.get(reverse("placements:flag_list")).content.decode()
    assert own.message in page and theirs.message not in page


def test_a_partnership_coordinator_sees_every_school_grouped_by_kind(client):
    partnership = PartnershipFactory()
    a, b = SchoolFactory(partnership=partnership), SchoolFactory(partnership=partnership)
    flags = [pupil_flag(a), pupil_flag(b)]
    outsider = pupil_flag(SchoolFactory())
    client.force_login(member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership))
    response = client.get(reverse("placements:flag_list"))
    page = response.content.decode()
    assert all(f.message in page for f in flags) and outsider.message not in page
    assert response.context["grouped"]
    assert '<h3 class="govuk-heading-s">Attendance not received</h3>' in page


def test_each_flag_links_to_its_pupil_its_provider_and_where_to_resolve_it(client):
    school = SchoolFactory()
    flags = [pupil_flag(school), pupil_flag(school)]
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    page = client.get(reverse("placements:flag_list")).content.decode()
    for flag in flags:
        assert f'href="{reverse("placements:pupil_detail", args=[flag.pupil_id])}"' in page
        assert f'href="{reverse("providers:provider_detail", args=[flag.provider_id])}"' in page
        assert f'href="{reverse("placements:flag_resolve", args=[flag.pk])}"' in page


def test_a_head_sees_summary_counts_not_the_list(client):
    school = SchoolFactory()
    flag = pupil_flag(school, severity=Flag.Severity.RED)
    sign_in_with_two_factor(client, member(Role.HEAD, school=school))
    response = client.get(reverse("placements:flag_list"))
    page = response.content.decode()
    assert flag.message not in page
    assert response.context["summary"] == [
        {"kind": "attendance_missing", "label": "Attendance not received", "red": 1, "amber": 0}
    ]


def test_provider_staff_get_404(client):
    placement = placement_with_timetable()
    client.force_login(member(Role.PROVIDER_STAFF, provider=placement.provider))
    assert client.get(reverse("placements:flag_list")).status_code == 404


def test_a_provider_wide_flag_reaches_schools_with_pupils_there_only(client):
    school, elsewhere = SchoolFactory(), SchoolFactory()
    placement = placement_with_timetable(pupil=PupilFactory(school=school))
    flag = FlagFactory(
        kind=Flag.Kind.HOURS_BREACH_PROVIDER,
        severity="red",
        provider=placement.provider,
        message="Unregistered provider has 5 full-time pupils",
    )
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    assert flag.message in client.get(reverse("placements:flag_list")).content.decode()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=elsewhere))
    assert flag.message not in client.get(reverse("placements:flag_list")).content.decode()


def test_filters_narrow_the_list_and_resolved_flags_show_only_when_asked(client):
    school = SchoolFactory()
    amber = pupil_flag(school)
    red = pupil_flag(school, severity=Flag.Severity.RED, message="Absent, not followed up")
    done = pupil_flag(school, message="Already sorted")
    done.resolved_at, done.resolution = done.opened_at, "Register arrived by phone."
    done.save()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    page = client.get(reverse("placements:flag_list"), {"severity": "red"}).content.decode()
    assert red.message in page and amber.message not in page and done.message not in page
    page = client.get(reverse("placements:flag_list"), {"status": "resolved"}).content.decode()
    assert done.message in page and "Register arrived by phone." in page and red.message not in page


def test_a_bad_filter_value_is_reported_not_ignored(client):
    school = SchoolFactory()
    flag = pupil_flag(school)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    page = client.get(reverse("placements:flag_list"), {"kind": "nonsense"}).content.decode()
    assert "Select a valid choice" in page and flag.message not in page


@pytest.mark.parametrize("rows", [10, 200])
def test_the_flags_page_makes_a_fixed_number_of_queries(client, django_assert_max_num_queries, rows):
    partnership = PartnershipFactory()
    schools = [SchoolFactory(partnership=partnership) for _ in range(3)]
    placement = placement_with_timetable(pupil=PupilFactory(school=schools[0]))
    FlagFactory.create_batch(
        rows,
        kind=Flag.Kind.VISIT_OVERDUE,
        severity="red",
        school=schools[0],
        pupil=placement.pupil,
        placement=placement,
        provider=placement.provider,
    )
    client.force_login(member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("placements:flag_list")).status_code == 200


def test_resolving_with_a_reason_records_who_and_why(client):
    school = SchoolFactory()
    flag = pupil_flag(school)
    user = member(Role.SCHOOL_COORDINATOR, school=school)
    client.force_login(user)
    url = reverse("placements:flag_resolve", args=[flag.pk])
    response = client.post(url, {"resolution": "Provider confirmed by phone: pupil present."})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert (flag.resolved_by, flag.resolution) == (user, "Provider confirmed by phone: pupil present.")


def test_resolving_without_a_reason_shows_an_error_and_changes_nothing(client):
    school = SchoolFactory()
    flag = pupil_flag(school)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    response = client.post(reverse("placements:flag_resolve", args=[flag.pk]), {"resolution": "  "})
    assert response.status_code == 200
    assert "Say why this flag is resolved" in response.content.decode()
    flag.refresh_from_db()
    assert flag.is_open


def test_another_schools_flag_cannot_be_resolved_and_is_404(client):
    flag = pupil_flag(SchoolFactory())
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=SchoolFactory()))
    url = reverse("placements:flag_resolve", args=[flag.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"resolution": "Not mine"}).status_code == 404
    flag.refresh_from_db()
    assert flag.is_open


def test_the_flags_page_is_in_the_service_navigation(client):
    school = SchoolFactory()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    response = client.get(reverse("placements:flag_list"))
    assert {"label": "Flags", "url": reverse("placements:flag_list"), "active": True} in response.context[
        "service_navigation"
    ]
