from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from apdash.models import Role
from placements.core import ctf
from placements.core.rules import upn_for
from placements.core.services import ctf_import
from placements.models import Pupil
from tests.factories import ProviderFactory, PupilFactory, SchoolFactory, member

pytestmark = pytest.mark.django_db

GOOD_1 = upn_for(la_code="801", establishment="2000", year=5, serial=1)
GOOD_2 = upn_for(la_code="801", establishment="2000", year=5, serial=2)
GOOD_3 = upn_for(la_code="801", establishment="2000", year=5, serial=3)
BAD = ("A" if GOOD_3[0] != "A" else "B") + GOOD_3[1:]  # the check letter does not match


def pupil_xml(upn, forename, surname, dob, year, *, sex=None, gender=None, sen=None, in_care=None):
    sex_xml = f"<Sex>{sex}</Sex>" if sex else f"<Gender>{gender}</Gender>" if gender else ""
    sen_xml = (
        f"<SENhistory><SEN><StartDate>2023-09-01</StartDate><SENprovision>{sen}</SENprovision></SEN></SENhistory>"
        if sen
        else ""
    )
    care_xml = f"<LookedAfter><InCare>{in_care}</InCare></LookedAfter>" if in_care else ""
    return (
        f"<Pupil><UPN>{upn}</UPN><Surname>{surname}</Surname><Forename>{forename}</Forename>"
        f"<DOB>{dob}</DOB>{sex_xml}<BasicDetails><NCyearActual>{year}</NCyearActual></BasicDetails>"
        f"{sen_xml}{care_xml}<Contacts><Contact><Surname>Parent</Surname></Contact></Contacts></Pupil>"
    )


def ctf_file(*pupils) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><CTfile><Header>'
        "<DocumentName>Common Transfer File</DocumentName>"
        "<CTFversion>24.0</CTFversion><SourceSchool><LEA>801</LEA><Estab>2000</Estab>"
        "<SchoolName>Bristol Old School</SchoolName><AcademicYear>2026</AcademicYear></SourceSchool>"
        "<DestSchool><LEA>801</LEA><Estab>2001</Estab></DestSchool></Header><CTFpupilData>"
        + "".join(pupils)
        + "</CTFpupilData></CTfile>"
    ).encode()


def three_pupils(third_upn=BAD):
    return ctf_file(
        pupil_xml(GOOD_1, "Kacey", "Walsh", "2011-05-17", 10, sex="F", sen="E", in_care="true"),
        pupil_xml(GOOD_2, "Jordan", "Okafor", "2010-11-02", 11, gender="M", sen="K"),
        pupil_xml(third_upn, "Sam", "Patel", "2012-01-09", 9, sex="M"),
    )


def test_a_ctf_is_read_with_sex_or_gender_sen_provision_and_looked_after():
    transfer = ctf.read_ctf(three_pupils(GOOD_3))
    assert str(transfer.source) == "Bristol Old School (801/2000)"
    kacey, jordan, sam = transfer.pupils
    assert (kacey.upn, kacey.first_name, kacey.last_name) == (GOOD_1, "Kacey", "Walsh")
    assert kacey.date_of_birth == date(2011, 5, 17) and kacey.year_group == 10
    assert (kacey.sex, kacey.sen_status, kacey.looked_after) == ("Female", "ehcp", True)
    assert (jordan.sex, jordan.sen_status, jordan.looked_after) == ("Male", "sen_support", False)
    assert sam.sen_status == "none" and not any(p.problems for p in transfer.pupils)


def test_a_ctf_with_a_bad_upn_previews_refuses_naming_the_pupil_and_imports_once_corrected():
    school = SchoolFactory()
    preview = ctf_import(school=school, data=three_pupils(), dry_run=True)
    (problem,) = preview.problems
    assert (problem.position, problem.upn, problem.name) == (3, BAD, "Sam Patel")
    assert str(problem).startswith(f"Pupil 3, Sam Patel (UPN {BAD}): ") and "check letter" in str(problem)
    assert not Pupil.objects.exists()
    refused = ctf_import(school=school, data=three_pupils())
    assert not refused.saved and not Pupil.objects.exists()
    corrected = ctf_import(school=school, data=three_pupils(GOOD_3))
    assert corrected.saved and (corrected.created, corrected.updated) == (3, 0)
    assert set(Pupil.objects.values_list("upn", flat=True)) == {GOOD_1, GOOD_2, GOOD_3}
    kacey = Pupil.objects.get(upn=GOOD_1)
    assert (kacey.school, kacey.sen_status, kacey.looked_after) == (school, "ehcp", True)


def test_only_the_good_pupils_of_a_file_without_the_bad_one_are_imported():
    school = SchoolFactory()
    data = ctf_file(
        pupil_xml(GOOD_1, "Kacey", "Walsh", "2011-05-17", 10, sex="F"),
        pupil_xml(GOOD_2, "Jordan", "Okafor", "2010-11-02", 11, gender="M"),
    )
    assert ctf_import(school=school, data=data).saved
    assert Pupil.objects.count() == 2


def test_a_pupil_already_at_the_school_is_updated_and_one_at_another_school_refused():
    school = SchoolFactory()
    PupilFactory(upn=GOOD_1, school=school, first_name="Kasey", year_group=9)
    PupilFactory(upn=GOOD_2, school=SchoolFactory())
    result = ctf_import(school=school, data=three_pupils(GOOD_3), dry_run=True)
    assert [(p.position, p.upn) for p in result.problems] == [(2, GOOD_2)]
    assert "another school" in result.problems[0].messages[0]
    data = ctf_file(pupil_xml(GOOD_1, "Kacey", "Walsh", "2011-05-17", 10, sex="F"))
    result = ctf_import(school=school, data=data)
    assert (result.created, result.updated) == (0, 1)
    kacey = Pupil.objects.get(upn=GOOD_1)
    assert (kacey.first_name, kacey.year_group) == ("Kacey", 10)


@pytest.mark.parametrize(
    ("pupil", "words"),
    [
        (pupil_xml(GOOD_1, "Kacey", "Walsh", "17/05/2011", 10), "not a date"),
        (pupil_xml(GOOD_1, "Kacey", "Walsh", "2011-05-17", 4), "year group from 7 to 13"),
        (pupil_xml(GOOD_1, "", "Walsh", "2011-05-17", 10), "no forename"),
        (pupil_xml(GOOD_1, "Kacey", "Walsh", "2011-05-17", 10, sen="Q"), "SEN provision"),
    ],
)
def test_each_pupils_problem_is_reported_with_its_position_and_upn(pupil, words):
    data = ctf_file(pupil_xml(GOOD_2, "Jordan", "Okafor", "2010-11-02", 11), pupil)
    (problem,) = ctf_import(school=SchoolFactory(), data=data, dry_run=True).problems
    assert (problem.position, problem.upn) == (2, GOOD_1) and words in str(problem)


def test_the_same_upn_twice_is_refused():
    data = ctf_file(*[pupil_xml(GOOD_1, "Kacey", "Walsh", "2011-05-17", 10)] * 2)
    (problem,) = ctf_import(school=SchoolFactory(), data=data, dry_run=True).problems
    assert problem.position == 2 and "twice" in str(problem)


@pytest.mark.parametrize(
    "data",
    [
        b"UPN,Forename\r\n",
        b"<Pupils><Pupil/></Pupils>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><CTfile>&b;</CTfile>',
        ctf_file(),
    ],
)
def test_a_file_that_is_not_a_ctf_is_refused(data):
    with pytest.raises(ValidationError):
        ctf_import(school=SchoolFactory(), data=data)


def test_the_command_refuses_naming_the_pupil_then_imports_the_corrected_file(tmp_path, capsys):
    school = SchoolFactory(urn="123456")
    bad = tmp_path / "bad.xml"
    bad.write_bytes(three_pupils())
    with pytest.raises(CommandError, match=rf"Pupil 3, Sam Patel \(UPN {BAD}\)"):
        call_command("import_ctf", str(bad), "--school", "123456")
    assert not Pupil.objects.exists()
    good = tmp_path / "good.xml"
    good.write_bytes(three_pupils(GOOD_3))
    call_command("import_ctf", str(good), "--school", "123456")
    assert "3 new" in capsys.readouterr().out
    assert Pupil.objects.filter(school=school).count() == 3


def test_the_upload_page_previews_then_imports(client):
    school = SchoolFactory()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    url = reverse("placements:ctf_import")
    upload = SimpleUploadedFile("pupils.xml", three_pupils(), content_type="text/xml")
    page = client.post(url, {"file": upload, "school": school.pk}).content.decode()
    assert f"Pupil 3, Sam Patel (UPN {BAD})" in page and "no pupils were imported" in page
    upload = SimpleUploadedFile("pupils.xml", three_pupils(GOOD_3), content_type="text/xml")
    page = client.post(url, {"file": upload, "school": school.pk}).content.decode()
    assert "Check the pupils before importing" in page and "Kacey" in page and "Female" in page
    assert not Pupil.objects.exists()
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302 and Pupil.objects.filter(school=school).count() == 3


def test_provider_staff_cannot_import_a_ctf(client):
    client.force_login(member(Role.PROVIDER_STAFF, provider=ProviderFactory()))
    assert client.get(reverse("placements:ctf_import")).status_code == 404
