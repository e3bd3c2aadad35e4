from datetime import timedelta

import pytest
from django.utils import timezone

from apdash.models import Role
from placements.core import selectors as core_selectors
from placements.workspace import selectors as workspace_selectors
from tests.factories import FlagFactory, PupilFactory, member, placement_with_timetable

pytestmark = pytest.mark.django_db


def test_the_pupil_list_counts_current_placements_and_open_flags_per_pupil():
    pupil = PupilFactory()
    placement_with_timetable(pupil=pupil)
    ended = placement_with_timetable(pupil=pupil, start_date=timezone.localdate() - timedelta(days=200))
    ended.end_date = timezone.localdate() - timedelta(days=100)
    ended.save()
    FlagFactory(pupil=pupil, school=pupil.school)
    FlagFactory(pupil=pupil, school=pupil.school)
    FlagFactory(pupil=pupil, school=pupil.school, resolved_at=timezone.now())
    quiet = PupilFactory(school=pupil.school)
    coordinator = member(Role.SCHOOL_COORDINATOR, school=pupil.school)
    rows = {p.pk: p for p in workspace_selectors.pupil_list(coordinator)}
    assert (rows[pupil.pk].active_placements, rows[pupil.pk].open_flags) == (1, 2)
    assert (rows[quiet.pk].active_placements, rows[quiet.pk].open_flags) == (0, 0)


def test_filters_offer_only_the_providers_where_the_users_pupils_are_placed():
    mine = placement_with_timetable()
    placement_with_timetable()  # another school's pupil at another provider
    coordinator = member(Role.SCHOOL_COORDINATOR, school=mine.pupil.school)
    assert list(core_selectors.providers_in_use(coordinator)) == [mine.provider]


def test_the_school_overview_counts_pupils_pupils_placed_today_and_open_flags_per_school(
    django_assert_num_queries,
):
    today = timezone.localdate()
    busy = placement_with_timetable(start_date=today - timedelta(days=10))
    school = busy.pupil.school
    placement_with_timetable(pupil=busy.pupil, start_date=today - timedelta(days=10))  # a second setting
    placement_with_timetable(pupil=PupilFactory(school=school), start_date=today + timedelta(days=5))
    PupilFactory(school=school)  # on the roll with no placement: not an AP pupil
    FlagFactory(school=school, pupil=busy.pupil)
    FlagFactory(school=school, pupil=busy.pupil)
    FlagFactory(school=school, resolved_at=timezone.now())
    other = PupilFactory().school
    coordinator = member(Role.SUPERUSER)
    with django_assert_num_queries(2):  # the user's scope, then one row per school
        rows = {s.pk: s for s in workspace_selectors.school_overview(coordinator, today=today)}
    assert (rows[school.pk].pupil_count, rows[school.pk].placed_count, rows[school.pk].open_flag_count) == (
        2,
        1,
        2,
    )
    # A school whose only pupil has no placement has no AP pupils.
    assert (rows[other.pk].pupil_count, rows[other.pk].placed_count, rows[other.pk].open_flag_count) == (
        0,
        0,
        0,
    )
