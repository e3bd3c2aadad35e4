"""Plan documents: PDF or Word only, checked by their content, within the size limit; a refused
upload changes nothing."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apdash.models import Role
from apdash.uploads import validate_document
from placements.models import LearningPlan
from tests.factories import LearningPlanFactory, PupilFactory, SchoolFactory, member

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def zipped(*names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


DOCX = zipped("[Content_Types].xml", "word/document.xml", "word/styles.xml")


def refusal(name, content):
    with pytest.raises(ValidationError) as caught:
        validate_document(SimpleUploadedFile(name, content), what="The plan document")
    return caught.value.messages[0]


def test_a_real_pdf_and_a_real_word_document_are_accepted():
    validate_document(SimpleUploadedFile("plan.pdf", PDF))
    validate_document(SimpleUploadedFile("Plan.DOCX", DOCX))


def test_a_program_renamed_as_a_pdf_or_a_word_document_is_refused():
    assert refusal("plan.pdf", EXE) == (
        "The plan document is named .pdf but is not a PDF. "
        "Save it again as a PDF or Word document and upload that."
    )
    assert "is named .docx but is not a Word document" in refusal("plan.docx", EXE)


def test_a_zip_that_is_not_a_word_document_or_carries_macros_is_refused():
    assert "not a Word document" in refusal("plan.docx", zipped("payload.exe"))
    macro = zipped("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin")
    assert "not a Word document" in refusal("plan.docx", macro)
    assert "not a Word document" in refusal("plan.docx", b"PK\x03\x04 truncated")


def test_a_pdf_named_docx_and_other_kinds_of_file_are_refused():
    assert "is named .docx but is not a Word document" in refusal("plan.docx", PDF)
    assert refusal("plan.exe", EXE) == "The plan document must be a PDF or a Word document (.docx)."
    assert refusal("plan.doc", PDF) == "The plan document must be a PDF or a Word document (.docx)."
    assert refusal("plan", PDF) == "The plan document must be a PDF or a Word document (.docx)."


def test_an_empty_file_is_refused():
    assert refusal("plan.pdf", b"") == "The plan document is empty."


def test_the_size_limit_is_a_setting_and_a_file_one_byte_over_it_is_refused(settings):
    settings.APDASH_DOCUMENT_MAX_BYTES = len(PDF)
    validate_document(SimpleUploadedFile("plan.pdf", PDF))
    assert refusal("plan.pdf", PDF + b"\n") == f"The plan document must be smaller than {len(PDF)}\xa0bytes."


@pytest.mark.django_db
def test_the_plan_form_refuses_a_renamed_program_and_keeps_the_plan_as_it_was(client):
    school = SchoolFactory()
    plan = LearningPlanFactory(pupil=PupilFactory(school=school), rationale="Original reasons.")
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    response = client.post(
        reverse("placements:plan_edit", args=[plan.pupil_id]),
        {
            "needs_summary": "Changed",
            "rationale": "Changed reasons.",
            "goal": "reintegration",
            "goal_target_date": "01/07/2027",
            "document": SimpleUploadedFile("plan.pdf", EXE, content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "The plan document is named .pdf but is not a PDF" in response.content.decode()
    plan.refresh_from_db()
    assert (plan.rationale, bool(plan.document)) == ("Original reasons.", False)


@pytest.mark.django_db
def test_an_uploaded_plan_is_downloaded_by_the_pupils_school_only(client):
    school = SchoolFactory()
    pupil = PupilFactory(school=school)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    client.post(
        reverse("placements:plan_edit", args=[pupil.pk]),
        {
            "needs_summary": "Needs",
            "rationale": "Reasons",
            "goal": "specialist",
            "goal_target_date": "01/07/2027",
            "document": SimpleUploadedFile("plan.docx", DOCX),
        },
    )
    assert LearningPlan.objects.get(pupil=pupil).document
    url = reverse("placements:plan_document", args=[pupil.pk])
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == DOCX
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=SchoolFactory()))
    assert client.get(url).status_code == 404
