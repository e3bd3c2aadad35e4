from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from placements.models import AttendanceMark, Placement, Pupil, TimetableSlot
from tests.factories import AttendanceMarkFactory, PlacementFactory, PupilFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def test_full_clean_refuses_a_bad_upn_with_the_reason():
    pupil = PupilFactory.build(upn="A801200005001", school=SchoolFactory())
    with pytest.raises(ValidationError) as error:
        pupil.full_clean()
    assert "check letter" in str(error.value.message_dict["upn"])


def test_upn_is_unique():
    PupilFactory(upn="B801200005001")
    with pytest.raises(IntegrityError), transaction.atomic():
        PupilFactory(upn="B801200005001")


def test_database_refuses_a_placement_ending_before_it_starts():
    placement = PlacementFactory(start_date=date(2026, 9, 7))
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.filter(pk=placement.pk).update(end_date=date(2026, 9, 1))


def test_database_refuses_a_slot_that_ends_before_it_starts():
    placement = PlacementFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        TimetableSlot.objects.create(placement=placement, weekday=1, start=time(12), end=time(9))


def test_one_attendance_mark_per_placement_date_and_session():
    mark = AttendanceMarkFactory(date=date(2026, 11, 23), session="AM")
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceMark.objects.create(placement=mark.placement, date=mark.date, session="AM", code="N")
    AttendanceMark.objects.create(placement=mark.placement, date=mark.date, session="PM", code="B")


def test_a_pupil_belongs_to_exactly_one_school():
    field = Pupil._meta.get_field("school")
    assert field.many_to_one and not field.null
