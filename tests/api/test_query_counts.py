from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    AttendanceMarkFactory,
    FlagFactory,
    FollowUpFactory,
    ProviderFactory,
    PupilFactory,
    VisitFactory,
    placement_with_timetable,
)

pytestmark = pytest.mark.django_db


def build_pupils(world, n):
    PupilFactory.create_batch(n, school=world.school)


def build_providers(world, n):
    ProviderFactory.create_batch(n)


def build_placements(world, n):
    for _ in range(n):
        placement_with_timetable(
            pupil=PupilFactory(school=world.school), provider=world.provider, days=(0, 1, 3)
        )


def build_attendance(world, n):
    placement = placement_with_timetable(pupil=PupilFactory(school=world.school), provider=world.provider)
    for i in range(n):
        AttendanceMarkFactory(
            placement=placement,
            date=timezone.localdate() - timedelta(days=i // 2),
            session=("AM", "PM")[i % 2],
        )


def build_visits(world, n):
    placement = placement_with_timetable(pupil=PupilFactory(school=world.school), provider=world.provider)
    VisitFactory.create_batch(n, placement=placement)


def build_follow_ups(world, n):
    placement = placement_with_timetable(pupil=PupilFactory(school=world.school), provider=world.provider)
    for i in range(n):
        mark = AttendanceMarkFactory(
            placement=placement, date=timezone.localdate() - timedelta(days=i), code="N"
        )
        FollowUpFactory(attendance=mark)


def build_flags(world, n):
    placement = placement_with_timetable(pupil=PupilFactory(school=world.school), provider=world.provider)
    FlagFactory.create_batch(n, school=world.school, pupil=placement.pupil, placement=placement)


LISTS = [
    ("pupils", build_pupils, "coordinator"),
    ("providers", build_providers, "coordinator"),
    ("placements", build_placements, "coordinator"),
    ("attendance", build_attendance, "coordinator"),
    ("visits", build_visits, "partnership_coordinator"),
    ("follow-ups", build_follow_ups, "coordinator"),
    ("flags", build_flags, "dsl"),
]


@pytest.mark.parametrize("rows", [10, 200])
@pytest.mark.parametrize(("resource", "build", "role"), LISTS)
def test_a_list_costs_the_same_few_queries_at_10_and_200_rows(
    api, world, django_assert_max_num_queries, resource, build, role, rows
):
    build(world, rows)
    client = api(getattr(world, role))
    with django_assert_max_num_queries(7):
        response = client.get(f"/api/v1/{resource}/")
    assert response.status_code == 200
    page = response.json()
    assert page["count"] >= rows
    assert len(page["results"]) == min(page["count"], 50)
