"""One truth: a fact that is red in the flags is red in the readiness grid (web and API read the
same selector), on the pupil page and in the evidence pack, at the same moment; and green in all
of them once the record that fixes it is written."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from apdash.checks import run_scope
from apdash.models import Role
from inspection.packs import PackScope, pack_data
from inspection.selectors import readiness_for_user
from placements.attendance.services import attendance_bulk_record, attendance_record, follow_up_record
from placements.core.rules import Slot
from placements.core.services import placement_create, placement_update
from placements.models import Flag
from placements.workspace.selectors import pupil_page
from safeguarding.services import concern_acknowledge
from tests.factories import (
    ConcernFactory,
    ProviderFactory,
    SchoolFactory,
    member,
    placement_with_timetable,
    seed_calendar,
)

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 11, 23, 16, 0))  # a Monday, after both registers
MONDAY = NOW.date()


@pytest.fixture
def world(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    seed_calendar(2026)
    school = SchoolFactory()
    placement = placement_with_timetable(
        pupil__school=school,
        provider=ProviderFactory(registration_checked_on=date(2026, 9, 1), dsl_name="Dee Marsh"),
        days=(0, 1),
        start_date=date(2026, 9, 7),
    )
    # Every register of the look-back arrived, present, but Monday morning's.
    with django_capture_on_commit_callbacks(execute=True):
        attendance_bulk_record(
            entries=[
                {"placement": placement, "date": day, "session": session, "code": "/"}
                for day in (date(2026, 11, 16), date(2026, 11, 17), MONDAY)
                for session in ("AM", "PM")
                if (day, session) != (MONDAY, "AM")
            ],
            source="coordinator",
        )
    run_scope(NOW)

    def commit(write, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(**kwargs)

    return {
        "school": school,
        "placement": placement,
        "pupil": placement.pupil,
        "coordinator": member(Role.SCHOOL_COORDINATOR, school=school),
        "dsl": member(Role.DSL, school=school),
        "commit": commit,
    }


def everywhere(world, kind, column, reader="coordinator"):
    """(flag open?, readiness cell, pack cell, readiness % green, pack % green, pack row) for the
    pupil as `reader` sees them, checking that the pupil page shows the flag exactly when it is open."""
    pupil, school = world["pupil"], world["school"]
    flag = Flag.objects.filter(kind=kind, resolved_at__isnull=True, school=school).exists()
    grid = readiness_for_user(world[reader], school_ids=[school.id], today=MONDAY, now=NOW)
    row = next(r for r in grid.rows if r.pupil == pupil)
    pack = pack_data(
        PackScope(
            title="Pack",
            schools=[school],
            date_from=date(2026, 9, 1),
            date_to=MONDAY,
            per_pupil_concerns=reader == "dsl",
        ),
        today=MONDAY,
        now=NOW,
    )
    pack_row = next(p for p in pack["pupils"] if p["pupil"] == pupil)
    # The pupil page lists the same open flags (concern flags name no pupil, so not there).
    page = pupil_page(world["coordinator"], pupil_id=pupil.pk, today=MONDAY)
    if kind != "concern_unacknowledged":
        assert any(f.kind == kind for f in page.open_flags) == flag
    return (
        flag,
        row.cells[column].status,
        pack_row["readiness"].cells[column].status,
        grid.overall[column],
        pack["readiness"].overall[column],
        pack_row,
    )


def test_an_absence_is_red_everywhere_until_a_follow_up_reaches_someone(world):
    placement, commit, who = world["placement"], world["commit"], world["coordinator"]
    commit(
        attendance_record,
        actor=who,
        placement=placement,
        date=MONDAY,
        session="AM",
        source="coordinator",
        code="N",
    )
    follow_up = dict(placement=placement, date=MONDAY, session="AM", contacted="Parent", contacted_at=NOW)
    for outcome in (None, "not_contacted"):
        if outcome:
            commit(follow_up_record, actor=who, outcome=outcome, **follow_up)
        flag, grid, pack, grid_pct, pack_pct, pack_row = everywhere(world, "absence_unexplained", "c")
        assert (flag, grid, pack, grid_pct, pack_pct) == (True, "red", "red", 0, 0)
        assert pack_row["placements"][0]["followed_up"] == 0
    commit(follow_up_record, actor=who, outcome="safe_and_well", **follow_up)
    flag, grid, pack, grid_pct, pack_pct, pack_row = everywhere(world, "absence_unexplained", "c")
    assert (flag, grid, pack, grid_pct, pack_pct) == (False, "green", "green", 100, 100)
    assert pack_row["placements"][0]["followed_up"] == pack_row["placements"][0]["absences"] == 1


def test_a_future_placement_over_the_hours_line_is_red_everywhere_before_it_starts(world):
    placement, commit, who = world["placement"], world["commit"], world["coordinator"]
    commit(
        placement_create,
        actor=who,
        pupil=placement.pupil,
        provider=placement.provider,
        start_date=MONDAY + timedelta(days=14),
        reason="More vocational time",
        timetable=[Slot(weekday=2, start=time(9), end=time(15))],
    )
    flag, grid, pack, grid_pct, pack_pct, _ = everywhere(world, "hours_breach_pupil", "registration")
    assert (flag, grid, pack, grid_pct, pack_pct) == (True, "red", "red", 0, 0)
    # Three days a week from 7 December is over the limit; the school drops Tuesdays.
    commit(
        placement_update,
        actor=who,
        placement=placement,
        timetable=[Slot(weekday=0, start=time(9), end=time(15))],
    )
    flag, grid, pack, grid_pct, pack_pct, _ = everywhere(world, "hours_breach_pupil", "registration")
    assert (flag, grid, pack, grid_pct, pack_pct) == (False, "green", "green", 100, 100)


def test_a_concern_past_its_acknowledgement_deadline_is_red_for_the_dsl_everywhere_until_acknowledged(world):
    concern = ConcernFactory(pupil=world["pupil"], urgency="urgent", raised_at=NOW - timedelta(hours=3))
    run_scope(NOW)
    # The DSL's grid and a DSL's pack agree (counts only, never the concern).
    flag, grid, pack, grid_pct, pack_pct, _ = everywhere(world, "concern_unacknowledged", "d", reader="dsl")
    assert (flag, grid, pack, grid_pct, pack_pct) == (True, "red", "red", 0, 0)
    # Only a DSL may know a pupil has a concern: the co-ordinator's grid and pack do not say so.
    _, grid, pack, _, _, _ = everywhere(world, "concern_unacknowledged", "d")
    assert (grid, pack) == ("green", "green")
    world["commit"](concern_acknowledge, actor=world["dsl"], concern=concern)
    flag, grid, pack, grid_pct, pack_pct, _ = everywhere(world, "concern_unacknowledged", "d", reader="dsl")
    assert (flag, grid, pack, grid_pct, pack_pct) == (False, "green", "green", 100, 100)
