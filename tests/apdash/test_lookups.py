"""`__any`: a partnership's few hundred ids passed from one query to the next."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from placements.models import Placement, Pupil
from tests.factories import PlacementFactory, PupilFactory

pytestmark = pytest.mark.django_db


def test_any_finds_the_rows_whose_id_is_listed_and_no_others():
    first, second, third = PupilFactory.create_batch(3)
    found = Pupil.objects.filter(pk__any={first.pk, third.pk})
    assert set(found) == {first, third}
    assert set(Pupil.objects.exclude(pk__any=[first.pk])) == {second, third}


def test_any_follows_a_relation_as_in_does():
    kept, other = PlacementFactory(), PlacementFactory()
    assert list(Placement.objects.filter(pupil_id__any=[kept.pupil_id])) == [kept]
    assert list(Placement.objects.filter(pupil__any=[other.pupil_id])) == [other]


def test_any_sends_the_ids_as_one_array_on_postgresql():
    pupils = PupilFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        list(Pupil.objects.filter(pk__any=[p.pk for p in pupils]))
    (query,) = queries.captured_queries
    if connection.vendor == "postgresql":
        assert "= ANY(" in query["sql"]
    else:  # SQLite (the demo): no arrays, a parameter per id
        assert "IN (" in query["sql"]


def test_any_with_no_ids_finds_nothing_without_asking_the_database(django_assert_num_queries):
    PupilFactory()
    with django_assert_num_queries(0):
        assert list(Pupil.objects.filter(pk__any=[])) == []


def test_any_inside_an_or_drops_only_the_empty_branch():
    pupil = PupilFactory()
    assert list(Pupil.objects.filter(pk__any=[]) | Pupil.objects.filter(pk=pupil.pk)) == [pupil]


def test_any_passes_a_subquery_on_to_the_database():
    placement = PlacementFactory()
    PlacementFactory()
    pupils = Pupil.objects.filter(pk=placement.pupil_id).values("pk")
    assert list(Placement.objects.filter(pupil_id__any=pupils)) == [placement]


def test_any_refuses_a_value_that_is_not_an_id():
    with pytest.raises(ValueError):
        list(Pupil.objects.filter(pk__any=["not an id"]))
