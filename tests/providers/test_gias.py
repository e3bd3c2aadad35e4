from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from apdash.models import Role
from placements.compliance.checks.registration import run_registration
from placements.models import Flag
from providers import gias
from providers.models import Establishment, GiasImport, Provider
from providers.services import gias_import
from tests.factories import (
    PartnershipFactory,
    ProviderFactory,
    PupilFactory,
    SchoolFactory,
    member,
    placement_with_timetable,
)
from tests.providers.gias_file import HEADER, establishment, extract

pytestmark = pytest.mark.django_db

EXTRACT_DAY = date(2026, 11, 30)
APOSTROPHE = "St Mary’s Independent School"


def at(day):
    return datetime(day.year, day.month, day.day, 18, tzinfo=ZoneInfo("Europe/London"))


def national_file(*extra):
    return extract(
        [
            establishment(100001, APOSTROPHE, "Other independent school"),
            establishment(100002, "Harbour Pupil Referral Unit", "Pupil referral unit"),
            establishment(
                100003, "Old Mill School", "Other independent school", "Closed", CloseDate="31-08-2026"
            ),
            establishment(100004, "Westfield College", "Further education"),
            establishment(
                100005,
                "Oak Academy AP",
                "Academy alternative provision converter",
                "Open, but proposed to close",
            ),
            *extra,
        ]
    )


def test_the_extract_is_read_in_windows_1252_by_column_name_with_dd_mm_yyyy_dates():
    data = national_file()
    assert "’".encode("cp1252") in data and len(HEADER) == 140
    rows = {row.urn: row for row in gias.read_extract(data)}
    assert rows["100001"].name == APOSTROPHE
    assert rows["100003"].status == "Closed" and rows["100003"].closed_on == date(2026, 8, 31)
    assert rows["100001"].opened_on == date(2015, 9, 1)
    assert rows["100001"].ofsted_rating == "Good" and rows["100001"].ofsted_inspected_on == date(2024, 3, 14)


def test_columns_are_found_by_name_in_any_order_and_the_codes_are_ignored():
    shuffled = list(reversed(HEADER))
    row = establishment(
        100001, APOSTROPHE, **{"TypeOfEstablishment (code)": "99", "EstablishmentStatus (code)": "7"}
    )
    (read,) = gias.read_extract(extract([row], header=shuffled))
    assert (read.type_name, read.type_group, read.status) == (
        "Other independent school",
        "Independent schools",
        "Open",
    )


def test_an_import_records_the_establishments_and_registers_open_schools_on_the_extracts_date():
    school = ProviderFactory(urn="100001", registration_status=Provider.RegistrationStatus.UNREGISTERED)
    pru = ProviderFactory(urn="100002")
    proposed = ProviderFactory(urn="100005")
    college = ProviderFactory(urn="100004", provider_type=Provider.ProviderType.FE_COLLEGE)
    result = gias_import(data=national_file(), extract_date=EXTRACT_DAY)
    assert result.extract_date == EXTRACT_DAY and result.rows == 5 and result.created == 5
    assert Establishment.objects.get(urn="100001").name == APOSTROPHE
    for provider in (school, pru, proposed):
        provider.refresh_from_db()
        assert provider.registration_status == Provider.RegistrationStatus.REGISTERED
        assert provider.registration_checked_on == EXTRACT_DAY
        assert provider.gias_checked_on == EXTRACT_DAY
    assert (school.gias_type, school.gias_status) == ("Other independent school", "Open")
    assert proposed.gias_status == "Open, but proposed to close"
    college.refresh_from_db()
    # A college is not a school: its registration is left as it was, the DfE facts shown.
    assert college.registration_status == Provider.RegistrationStatus.UNREGISTERED
    assert (college.gias_type, college.gias_status) == ("Further education", "Open")


def test_importing_the_same_file_again_changes_nothing():
    provider = ProviderFactory(urn="100001")
    data = national_file()
    gias_import(data=data, extract_date=EXTRACT_DAY)
    before = list(Establishment.objects.values())
    provider.refresh_from_db()
    again = gias_import(data=data, extract_date=EXTRACT_DAY + timedelta(days=1))
    assert again.already_imported and "nothing changed" in again.summary()
    assert list(Establishment.objects.values()) == before
    assert GiasImport.objects.count() == 1
    before_provider = list(Provider.objects.filter(pk=provider.pk).values())
    gias_import(data=data, extract_date=EXTRACT_DAY)
    assert list(Provider.objects.filter(pk=provider.pk).values()) == before_provider


def test_a_newer_extract_updates_what_changed():
    gias_import(data=national_file(), extract_date=EXTRACT_DAY)
    newer = extract([establishment(100001, APOSTROPHE, status="Closed", CloseDate="04-12-2026")])
    result = gias_import(data=newer, extract_date=date(2026, 12, 7))
    assert (result.created, result.updated) == (0, 1)
    closed = Establishment.objects.get(urn="100001")
    assert closed.status == "Closed" and closed.closed_on == date(2026, 12, 4)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (extract([establishment(100001, "X")], header=[c for c in HEADER if c != "URN"]), "no URN column"),
        (b'"UPN","Forename","Surname"\r\n"B801200005001","Kacey","Walsh"\r\n', "no URN column"),
        (b"URN,Name\r\n100001,Somewhere\r\n", "not a GIAS extract"),
        (extract([establishment(100001, "X", OpenDate="2015-09-01")]), "dd-mm-yyyy"),
        (b"", "empty"),
    ],
)
def test_a_file_that_is_not_a_gias_extract_is_refused_and_changes_nothing(data, words):
    provider = ProviderFactory(urn="100001")
    with pytest.raises(ValidationError) as refused:
        gias_import(data=data, file_name="upload.csv")
    assert words in " ".join(refused.value.messages)
    assert not Establishment.objects.exists() and not GiasImport.objects.exists()
    provider.refresh_from_db()
    assert provider.gias_checked_on is None and not provider.is_registered


def test_an_older_extract_than_the_latest_is_refused():
    gias_import(data=national_file(), extract_date=EXTRACT_DAY)
    with pytest.raises(ValidationError, match="older than the latest"):
        gias_import(data=extract([establishment(100009, "Y")]), extract_date=date(2026, 11, 1))


def test_the_command_imports_a_file_and_refuses_one_that_is_not_an_extract(tmp_path, capsys):
    ProviderFactory(urn="100002")
    good = tmp_path / "edubasealldata20261130.csv"
    good.write_bytes(national_file())
    call_command("import_gias", str(good))
    assert "5 establishments" in capsys.readouterr().out
    bad = tmp_path / "pupils.csv"
    bad.write_bytes(b"UPN,Forename\r\nB801200005001,Kacey\r\n")
    with pytest.raises(CommandError, match="URN"):
        call_command("import_gias", str(bad))
    assert GiasImport.objects.count() == 1


# --- Flags ----------------------------------------------------------------------------------------


def open_flags(kind):
    return list(Flag.objects.filter(kind=kind, resolved_at__isnull=True))


def test_a_closed_establishment_with_pupils_placed_opens_red_registration_lapsed_until_they_leave():
    provider = ProviderFactory(urn="100003", name="Old Mill")
    unused = ProviderFactory(urn="100003")  # no placements: nothing to flag
    placement = placement_with_timetable(provider=provider, start_date=date(2026, 9, 7))
    gias_import(data=national_file(), extract_date=EXTRACT_DAY)
    run_registration(at(EXTRACT_DAY))
    (flag,) = open_flags(Flag.Kind.REGISTRATION_LAPSED)
    assert (flag.severity, flag.provider, flag.school) == ("red", provider, None)
    assert "closed on 31 August 2026" in flag.message
    run_registration(at(EXTRACT_DAY))
    assert len(open_flags(Flag.Kind.REGISTRATION_LAPSED)) == 1 and unused.flags.count() == 0
    # The last day of the placement still counts; the day after, the flag resolves.
    placement.end_date = EXTRACT_DAY + timedelta(days=3)
    placement.save()
    run_registration(at(EXTRACT_DAY + timedelta(days=3)))
    assert len(open_flags(Flag.Kind.REGISTRATION_LAPSED)) == 1
    run_registration(at(EXTRACT_DAY + timedelta(days=4)))
    assert open_flags(Flag.Kind.REGISTRATION_LAPSED) == []


def test_a_future_placement_at_a_closed_establishment_is_flagged_too():
    provider = ProviderFactory(urn="100003")
    placement_with_timetable(provider=provider, start_date=EXTRACT_DAY + timedelta(days=20))
    gias_import(data=national_file(), extract_date=EXTRACT_DAY)
    run_registration(at(EXTRACT_DAY))
    assert [f.provider for f in open_flags(Flag.Kind.REGISTRATION_LAPSED)] == [provider]


def test_a_urn_missing_from_the_latest_extract_opens_amber_unverified_until_corrected():
    provider = ProviderFactory(urn="199999")
    ProviderFactory(urn="")  # no URN: nothing to verify
    run_registration(at(EXTRACT_DAY))
    assert open_flags(Flag.Kind.REGISTRATION_UNVERIFIED) == []  # no extract imported yet
    gias_import(data=national_file(), extract_date=EXTRACT_DAY)
    provider.refresh_from_db()
    assert provider.gias_status == "Not found"
    run_registration(at(EXTRACT_DAY))
    (flag,) = open_flags(Flag.Kind.REGISTRATION_UNVERIFIED)
    assert (flag.severity, flag.provider) == ("amber", provider)
    provider.urn = "100001"
    provider.save()
    run_registration(at(EXTRACT_DAY))
    assert open_flags(Flag.Kind.REGISTRATION_UNVERIFIED) == []


def test_an_establishment_dropped_from_the_latest_extract_is_unverified():
    provider = ProviderFactory(urn="100002")
    gias_import(data=national_file(), extract_date=EXTRACT_DAY)
    run_registration(at(EXTRACT_DAY))
    assert open_flags(Flag.Kind.REGISTRATION_UNVERIFIED) == []
    gias_import(data=extract([establishment(100001, APOSTROPHE)]), extract_date=date(2026, 12, 7))
    run_registration(at(EXTRACT_DAY + timedelta(days=7)))
    assert [f.provider for f in open_flags(Flag.Kind.REGISTRATION_UNVERIFIED)] == [provider]


def test_the_check_reads_a_fixed_number_of_queries(django_assert_max_num_queries):
    gias_import(data=national_file(), extract_date=EXTRACT_DAY)
    for n in range(6):
        placement_with_timetable(provider=ProviderFactory(urn=f"19999{n}"))
    with django_assert_max_num_queries(20):
        run_registration(at(EXTRACT_DAY))
    assert len(open_flags(Flag.Kind.REGISTRATION_UNVERIFIED)) == 6


# --- Page and API ---------------------------------------------------------------------------------


def test_a_partnership_coordinator_uploads_the_extract_and_the_provider_page_shows_dfes_facts(client):
    partnership = PartnershipFactory()
    SchoolFactory(partnership=partnership)
    provider = ProviderFactory(urn="100001")
    client.force_login(member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership))
    upload = SimpleUploadedFile("edubasealldata20261130.csv", national_file(), content_type="text/csv")
    response = client.post(reverse("providers:gias_upload"), {"file": upload}, follow=True)
    assert "5 establishments" in response.content.decode()
    page = client.get(reverse("providers:provider_detail", args=[provider.pk])).content.decode()
    today = timezone.localdate()
    assert "Other independent school, Open" in page and f"{today.day} {today:%B %Y}" in page
    provider.refresh_from_db()
    assert provider.gias_checked_on == today == provider.registration_checked_on


def test_a_bad_upload_is_refused_with_the_reason(client):
    client.force_login(member(Role.PARTNERSHIP_COORDINATOR, partnership=PartnershipFactory()))
    upload = SimpleUploadedFile("pupils.csv", b"UPN,Forename\r\nB801200005001,Kacey\r\n")
    page = client.post(reverse("providers:gias_upload"), {"file": upload}).content.decode()
    assert "no URN column" in page and not GiasImport.objects.exists()


def test_school_staff_cannot_import_the_extract(client):
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=SchoolFactory()))
    assert client.get(reverse("providers:gias_upload")).status_code == 404


def test_the_providers_api_carries_the_gias_facts_read_only(client):
    school = SchoolFactory()
    provider = ProviderFactory(urn="100001")
    PupilFactory(school=school)
    gias_import(data=national_file(), extract_date=EXTRACT_DAY)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    body = client.get(f"/api/v1/providers/{provider.pk}/").json()
    assert (body["gias_type"], body["gias_status"], body["gias_checked_on"]) == (
        "Other independent school",
        "Open",
        "2026-11-30",
    )
    client.patch(
        f"/api/v1/providers/{provider.pk}/", {"gias_status": "Closed"}, content_type="application/json"
    )
    provider.refresh_from_db()
    assert provider.gias_status == "Open"


def test_the_nightly_fetch_does_nothing_without_a_url(settings):
    from providers.tasks import fetch_gias

    settings.APDASH_GIAS_URL = ""
    assert "not set" in fetch_gias()
    assert not GiasImport.objects.exists()


def test_the_nightly_fetch_imports_from_the_url(settings, monkeypatch):
    from providers import tasks

    settings.APDASH_GIAS_URL = "https://example.test/edubasealldata{date}.csv"
    fetched = []

    class Response:
        def __init__(self, url):
            fetched.append(url)

        def read(self):
            return national_file()

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(tasks.urllib.request, "urlopen", lambda url, timeout: Response(url))
    assert "imported" in tasks.fetch_gias()
    assert fetched[0].startswith("https://example.test/edubasealldata20") and GiasImport.objects.count() == 1
