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
