"""Every CSV we write is safe to open in a spreadsheet: no cell runs as a formula (issue 13,
item 6). One writer, `apdash.csv_export`, used by the pupils, placements and census exports."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from apdash.csv_export import neutralise
from apdash.models import Role
from tests.factories import PupilFactory, SchoolFactory, member, placement_with_timetable

pytestmark = pytest.mark.django_db

EVIL = "=cmd|' /C calc'!A0"


def _cells(response):
    return [cell for row in csv.reader(io.StringIO(response.content.decode())) for cell in row]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_starting_like_a_formula_is_made_text(start):
    assert neutralise(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


def test_ordinary_cells_and_numbers_are_left_alone():
    assert neutralise("Amelia") == "Amelia"
    assert neutralise(-3) == -3
    assert neutralise("") == ""


@pytest.fixture
def evil_pupil(client):
    school = SchoolFactory()
    pupil = PupilFactory(school=school, first_name=EVIL, last_name='=HYPERLINK("http://evil.example")')
    placement_with_timetable(pupil=pupil, start_date=date(2026, 9, 7))
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    return pupil


def test_the_pupil_export_neutralises_formulae(client, evil_pupil):
    cells = _cells(client.get(reverse("placements:pupil_export")))
    assert f"'{EVIL}" in cells and EVIL not in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


def test_the_placements_export_neutralises_formulae(client, evil_pupil):
    cells = _cells(client.get(reverse("placements:placement_export")))
    assert f"'{EVIL}" in cells or any(cell.startswith("'=") for cell in cells)
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


def test_the_census_export_neutralises_formulae(client, evil_pupil):
    from tests.factories import seed_calendar

    seed_calendar(2026)
    response = client.post(
        reverse("inspection:census_export"), {"school": evil_pupil.school_id, "census_date": "01/10/2026"}
    )
    cells = _cells(response)
    assert '\'=HYPERLINK("http://evil.example")' in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
