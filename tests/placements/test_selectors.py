from datetime import timedelta

import pytest
from django.utils import timezone

from apdash.models import Role
from placements import selectors
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
    rows = {p.pk: p for p in selectors.pupil_list(member(Role.SCHOOL_COORDINATOR, school=pupil.school))}
    assert (rows[pupil.pk].active_placements, rows[pupil.pk].open_flags) == (1, 2)
    assert (rows[quiet.pk].active_placements, rows[quiet.pk].open_flags) == (0, 0)


def test_filters_offer_only_the_providers_where_the_users_pupils_are_placed():
    mine = placement_with_timetable()
    placement_with_timetable()  # another school's pupil at another provider
    coordinator = member(Role.SCHOOL_COORDINATOR, school=mine.pupil.school)
    assert list(selectors.providers_in_use(coordinator)) == [mine.provider]
