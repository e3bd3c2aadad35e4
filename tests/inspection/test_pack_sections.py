"""A partnership's pack built in parts (a chord of Celery tasks, eager here) and bound with pypdf
reads back whole: the right page count, page numbers across the parts, contents entries and
bookmarks pointing at the right pages, every pupil and provider present."""

import io
import re
from datetime import date, time, timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from apdash.models import Role
from inspection import pack_floor, pack_sections, packs, services, tasks
from inspection.models import EvidencePack
from placements.models import Flag
from tests.factories import (
    FlagFactory,
    PartnershipFactory,
    ProviderAuditFactory,
    ProviderFactory,
    PupilFactory,
    SchoolFactory,
    member,
    placement_with_timetable,
    seed_calendar,
)
from tests.inspection.pdf import page_texts, save_pngs

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["whole sections", "sections in slices"])
def slices(request, monkeypatch):
    """Built as the county's partnership is: the schools' pupils, the register and the open flags
    in slices (here of one pupil, one provider and two flags), each its own part."""
    if request.param == "sections in slices":
        monkeypatch.setattr(pack_sections, "PUPILS_PER_PART", 1)
        monkeypatch.setattr(pack_sections, "PROVIDERS_PER_PART", 1)
        monkeypatch.setattr(pack_sections, "FLAGS_PER_PART", 2)
    return request.param


@pytest.fixture
def partnership_pack(slices):
    """Three schools, two pupils each at one of three providers, five open flags; the pack
    generated in parts."""
    seed_calendar(2026)
    partnership = PartnershipFactory(name="Northshire AP Partnership")
    providers = [
        ProviderFactory(name=name, registration_checked_on=date(2026, 9, 1))
        for name in ("Forge Skills Centre", "Canal Side Horticulture", "Style My Ride")
    ]
    for provider in providers:
        ProviderAuditFactory(provider=provider)
    placements = []
    for n, school_name in enumerate(("Castle Hill Academy", "Riverside School", "Oakwood High")):
        school = SchoolFactory(name=school_name, partnership=partnership)
        for k in range(2):
            pupil = PupilFactory(school=school, first_name=f"Pupil{n}{k}", last_name=f"Surname{n}{k}")
            placements.append(
                placement_with_timetable(
                    pupil=pupil,
                    provider=providers[(n + k) % 3],
                    days=(0, 2),
                    start=time(9, 0),
                    end=time(12, 0),
                    start_date=date(2026, 9, 7),
                )
            )
    for n, placement in enumerate(placements[:5]):
        FlagFactory(
            pupil=placement.pupil,
            school=placement.pupil.school,
            placement=placement,
            severity=Flag.Severity.RED if n % 2 else Flag.Severity.AMBER,
            message=f"Visit overdue for flag {n}",
        )
    user = member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership)
    today = timezone.localdate()
    pack = services.evidence_pack_request(
        actor=user,
        scope="partnership",
        partnership=partnership,
        date_from=today - timedelta(days=60),
        date_to=today,
    )
    tasks.evidence_pack_generate.delay(pack.pk)
    pack.refresh_from_db()
    return pack, placements, providers


def _contents_entries(pages):
    """(label, page) for each line of the contents: the cover pages before "1. Summary" starts."""
    first_section = next(i for i, text in enumerate(pages) if i > 0 and "1. Summary Evidences:" in text)
    text = " ".join(pages[:first_section])
    return first_section, text


def test_a_partnership_pack_in_parts_reads_back_with_pages_contents_pupils_and_providers(partnership_pack):
    pack, placements, providers = partnership_pack
    assert pack.status == EvidencePack.Status.DONE, pack.error
    with pack.file.open("rb") as handle:
        pdf = handle.read()
    reader = PdfReader(io.BytesIO(pdf))
    pages = page_texts(pdf)
    save_pngs(pdf, "partnership-in-parts", pages=3)

    # The page count recorded is the page count bound, and every page is numbered across parts.
    assert len(reader.pages) == pack.pages == len(pages) > 8
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {pack.pages}" in text, number
        assert "OFFICIAL-SENSITIVE" in text and "Northshire AP Partnership" in text

    # Contents: each pupil's entry gives the page on which their own section starts.
    first_section, contents = _contents_entries(pages)
    for placement in placements:
        pupil = placement.pupil
        # The name, then what tells same-named pupils apart (issue 17), then the page.
        match = re.search(
            rf"{re.escape(pupil.full_name)} \(?{re.escape(pupil.told_apart)}\)? (\d+)", contents
        )
        assert match, pupil.full_name
        page = pages[int(match[1]) - 1]
        assert f"{pupil.full_name} ({pupil.told_apart}) Evidences: G §1a–e" in page, (
            pupil.full_name,
            match[1],
        )
        assert pupil.upn in page and placement.provider.name in page
    sections = (
        "1. Summary",
        "2. Planning-call sheet",
        "3. Provider register",
        "4. Each pupil",
        "5. Unregistered providers",
        "6. Open flags",
    )
    starts = []
    for heading in sections:
        match = re.search(rf"{re.escape(heading)}[^0-9]* (\d+)", contents)
        assert match, heading
        assert heading in pages[int(match[1]) - 1]
        starts.append(int(match[1]))
    # Each section once, in the pack's order, whichever part printed it.
    assert starts == sorted(starts)
    assert all(sum(text.count(heading) for text in pages[first_section:]) == 1 for heading in sections)
    # Every provider is in the provider register, with its own contents entry, in name order.
    at = []
    for provider in providers:
        match = re.search(rf"{re.escape(provider.name)} (\d+)", contents)
        assert match, provider.name
        assert provider.name in pages[int(match[1]) - 1]
        at.append((provider.name, contents.index(provider.name)))
    assert [name for name, _ in sorted(at, key=lambda item: item[1])] == sorted(p.name for p in providers)
    # Every open flag once, in the pack's order: red first.
    flags = " ".join(pages[starts[5] - 1 :])
    found = [(n, flags.index(f"Visit overdue for flag {n}")) for n in range(5)]
    assert all(flags.count(f"Visit overdue for flag {n}") == 1 for n in range(5))
    assert [n for n, _ in sorted(found, key=lambda item: item[1])] == [1, 3, 0, 2, 4]

    # The PDF's bookmarks point at the same pages as the contents.
    outline = {
        reader.outline[i].title: reader.get_destination_page_number(reader.outline[i])
        for i in range(len(reader.outline))
        if not isinstance(reader.outline[i], list)
    }
    assert pages[outline["1. Summary"]].count("1. Summary") >= 1
    assert first_section == outline["1. Summary"]
    for heading in sections:
        title = next(title for title in outline if title.startswith(heading))
        assert heading in pages[outline[title]], heading
    # The providers' bookmarks sit under the register's, whichever part printed them.
    register = next(i for i, item in enumerate(reader.outline) if getattr(item, "title", "").startswith("3."))
    children = reader.outline[register + 1]
    assert sorted(child.title for child in children) == sorted(p.name for p in providers)

    # The parts were removed once bound.
    from django.core.files.storage import default_storage

    assert not any(f"pack-{pack.pk}-" in name for name in default_storage.listdir(pack_sections.PARTS_DIR)[1])


def test_a_part_that_fails_marks_the_pack_failed(monkeypatch):
    seed_calendar(2026)
    school = SchoolFactory()
    user = member(Role.PARTNERSHIP_COORDINATOR, partnership=school.partnership)
    pack = services.evidence_pack_request(
        actor=user,
        scope="partnership",
        partnership=school.partnership,
        date_from=timezone.localdate() - timedelta(days=5),
        date_to=timezone.localdate(),
    )

    def broken(*args, **kwargs):
        raise RuntimeError("fonts missing")

    monkeypatch.setattr(pack_sections, "render_part", broken)
    with pytest.raises(Exception, match="fonts missing"):  # eager: the part's retry is raised here
        tasks.evidence_pack_generate.delay(pack.pk)
    pack.refresh_from_db()
    assert pack.status == EvidencePack.Status.FAILED and "fonts missing" in pack.error


def test_the_floor_is_a_bare_document_of_the_pages_asked_for():
    result = pack_floor.floor_render(pages=6)
    assert result.pages == 6
    assert result.seconds > 0 and result.pages_per_second == pytest.approx(6 / result.seconds)


def test_parts_go_to_the_workers_largest_first_and_know_their_place_in_the_pack(monkeypatch):
    monkeypatch.setattr(pack_sections, "PUPILS_PER_PART", 2)
    partnership = PartnershipFactory()
    small = SchoolFactory(name="Ash School", partnership=partnership)
    large = SchoolFactory(name="Birch School", partnership=partnership)
    for school, pupils in ((small, 1), (large, 3)):
        for _ in range(pupils):
            placement_with_timetable(
                pupil=PupilFactory(school=school), start_date=timezone.localdate() - timedelta(days=20)
            )
    pack = EvidencePack.objects.create(
        scope="partnership",
        partnership=partnership,
        date_from=timezone.localdate() - timedelta(days=30),
        date_to=timezone.localdate(),
    )

    parts = pack_sections.pack_parts(pack)

    # The slices of the schools' pupils first, the fullest first, then the sections of a few pages.
    assert [(p.kind, p.school_id, p.first) for p in parts] == [
        ("school", large.pk, 0),
        ("school", small.pk, 0),
        ("school", large.pk, 2),
        ("register", None, 0),
        ("flags", None, 0),
        ("front", None, 0),
        ("back", None, 0),
    ]
    # Bound in the pack's order: front, register, the schools by name, unregistered, flags.
    bound = sorted(parts, key=lambda p: p.position)
    assert [(p.kind, p.school_id, p.first) for p in bound] == [
        ("front", None, 0),
        ("register", None, 0),
        ("school", small.pk, 0),
        ("school", large.pk, 0),
        ("school", large.pk, 2),
        ("back", None, 0),
        ("flags", None, 0),
    ]
    assert [p.position for p in bound] == list(range(len(parts)))
    assert {p.of for p in parts} == {len(parts)}


def test_a_large_partnerships_register_and_flags_are_split_into_parts_of_bounded_size(monkeypatch):
    """However many schools, no part prints more than a slice of the providers or the flags."""
    monkeypatch.setattr(pack_sections, "PUPILS_PER_PART", 2)
    monkeypatch.setattr(pack_sections, "PROVIDERS_PER_PART", 2)
    monkeypatch.setattr(pack_sections, "FLAGS_PER_PART", 3)
    seed_calendar(2026)
    partnership = PartnershipFactory()
    for _ in range(5):
        school = SchoolFactory(partnership=partnership)
        placement = placement_with_timetable(
            pupil=PupilFactory(school=school),
            provider=ProviderFactory(),
            days=(0,),
            start=time(9, 0),
            end=time(12, 0),
            start_date=date(2026, 9, 7),
        )
        FlagFactory(pupil=placement.pupil, school=school, placement=placement)
        FlagFactory(pupil=placement.pupil, school=school, placement=placement)
    pack = EvidencePack.objects.create(
        scope="partnership", partnership=partnership, date_from=date(2026, 9, 1), date_to=date(2026, 11, 20)
    )

    parts = sorted(pack_sections.pack_parts(pack), key=lambda p: p.position)

    # Each school's one pupil is a part of its own: a slice of two would hold one.
    assert [p.first for p in parts if p.kind == "school"] == [0] * 5
    # Five providers in slices of at most two, ten flags of at most three: as even as can be.
    assert [(p.kind, p.first, len(p.ids)) for p in parts if p.kind in ("register", "flags")] == [
        ("register", 0, 2),
        ("register", 2, 1),
        ("register", 3, 2),
        ("flags", 0, 2),
        ("flags", 2, 3),
        ("flags", 5, 3),
        ("flags", 8, 2),
    ]
    assert [p.position for p in parts] == list(range(len(parts)))
    flags = [flag_id for p in parts if p.kind == "flags" for flag_id in p.ids]
    assert sorted(flags) == sorted(Flag.objects.values_list("pk", flat=True))  # each once


def test_a_flag_resolved_while_the_parts_are_built_moves_no_other_flag_across_a_slices_edge(monkeypatch):
    monkeypatch.setattr(pack_sections, "FLAGS_PER_PART", 2)
    seed_calendar(2026)
    partnership = PartnershipFactory()
    placement = placement_with_timetable(
        pupil=PupilFactory(school=SchoolFactory(partnership=partnership)),
        days=(0,),
        start_date=date(2026, 9, 7),
    )
    for _ in range(4):
        FlagFactory(pupil=placement.pupil, school=placement.pupil.school, placement=placement)
    pack = EvidencePack.objects.create(
        scope="partnership", partnership=partnership, date_from=date(2026, 9, 1), date_to=date(2026, 11, 20)
    )
    first, second = [
        p for p in sorted(pack_sections.pack_parts(pack), key=lambda p: p.position) if p.kind == "flags"
    ]
    resolved = Flag.objects.get(pk=first.ids[0])
    resolved.resolved_at = timezone.now()
    resolved.save()

    def printed(part):
        return [
            f.pk
            for f, _ in pack_sections._part_data(pack, part, today=date(2026, 11, 20), now=timezone.now())[
                "flags"
            ]
        ]

    # The first slice loses only the flag resolved; the second still prints its own two.
    assert printed(first) == list(first.ids[1:])
    assert printed(second) == list(second.ids)


def test_a_schools_part_keeps_the_packs_title_and_the_dsls_per_pupil_concern_counts():
    partnership = PartnershipFactory(name="Northshire AP Partnership")
    school, sister = SchoolFactory(partnership=partnership), SchoolFactory(partnership=partnership)
    pack = EvidencePack.objects.create(
        scope="partnership",
        partnership=partnership,
        date_from=date(2026, 9, 1),
        date_to=date(2026, 11, 20),
        options={"per_pupil_concerns": True},
    )
    part = packs.pack_scope(pack, school_id=sister.pk)
    whole = packs.pack_scope(pack)
    assert part.schools == [sister]
    assert sorted(s.pk for s in whole.schools) == sorted([school.pk, sister.pk])
    assert part.title == whole.title == "Northshire AP Partnership"
    assert part.per_pupil_concerns and whole.per_pupil_concerns
