"""Provider quality: QA reports shared with every school of the partnership and no other, the
audit and QA visit forms, uploads checked by content, and the list's query count."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apdash.models import Role
from providers.models import ProviderAudit, QAVisit
from providers.selectors import qa_visits_visible_to
from tests.factories import (
    PartnershipFactory,
    ProviderAuditFactory,
    ProviderFactory,
    QAVisitFactory,
    SchoolFactory,
    member,
    sign_in_with_two_factor,
)

pytestmark = pytest.mark.django_db


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def partnership_world():
    wendlow = PartnershipFactory(name="Wendlow Partnership")
    schools = [SchoolFactory(partnership=wendlow) for _ in range(3)]
    elsewhere = SchoolFactory(partnership=PartnershipFactory(name="Castlebrook Partnership"))
    provider = ProviderFactory(name="Forge Vocational")
    shared = QAVisitFactory(provider=provider, partnership=wendlow, school=schools[0])
    kept = QAVisitFactory(provider=provider, partnership=None, school=schools[1])
    return {
        "partnership": wendlow,
        "schools": schools,
        "elsewhere": elsewhere,
        "provider": provider,
        "shared": shared,
        "kept": kept,
    }


def test_a_qa_report_shared_with_the_partnership_is_visible_to_every_school_of_it(partnership_world):
    for school in partnership_world["schools"]:
        for role in (Role.SCHOOL_COORDINATOR, Role.HEAD, Role.DSL):
            user = member(role, school=school)
            assert partnership_world["shared"] in qa_visits_visible_to(user)
    coordinator = member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership_world["partnership"])
    assert partnership_world["shared"] in qa_visits_visible_to(coordinator)


def test_a_qa_report_is_not_visible_to_a_school_of_another_partnership_or_the_provider(
    partnership_world, client
):
    outsider = member(Role.SCHOOL_COORDINATOR, school=partnership_world["elsewhere"])
    provider_staff = member(Role.PROVIDER_STAFF, provider=partnership_world["provider"])
    assert list(qa_visits_visible_to(outsider)) == []
    assert list(qa_visits_visible_to(provider_staff)) == []
    client.force_login(outsider)
    shared = partnership_world["shared"]
    assert client.get(reverse("providers:qa_visit_detail", args=[shared.pk])).status_code == 404
    assert client.get(reverse("providers:qa_report_download", args=[shared.pk])).status_code == 404


def test_a_visit_a_school_kept_to_itself_is_visible_to_that_school_only(partnership_world):
    first, second, third = partnership_world["schools"]
    kept = partnership_world["kept"]
    assert kept in qa_visits_visible_to(member(Role.SCHOOL_COORDINATOR, school=second))
    assert kept not in qa_visits_visible_to(member(Role.SCHOOL_COORDINATOR, school=third))


def test_a_member_of_a_partnership_school_reads_the_shared_report_and_downloads_it(partnership_world, client):
    shared = partnership_world["shared"]
    shared.report = SimpleUploadedFile("forge-qa.pdf", b"%PDF-1.7\n...")
    shared.save()
    head = member(Role.HEAD, school=partnership_world["schools"][2])
    sign_in_with_two_factor(client, head)
    page = client.get(reverse("providers:qa_visit_detail", args=[shared.pk]))
    assert page.status_code == 200
    assert "Every school in Wendlow Partnership" in page.content.decode()
    download = client.get(reverse("providers:qa_report_download", args=[shared.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def qa_post(**overrides):
    data = {
        "visited_on": (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y"),
        "visitor": "Quality lead",
        "safeguarding_score": "4",
        "curriculum_score": "3",
        "teaching_score": "3",
        "attendance_behaviour_score": "2",
        "personal_development_score": "3",
        "leadership_score": "3",
        "strengths": "Calm workshop; strong relationships.",
        "actions": "Record session-by-session attendance.",
        "judgement": "secure",
        "share_with_partnership": "yes",
    }
    data.update(overrides)
    return data


def test_a_school_coordinator_records_a_qa_visit_shared_with_the_partnership(partnership_world, client):
    school = partnership_world["schools"][0]
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    report = SimpleUploadedFile("report.docx", docx_bytes())
    response = client.post(
        reverse("providers:qa_visit_create", args=[partnership_world["provider"].pk]),
        {**qa_post(), "report": report},
    )
    visit = QAVisit.objects.latest("pk")
    assert response.status_code == 302
    assert (visit.school, visit.partnership, visit.attendance_behaviour_score) == (
        school,
        partnership_world["partnership"],
        2,
    )
    other_school = member(Role.SCHOOL_COORDINATOR, school=partnership_world["schools"][2])
    assert visit in qa_visits_visible_to(other_school)


def test_a_renamed_program_is_refused_as_a_qa_report_and_nothing_is_saved(partnership_world, client):
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=partnership_world["schools"][0]))
    before = QAVisit.objects.count()
    program = SimpleUploadedFile("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100)
    response = client.post(
        reverse("providers:qa_visit_create", args=[partnership_world["provider"].pk]),
        {**qa_post(), "report": program},
    )
    assert response.status_code == 200
    assert "The visit report is named .pdf but is not a PDF" in response.content.decode()
    assert QAVisit.objects.count() == before


def test_the_qa_form_asks_for_every_framework_area_score(partnership_world, client):
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=partnership_world["schools"][0]))
    response = client.post(
        reverse("providers:qa_visit_create", args=[partnership_world["provider"].pk]),
        qa_post(leadership_score=""),
    )
    assert "Score leadership" in response.content.decode()


def test_a_coordinator_records_the_annual_audit_and_a_due_date_before_it_is_refused(client):
    provider = ProviderFactory()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=SchoolFactory()))
    today = timezone.localdate()
    data = {
        "audited_on": today.strftime("%d/%m/%Y"),
        "auditor": "County AP directory",
        "single_central_record_checked": "yes",
        "dsl_confirmed": "yes",
        "insurance_expires_on": (today + timedelta(days=200)).strftime("%d/%m/%Y"),
        "health_and_safety_checked": "yes",
        "registration_law_understood": "no",
        "safeguarding_checks_confirmed_in_writing": "yes",
        "outcome": "actions_required",
        "next_due_on": (today - timedelta(days=1)).strftime("%d/%m/%Y"),
    }
    url = reverse("providers:audit_create", args=[provider.pk])
    refused = client.post(url, data)
    assert "The next audit must be due after this one" in refused.content.decode()
    assert not ProviderAudit.objects.exists()
    data["next_due_on"] = (today + timedelta(days=365)).strftime("%d/%m/%Y")
    assert client.post(url, data).status_code == 302
    audit = ProviderAudit.objects.get()
    assert (audit.registration_law_understood, audit.outcome) == (False, "actions_required")


def test_a_head_may_read_quality_but_not_record_it(client):
    provider = ProviderFactory()
    sign_in_with_two_factor(client, member(Role.HEAD, school=SchoolFactory()))
    assert client.get(reverse("providers:quality_list")).status_code == 200
    assert client.get(reverse("providers:audit_create", args=[provider.pk])).status_code == 404
    assert client.get(reverse("providers:qa_visit_create", args=[provider.pk])).status_code == 404


def test_the_provider_page_lists_the_qa_visits_shared_with_the_user(partnership_world, client):
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=partnership_world["schools"][2]))
    page = client.get(reverse("providers:provider_detail", args=[partnership_world["provider"].pk]))
    body = page.content.decode()
    assert "Quality assurance" in body
    assert reverse("providers:qa_visit_detail", args=[partnership_world["shared"].pk]) in body
    assert reverse("providers:qa_visit_detail", args=[partnership_world["kept"].pk]) not in body


@pytest.mark.parametrize("rows", [10, 200])
def test_the_quality_page_runs_a_constant_number_of_queries(client, django_assert_max_num_queries, rows):
    partnership = PartnershipFactory()
    school = SchoolFactory(partnership=partnership)
    for _ in range(rows // 10):
        provider = ProviderFactory()
        QAVisitFactory.create_batch(5, provider=provider, partnership=partnership)
        ProviderAuditFactory.create_batch(5, provider=provider)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("providers:quality_list"))
    assert response.status_code == 200
