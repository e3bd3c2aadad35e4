import csv
import io
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apdash.models import Role
from placements.compliance.checks.notices import run_notices
from placements.core import services
from placements.core.notices import parental_notice_pdf
from placements.models import Flag
from providers.models import Provider
from tests.factories import (
    ClosureFactory,
    PartnershipFactory,
    ProviderFactory,
    PupilFactory,
    SchoolFactory,
    member,
    placement_with_timetable,
    seed_calendar,
)
from tests.inspection.pdf import page_texts

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2026, 11, 16)


def at(day):
    return datetime(day.year, day.month, day.day, 1, 30, tzinfo=LONDON)


def open_flags(kind):
    return list(Flag.objects.filter(kind=kind, resolved_at__isnull=True))


@pytest.fixture
def calendar():
    seed_calendar(2026)


def directed(start=MONDAY, **kwargs):
    kwargs.setdefault("provider", ProviderFactory(registration_status=Provider.RegistrationStatus.REGISTERED))
    return placement_with_timetable(start_date=start, off_site_direction=True, **kwargs)


# --- The letter -----------------------------------------------------------------------------------


def test_the_notice_to_parents_carries_every_item_the_law_asks_for():
    school = SchoolFactory(name="Castle Hill Academy", address="1 Castle Street\nNorthtown")
    provider = ProviderFactory(
        name="Forge Skills Centre", address="Unit 4, Forge Lane\nNorthtown", postcode="NT1 4FG"
    )
    pupil = PupilFactory(school=school, first_name="Kacey", last_name="Walsh")
    placement = placement_with_timetable(
        pupil=pupil,
        provider=provider,
        start_date=MONDAY,
        days=(0, 2),
        start=time(9, 30),
        end=time(14, 45),
        off_site_direction=True,
        reports_to="Ms Dana Okoye, centre manager",
        reason="Repeated suspensions for disruption in lessons",
        objectives="Re-engage with learning and gain a Level 1 construction award",
    )
    text = " ".join(page_texts(parental_notice_pdf(placement, today=date(2026, 11, 10))))
    for item in (
        "Kacey Walsh",
        "Castle Hill Academy",
        "Forge Skills Centre",
        "Unit 4, Forge Lane",
        "NT1 4FG",
        "Ms Dana Okoye, centre manager",
        "2 days a week",
        "Monday: 09:30 to 14:45",
        "Wednesday: 09:30 to 14:45",
        "Repeated suspensions for disruption in lessons",
        "Re-engage with learning and gain a Level 1 construction award",
        "Monday 16 November 2026",
        "Date: 10 November 2026",
    ):
        assert item in text, (item, text)
    assert "local authority" not in text.split("Notice of a direction")[0]


def test_the_notice_for_a_pupil_with_an_ehc_plan_is_addressed_to_the_la_too():
    placement = directed(pupil=PupilFactory(sen_status="ehcp"))
    text = " ".join(page_texts(parental_notice_pdf(placement, today=date(2026, 11, 10))))
    assert "and to the local authority, as" in text and "education, health and care plan" in text


# --- parental_notice_missing ----------------------------------------------------------------------


def test_the_notice_flag_opens_two_school_days_before_the_start_and_resolves_when_recorded(calendar):
    placement = directed()
    run_notices(at(date(2026, 11, 11)))  # Wednesday: three school days to go
    assert open_flags(Flag.Kind.PARENTAL_NOTICE_MISSING) == []
    run_notices(at(date(2026, 11, 12)))  # Thursday: Friday and Monday left
    (flag,) = open_flags(Flag.Kind.PARENTAL_NOTICE_MISSING)
    assert (flag.severity, flag.placement, flag.school) == ("red", placement, placement.pupil.school)
    run_notices(at(date(2026, 11, 12)))
    assert len(open_flags(Flag.Kind.PARENTAL_NOTICE_MISSING)) == 1
    services.parental_notice_record(placement=placement, sent_on=date(2026, 11, 12), how="email")
    run_notices(at(date(2026, 11, 12)))
    assert open_flags(Flag.Kind.PARENTAL_NOTICE_MISSING) == []


def test_a_closure_day_does_not_count_towards_the_notice(calendar):
    placement = directed()
    ClosureFactory(date=date(2026, 11, 13), school=placement.pupil.school)  # INSET on the Friday
    run_notices(at(date(2026, 11, 11)))  # Wednesday: only Thursday and Monday are school days
    assert [f.placement for f in open_flags(Flag.Kind.PARENTAL_NOTICE_MISSING)] == [placement]


def test_the_half_term_holiday_is_not_school_days(calendar):
    directed(start=date(2026, 11, 2))  # the first day after the October half term
    run_notices(at(date(2026, 10, 21)))  # Wednesday: Thursday, Friday and Monday 2 November
    assert open_flags(Flag.Kind.PARENTAL_NOTICE_MISSING) == []
    run_notices(at(date(2026, 10, 22)))
    assert len(open_flags(Flag.Kind.PARENTAL_NOTICE_MISSING)) == 1


def test_no_notice_is_asked_for_without_an_off_site_direction_or_after_the_placement_ends(calendar):
    placement_with_timetable(start_date=MONDAY)
    placement = directed(start=date(2026, 11, 2))
    run_notices(at(MONDAY))
    assert [f.placement for f in open_flags(Flag.Kind.PARENTAL_NOTICE_MISSING)] == [placement]
    services.placement_end(placement=placement, end_date=MONDAY, end_reason="completed")
    run_notices(at(date(2026, 11, 17)))
    assert open_flags(Flag.Kind.PARENTAL_NOTICE_MISSING) == []


# --- la_notification_missing ----------------------------------------------------------------------


def test_the_la_flag_is_amber_before_an_unregistered_placement_starts_and_red_from_its_first_day():
    placement = placement_with_timetable(start_date=MONDAY)  # the factory's provider is unregistered
    placement_with_timetable(
        start_date=MONDAY,
        provider=ProviderFactory(registration_status=Provider.RegistrationStatus.REGISTERED),
    )
    run_notices(at(date(2026, 11, 15)))
    (flag,) = open_flags(Flag.Kind.LA_NOTIFICATION_MISSING)
    assert (flag.severity, flag.placement) == ("amber", placement)
    run_notices(at(MONDAY))
    (flag,) = open_flags(Flag.Kind.LA_NOTIFICATION_MISSING)
    assert flag.severity == "red"
    services.la_notification_record(placement=placement, notified_on=MONDAY, how="portal")
    run_notices(at(MONDAY))
    assert open_flags(Flag.Kind.LA_NOTIFICATION_MISSING) == []


def test_a_notice_cannot_be_recorded_as_sent_in_the_future():
    placement = placement_with_timetable(start_date=MONDAY)
    with pytest.raises(ValidationError):
        services.la_notification_record(placement=placement, notified_on=date(2099, 1, 1), how="email")


def test_the_checks_read_a_fixed_number_of_queries(calendar, django_assert_max_num_queries):
    for _ in range(5):
        directed(start=date(2026, 11, 13), provider=ProviderFactory())
    with django_assert_max_num_queries(20):
        run_notices(at(date(2026, 11, 12)))
    assert len(open_flags(Flag.Kind.PARENTAL_NOTICE_MISSING)) == 5
    assert len(open_flags(Flag.Kind.LA_NOTIFICATION_MISSING)) == 5


# --- Pages ----------------------------------------------------------------------------------------


def test_a_coordinator_downloads_the_letter_and_records_both_notices(client):
    placement = directed(provider=ProviderFactory())
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school))
    pdf = client.get(reverse("placements:parental_notice_pdf", args=[placement.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    url = reverse("placements:placement_notices", args=[placement.pk])
    assert "must be told in writing" in client.get(url).content.decode()
    client.post(url, {"parents-sent_on": "12/11/2026", "parents-how": "post", "parents-submit": "1"})
    client.post(url, {"la-sent_on": "13/11/2026", "la-how": "email", "la-submit": "1"})
    placement.refresh_from_db()
    assert (placement.parental_notice_sent_on, placement.parental_notice_how) == (date(2026, 11, 12), "post")
    assert (placement.la_notified_on, placement.la_notified_how) == (date(2026, 11, 13), "email")


def test_another_schools_placement_notices_are_not_found(client):
    placement = directed()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=SchoolFactory()))
    assert client.get(reverse("placements:placement_notices", args=[placement.pk])).status_code == 404
    assert client.get(reverse("placements:parental_notice_pdf", args=[placement.pk])).status_code == 404


def test_a_partnership_coordinator_downloads_the_la_return_for_a_date_range(client):
    partnership = PartnershipFactory()
    school = SchoolFactory(partnership=partnership, urn="654321")
    inside = placement_with_timetable(
        pupil=PupilFactory(school=school), start_date=date(2026, 9, 7), days=(0, 1), census_reason="SUS"
    )
    services.la_notification_record(placement=inside, notified_on=date(2026, 9, 1), how="portal")
    placement_with_timetable(pupil=PupilFactory(school=school), start_date=date(2027, 1, 4))
    placement_with_timetable(start_date=date(2026, 9, 7))  # another partnership's pupil
    client.force_login(member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership))
    response = client.post(
        reverse("inspection:la_return"), {"date_from": "01/09/2026", "date_to": "18/12/2026"}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["UPN"] for row in rows] == [inside.pupil.upn]
    row = rows[0]
    assert (row["School URN"], row["AP start date"], row["Primary reason"]) == ("654321", "2026-09-07", "SUS")
    assert (row["Attendance pattern"], row["Sessions per week"]) == ("Part-time", "4")
    assert (row["LA told on"], row["LA told how"]) == ("2026-09-01", "Through the local authority's portal")


def test_school_coordinators_cannot_download_the_la_return(client):
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=SchoolFactory()))
    assert client.get(reverse("inspection:la_return")).status_code == 404
