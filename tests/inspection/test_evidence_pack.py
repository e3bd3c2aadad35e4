import re
from datetime import date, time, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from apdash.models import AuditEvent, Membership, Role, School
from inspection import packs, services, tasks
from inspection.models import EvidencePack
from placements.models import Milestone, Placement
from safeguarding.models import Concern, ConcernEntry
from tests.factories import (
    ConcernEntryFactory,
    ConcernFactory,
    LearningPlanFactory,
    MilestoneFactory,
    OutcomeFactory,
    PartnershipFactory,
    ProviderAuditFactory,
    ProviderFactory,
    PupilFactory,
    QualificationFactory,
    ReviewFactory,
    SchoolFactory,
    member,
    placement_with_timetable,
    seed_calendar,
)
from tests.inspection.pdf import page_texts, save_pngs

pytestmark = pytest.mark.django_db

SECTIONS = [
    "1. Summary",
    "2. Planning-call sheet: providers used",
    "3. Provider register: registration, audits and quality assurance",
    "4. Each pupil in alternative provision",
    "5. Unregistered providers: hours and days against the limits",
    "6. Open flags and what is being done",
]


def _pages_of(pages, heading, next_heading):
    # Skip the contents (page 1 onwards until the summary): sections start on a fresh page.
    start = next(i for i, text in enumerate(pages) if i > 0 and f"{heading} Evidences:" in text)
    end = next(i for i, text in enumerate(pages) if i > start and f"{next_heading} Evidences:" in text)
    return " ".join(pages[start:end])


@pytest.fixture
def demo_pack(settings):
    call_command("seed_demo")
    school = School.objects.get(urn="140101")
    today = timezone.localdate()
    first, last = packs.default_pack_range(today)
    scope = packs.PackScope(title=school.name, schools=[school], date_from=first, date_to=last)
    pdf, pages = services.render_pack_pdf(scope, today=today)
    return school, pdf, pages


@pytest.mark.pdf
def test_the_demo_schools_pack_reads_back_with_contents_pupils_providers_and_no_concern_text(demo_pack):
    school, pdf, page_count = demo_pack
    pages = page_texts(pdf)
    assert len(pages) == page_count and page_count > 10
    save_pngs(pdf, "demo-school", pages=4)

    # Running header and page numbers on every page.
    for number, text in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE" in text and school.name in text
        assert f"Page {number} of {page_count}" in text

    # Contents: each section and each pupil, with the page it starts on.
    contents = pages[0] + pages[1]
    placements = list(
        Placement.objects.filter(pupil__school=school)
        .filter(end_date__isnull=True)
        .select_related("pupil", "provider")
    )
    pupils = {p.pupil for p in placements}
    for heading in SECTIONS:
        assert heading in contents
    for pupil in pupils:
        assert pupil.full_name in contents

    # Each pupil's own section names them and each of their providers.
    text = " ".join(pages)
    for placement in placements:
        pupil_pages = [t for t in pages if f"{placement.pupil.listed_name} Evidences: G §1a–e" in t]
        assert pupil_pages, placement.pupil.full_name
        assert placement.provider.name in " ".join(pupil_pages)
        assert placement.pupil.upn in text

    # The planning-call sheet: each provider with its registration, URN and number of pupils.
    sheet = _pages_of(pages, SECTIONS[1], SECTIONS[2])
    by_provider = {}
    for placement in placements:
        by_provider.setdefault(placement.provider, set()).add(placement.pupil_id)
    for provider, pupil_ids in by_provider.items():
        assert provider.name in sheet
        status = provider.get_registration_status_display()
        reference = (
            f"URN {provider.urn}"
            if provider.urn
            else (f"UKPRN {provider.ukprn}" if provider.ukprn else "No URN or UKPRN")
        )
        row = sheet[sheet.index(provider.name) :][:400]
        assert re.search(rf"{status}\s*{re.escape(reference)}\s*{len(pupil_ids)}\b", row), row

    # Each pupil's plan: a milestone of a pupil in the pack is printed.
    milestone = Milestone.objects.filter(plan__pupil__in=pupils).order_by("pk").first()
    assert milestone is not None and " ".join(milestone.description.split()) in text

    # Each section names what it evidences.
    assert "Evidences: para 399, para 400, para 401, para 402" in text
    assert "Evidences: Ofsted planning call" in text

    # No safeguarding narrative: not the descriptions, not the chronology.
    concerns = Concern.objects.filter(pupil__school=school)
    assert concerns.exists()
    narrative = [c.description for c in concerns] + [c.immediate_action for c in concerns]
    narrative += list(ConcernEntry.objects.filter(concern__in=concerns).values_list("text", flat=True))
    for words in narrative:
        fragment = " ".join(words.split()[:5])
        assert fragment not in text, fragment
    for word in ("Bruising", "trainers", "football", "Early help assessment", "no food"):
        assert word not in text


def _small_school():
    seed_calendar(2026)
    school = SchoolFactory(name="Fernhill School")
    provider = ProviderFactory(
        name="Canal Side Horticulture", urn="", registration_checked_on=date(2026, 9, 1)
    )
    ProviderAuditFactory(provider=provider)
    pupil = PupilFactory(school=school, first_name="Ruby", last_name="Nowak")
    placement = placement_with_timetable(
        pupil=pupil,
        provider=provider,
        days=(0, 2),
        start=time(9, 0),
        end=time(12, 0),
        start_date=date(2026, 9, 7),
        census_reason="CUR",
    )
    concern = ConcernFactory(pupil=pupil, placement=placement, description="Zebra quartz whisper detail.")
    ConcernEntryFactory(concern=concern, text="Marmalade kestrel chronology entry.")
    return school, pupil, placement


@pytest.mark.pdf
def test_a_single_pupils_pack_from_the_command_line(tmp_path):
    school, pupil, _ = _small_school()
    out = tmp_path / "pupil.pdf"
    call_command(
        "evidence_pack",
        "--school",
        school.urn,
        "--pupil",
        pupil.upn,
        "--from",
        "2026-09-01",
        "--to",
        "2026-11-20",
        "--out",
        str(out),
    )
    pages = page_texts(out.read_bytes())
    text = " ".join(pages)
    assert "Ruby Nowak" in text and "Canal Side Horticulture" in text
    assert "1 raised, 0 acknowledged by the DSL" in text
    assert "Zebra" not in text and "Marmalade" not in text
    assert "Evidence from 1 September 2026 to 20 November 2026" in text


@pytest.mark.pdf
def test_a_pupils_pack_shows_qualifications_plan_milestones_reviews_and_outcomes_without_concern_text():
    school, pupil, placement = _small_school()
    pupil.year_group = 11
    pupil.save()
    QualificationFactory(
        pupil=pupil,
        area="other",
        subject="Level 1 Award in Practical Horticulture",
        level="Level 1",
        awarding_body="RHS",
        provider=placement.provider,
        entered=True,
        result="Pass",
    )
    QualificationFactory(pupil=pupil, area="english", subject="Functional Skills English", provider=None)
    plan = LearningPlanFactory(pupil=pupil, goal="post_16", goal_target_date=date(2027, 7, 16))
    MilestoneFactory(
        plan=plan, description="Plants and tends a raised bed unaided", target_date=date(2026, 12, 4)
    )
    MilestoneFactory(
        plan=plan,
        description="Attends every Monday session for a half term",
        target_date=date(2026, 11, 6),
        status="met",
        met_on=date(2026, 11, 6),
    )
    ReviewFactory(
        plan=plan,
        date=date(2026, 10, 14),
        attended_parent=True,
        decisions="Keep Mondays and Wednesdays; add a taster day at college.",
        pupil_view="Quietly mentioned trouble at home.",
    )
    ReviewFactory(plan=plan, date=date(2026, 11, 18), decisions="Carry on.")
    OutcomeFactory(
        pupil=pupil,
        placement=placement,
        recorded_on=date(2026, 11, 19),
        destination="apprenticeship",
        destination_name="Wendlow Parks",
    )
    scope = packs.PackScope(
        title=school.name,
        schools=[school],
        date_from=date(2026, 9, 1),
        date_to=date(2026, 11, 20),
        pupil=pupil,
    )
    pdf, _ = services.render_pack_pdf(scope, today=date(2026, 11, 20))
    text = " ".join(page_texts(pdf))
    assert "Level 1 Award in Practical Horticulture" in text and "RHS" in text and "Pass" in text
    assert "Not working towards maths in year 11." in text
    assert "Goal: Post-16 transition by 16 July 2027" in text
    assert "Plants and tends a raised bed unaided" in text and "Met 6 November 2026" in text
    assert "14 October 2026" in text and "School, provider, parent or carer" in text
    assert "add a taster day at college" in text
    assert "Apprenticeship at Wendlow Parks" in text
    assert "In Autumn 2 2026/27 so far: 1 milestone met and 1 plan review held" in text
    assert "Zebra" not in text and "Marmalade" not in text and "trouble at home" not in text


def _queued_pack(school, *, minutes_ago):
    pack = EvidencePack.objects.create(
        scope="school", school=school, date_from=date(2026, 9, 1), date_to=date(2026, 11, 20)
    )
    EvidencePack.objects.filter(pk=pack.pk).update(created_at=timezone.now() - timedelta(minutes=minutes_ago))
    return pack


@pytest.mark.pdf
def test_a_pack_asked_for_while_the_broker_was_down_is_sent_again_once_it_has_waited(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    school, _, _ = _small_school()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    with monkeypatch.context() as patched:
        patched.setattr(tasks.evidence_pack_generate, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("inspection:pack_list"),
                {"scope": "school", "school": school.pk, "date_from": "01/09/2026", "date_to": "20/11/2026"},
            )
    stuck = EvidencePack.objects.get()
    assert stuck.status == "queued"
    EvidencePack.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    just_asked = _queued_pack(school, minutes_ago=1)

    assert tasks.evidence_packs_requeue() == 1
    stuck.refresh_from_db()
    just_asked.refresh_from_db()
    assert (stuck.status, stuck.progress) == ("done", 100) and stuck.pages
    assert just_asked.status == "queued"
    # Running again re-sends nothing that is already done.
    assert tasks.evidence_packs_requeue() == 0


def test_re_sending_waiting_packs_is_on_the_beat_schedule_every_five_minutes():
    task = PeriodicTask.objects.select_related("crontab").get(task="inspection.evidence_packs_requeue")
    assert task.enabled and task.crontab.minute == "*/5"


def test_the_command_refuses_an_unknown_school(tmp_path):
    with pytest.raises(Exception, match="No school with URN 999999"):
        call_command("evidence_pack", "--school", "999999", "--out", str(tmp_path / "x.pdf"))


@pytest.mark.pdf
def test_asking_for_a_pack_generates_it_and_the_download_is_audited(
    client, django_capture_on_commit_callbacks
):
    school, _, _ = _small_school()
    user = member(Role.SCHOOL_COORDINATOR, school=school)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("inspection:pack_list"),
            {"scope": "school", "school": school.pk, "date_from": "01/09/2026", "date_to": "20/11/2026"},
        )
    pack = EvidencePack.objects.get()
    assert response.status_code == 302 and response.url == reverse("inspection:pack_detail", args=[pack.pk])
    # Eager Celery in tests runs the task when the request's transaction commits.
    pack.refresh_from_db()
    assert (pack.status, pack.progress, pack.generated_by) == ("done", 100, user)
    page = client.get(reverse("inspection:pack_detail", args=[pack.pk])).content.decode()
    assert "Download the evidence pack (PDF)" in page
    download = client.get(reverse("inspection:pack_download", args=[pack.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action="evidence_pack.downloaded", object_id=str(pack.pk), actor=user
    ).exists()


def test_the_progress_partial_polls_until_the_pack_is_ready(client):
    school = SchoolFactory()
    user = member(Role.SCHOOL_COORDINATOR, school=school)
    pack = EvidencePack.objects.create(
        school=school,
        date_from=date(2026, 9, 1),
        date_to=date(2026, 11, 20),
        status="running",
        progress=40,
        stage="Gathered evidence for 10 of 25 pupils",
    )
    client.force_login(user)
    partial = client.get(reverse("inspection:pack_detail", args=[pack.pk]), headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert 'aria-valuenow="40"' in body and "every 1s" in body and "<html" not in body
    assert "10 of 25 pupils" in body


def test_someone_elses_pack_is_not_found(client):
    pack = EvidencePack.objects.create(
        school=SchoolFactory(), date_from=date(2026, 9, 1), date_to=date(2026, 11, 20), status="done"
    )
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=SchoolFactory()))
    for name in ("inspection:pack_detail", "inspection:pack_download"):
        assert client.get(reverse(name, args=[pack.pk])).status_code == 404


def test_a_pack_request_with_dates_the_wrong_way_round_is_refused_and_nothing_is_queued(client):
    school = SchoolFactory()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    response = client.post(
        reverse("inspection:pack_list"),
        {"scope": "school", "school": school.pk, "date_from": "20/11/2026", "date_to": "01/09/2026"},
    )
    assert "The end date must be on or after the start date" in response.content.decode()
    assert not EvidencePack.objects.exists()


def test_a_pupil_pack_needs_a_pupil_of_the_users_schools(client):
    school = SchoolFactory()
    other = PupilFactory()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    response = client.post(
        reverse("inspection:pack_list"),
        {
            "scope": "pupil",
            "school": school.pk,
            "upn": other.upn,
            "date_from": "01/09/2026",
            "date_to": "20/11/2026",
        },
    )
    assert f"No pupil with UPN {other.upn} at your schools" in response.content.decode()
    assert not EvidencePack.objects.exists()


def test_the_census_export_lists_placements_running_on_the_census_date(client):
    school, pupil, placement = _small_school()
    registered = ProviderFactory(
        name="Wendlowshire College",
        provider_type="fe_college",
        ukprn="10004044",
        registration_status="registered",
    )
    placement_with_timetable(
        pupil=PupilFactory(school=school),
        provider=registered,
        days=(0, 1, 2, 3, 4),
        start_date=date(2026, 9, 7),
        census_reason="PEX",
        commissioned_by="partnership",
        arranged_by="local_authority",
    )
    placement_with_timetable(
        pupil=PupilFactory(school=school), start_date=date(2026, 10, 10)
    )  # after census day
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    response = client.post(
        reverse("inspection:census_export"), {"school": school.pk, "census_date": "01/10/2026"}
    )
    lines = response.content.decode().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert lines[0].startswith("UPN,Surname,Forename,Date of birth,School URN,Provider,AP start date")
    assert len(lines) == 3
    rows = {line.split(",")[0]: line.split(",") for line in lines[1:]}
    horticulture = rows[pupil.upn]
    assert horticulture[10:15] == ["OTH", "School arranged", "CUR", "Part-time", "2"]
    college = next(r for upn, r in rows.items() if upn != pupil.upn)
    assert college[8:15] == ["", "10004044", "", "LA arranged", "PEX", "Full-time", "10"]


def test_the_census_export_rejects_a_bad_date_with_a_clear_message(client):
    school = SchoolFactory()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    response = client.post(
        reverse("inspection:census_export"), {"school": school.pk, "census_date": "31/02/2026"}
    )
    assert "Enter a real date, for example 27 3 2026" in response.content.decode()


@pytest.mark.parametrize(
    "role, two_factor, per_pupil",
    [
        (Role.DSL, True, True),
        (Role.HEAD, True, True),
        (Role.SCHOOL_COORDINATOR, False, False),
    ],
)
def test_only_a_dsl_or_head_with_their_second_factor_gets_per_pupil_concern_counts(
    client, role, two_factor, per_pupil
):
    from inspection.models import EvidencePack
    from tests.factories import sign_in_with_two_factor

    school, pupil, _ = _small_school()
    user = member(role, school=school)
    if two_factor:
        sign_in_with_two_factor(client, user)
    else:
        client.force_login(user)
    client.post(
        reverse("inspection:pack_list"),
        {"scope": "school", "school": school.pk, "date_from": "01/09/2026", "date_to": "20/11/2026"},
    )
    pack = EvidencePack.objects.get()
    assert pack.options["per_pupil_concerns"] is per_pupil
    data = packs.pack_data(packs.pack_scope(pack), today=date(2026, 11, 20))
    (entry,) = data["pupils"]
    assert (entry["concerns"] is not None) is per_pupil
    # Everyone gets the school-level totals.
    ((_, totals),) = data["summary"]["concern_totals"]
    assert (totals["total"], totals["pupils"]) == (1, 1)


@pytest.mark.pdf
def test_with_the_broker_down_the_pack_page_says_so_and_offers_to_try_again(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    school, _, _ = _small_school()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    with monkeypatch.context() as patched:
        patched.setattr(tasks.evidence_pack_generate, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("inspection:pack_list"),
                {"scope": "school", "school": school.pk, "date_from": "01/09/2026", "date_to": "20/11/2026"},
            )
    pack = EvidencePack.objects.get()
    page = client.get(reverse("inspection:pack_detail", args=[pack.pk])).content.decode()
    assert "The job queue did not answer" in page and "Try again" in page
    assert pack.status == "queued"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("inspection:pack_retry", args=[pack.pk]))
    pack.refresh_from_db()
    assert pack.status == "done" and EvidencePack.objects.count() == 1


def _coordinator_of(*partnerships):
    user = member(Role.PARTNERSHIP_COORDINATOR, partnership=partnerships[0])
    for partnership in partnerships[1:]:
        Membership.objects.create(user=user, role=Role.PARTNERSHIP_COORDINATOR, partnership=partnership)
    return user


def _ask_for_a_partnership_pack(client, **chosen):
    return client.post(
        reverse("inspection:pack_list"),
        {"scope": "partnership", "date_from": "01/09/2026", "date_to": "20/11/2026", **chosen},
    )


def test_a_coordinator_of_two_partnerships_chooses_whose_pack_they_ask_for(client):
    north, south = PartnershipFactory(name="North"), PartnershipFactory(name="South")
    SchoolFactory(partnership=north), SchoolFactory(partnership=south)
    client.force_login(_coordinator_of(north, south))
    page = client.get(reverse("inspection:pack_list")).content.decode()
    assert ">North</option>" in page and ">South</option>" in page
    refused = _ask_for_a_partnership_pack(client).content.decode()
    assert "Choose the partnership" in refused and not EvidencePack.objects.exists()
    for partnership in (south, north):
        assert _ask_for_a_partnership_pack(client, partnership=partnership.pk).status_code == 302
        assert EvidencePack.objects.latest("pk").partnership == partnership


def test_a_coordinator_of_one_partnership_is_not_asked_which(client):
    partnership = PartnershipFactory(name="Only")
    SchoolFactory(partnership=partnership)
    client.force_login(_coordinator_of(partnership))
    assert ">Only</option>" not in client.get(reverse("inspection:pack_list")).content.decode()
    assert _ask_for_a_partnership_pack(client).status_code == 302
    assert EvidencePack.objects.get().partnership == partnership


def test_a_partnership_pack_cannot_be_asked_for_another_partnership(client):
    mine, theirs = PartnershipFactory(), PartnershipFactory()
    SchoolFactory(partnership=mine), SchoolFactory(partnership=theirs)
    client.force_login(_coordinator_of(mine, PartnershipFactory()))
    response = _ask_for_a_partnership_pack(client, partnership=theirs.pk)
    assert response.status_code == 200 and not EvidencePack.objects.exists()


def test_service_staff_choose_a_partnership_and_are_offered_only_its_schools_for_a_pack(client):
    north, south = PartnershipFactory(name="North"), PartnershipFactory(name="South")
    SchoolFactory(partnership=north, name="Alder School"), SchoolFactory(partnership=north, name="Ash School")
    birch = SchoolFactory(partnership=south, name="Birch Academy")
    SchoolFactory(partnership=south, name="Beech School")
    client.force_login(member(Role.SUPERUSER))
    url = reverse("inspection:pack_list")
    first = client.get(url).content.decode()
    assert ">North</option>" in first and ">South</option>" in first
    assert ">Alder School</option>" in first and "Birch Academy" not in first
    south_page = client.get(url, {"partnership": south.pk}).content.decode()
    assert ">Birch Academy</option>" in south_page and "Alder School" not in south_page
    dates = {"date_from": "01/09/2026", "date_to": "20/11/2026"}
    response = client.post(url, {"scope": "school", "school": birch.pk, **dates})
    assert response.status_code == 302 and EvidencePack.objects.get().school == birch
