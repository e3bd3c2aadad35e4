import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apdash.models import Role
from placements.models import Pupil
from tests.factories import PupilFactory, SchoolFactory, member

pytestmark = pytest.mark.django_db

HEADER = "UPN,Forename,Surname,Date of birth,Year group,SEN status,Looked after,Pupil premium\n"


@pytest.fixture
def school(client):
    school = SchoolFactory()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    return school


def upload(client, school, text, name="pupils.csv"):
    return client.post(
        reverse("placements:pupil_import"),
        {"file": SimpleUploadedFile(name, text.encode()), "school": school.pk},
    )


def test_a_clean_file_is_previewed_then_imported_all_together(client, school):
    text = (
        HEADER
        + "B801200005001,Kacey,Walsh,17/05/2011,Year 10,K,No,Yes\n"
        + ("E931400011002,Jordan,Okafor,2010-11-02,11,E,Yes,No\n")
    )
    page = upload(client, school, text).content.decode()
    assert "Check the pupils before importing" in page and "Import 2 pupils" in page
    assert not Pupil.objects.exists()
    response = client.post(reverse("placements:pupil_import"), {"confirm": "1"})
    assert response.status_code == 302
    kacey = Pupil.objects.get(upn="B801200005001")
    assert (kacey.school, kacey.year_group, kacey.sen_status, kacey.pupil_premium) == (
        school,
        10,
        "sen_support",
        True,
    )
    assert Pupil.objects.get(upn="E931400011002").looked_after


def test_a_file_with_bad_rows_names_each_row_and_imports_nothing(client, school):
    PupilFactory(upn="B801200005001")
    text = (
        HEADER
        + "E931400011002,Jordan,Okafor,02/11/2010,Year 11,N,No,No\n"
        + "A801200005001,Bad,Check,17/05/2011,Year 10,N,No,No\n"
        + "E931400011002,Jordan,Again,02/11/2010,Year 11,N,No,No\n"
        + "B801200005001,Already,Here,17/05/2011,Year 10,N,No,No\n"
        + "E931400011003,Young,Pupil,17/05/2011,Year 5,N,No,No\n"
        + "E931400011004,Nameless,,17/05/2011,Year 10,N,No,No\n"
    )
    page = upload(client, school, text).content.decode()
    assert "no pupils were imported" in page
    # Each problem names its row and the file's column, as a spreadsheet shows them.
    assert "Row 3, UPN: “A801200005001” is not a valid UPN: the check letter does not match" in page
    assert "Row 4, UPN: UPN E931400011002 is in the file twice (first on row 2)" in page
    assert "Row 5, UPN: A pupil with UPN B801200005001 is already on apdash" in page
    assert "Row 6, Year group: Unknown year group “Year 5”: use Year 7 to Year 13" in page
    assert "Row 7, Surname: Enter the pupil&#x27;s surname" in page
    assert Pupil.objects.count() == 1


def test_a_file_without_the_required_columns_is_refused(client, school):
    page = upload(client, school, "Name,Year\nKacey,10\n").content.decode()
    assert "The file is missing the columns UPN, Forename, Surname, Date of birth, Year group" in page
    assert not Pupil.objects.exists()


def test_a_file_that_is_not_csv_is_refused(client, school):
    page = upload(client, school, "hello", name="pupils.xlsx").content.decode()
    assert "The file must be a CSV file" in page


def test_confirming_without_a_checked_file_imports_nothing(client, school):
    response = client.post(reverse("placements:pupil_import"), {"confirm": "1"})
    assert response.status_code == 302
    assert not Pupil.objects.exists()


def test_the_sample_csv_downloads_and_imports_cleanly(client, school):
    response = client.get(reverse("placements:pupil_import_sample"))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert text.startswith("UPN,Forename,Surname")
    page = upload(client, school, text).content.decode()
    assert "The file has no problems" in page


def test_provider_staff_cannot_import(client):
    from tests.factories import ProviderFactory

    client.force_login(member(Role.PROVIDER_STAFF, provider=ProviderFactory()))
    assert client.get(reverse("placements:pupil_import")).status_code == 404


def test_a_pupil_file_of_100000_empty_rows_is_refused_quickly_for_its_rows(client, school):
    import time

    started = time.perf_counter()
    page = upload(client, school, HEADER + ",,,,,,,\n" * 100_000).content.decode()
    assert time.perf_counter() - started < 5
    assert "The file has more than 2,000 rows" in page
    assert not Pupil.objects.exists()


def test_the_pupil_import_caps_follow_the_settings(client, school, settings):
    settings.APDASH_IMPORT_MAX_BYTES = 50
    page = upload(client, school, HEADER + "B801200005001,Kacey,Walsh,17/05/2011,Year 10,K,No,Yes\n").content
    assert "The file must be smaller than 50" in page.decode()
