from datetime import date, datetime

import pytest
from django.utils import timezone

from apdash.checks import registered_checks
from benchmarks.generate import SCALES, generate
from placements.core import rules as core_rules
from placements.models import AttendanceMark, Flag, Placement, Pupil

pytestmark = pytest.mark.django_db


def test_the_generator_builds_valid_data_the_checks_can_run_over():
    world = generate(SCALES["tiny"], today=date(2026, 11, 23))
    scale = SCALES["tiny"]
    # The scale's schools, besides the small partnership's and the import scenario's.
    assert (
        Pupil.objects.filter(school__name__startswith="Bench school ").count()
        == scale.partnerships * scale.schools_per_partnership * scale.pupils_per_school
    )
    assert all(core_rules.upn_problem(upn) is None for upn in Pupil.objects.values_list("upn", flat=True))
    assert Placement.objects.count() >= Pupil.objects.count()
    assert AttendanceMark.objects.exists()
    assert world["counts"]["pupils"] >= Pupil.objects.filter(school__name__startswith="Bench school ").count()
    for registered in registered_checks():
        registered.run(timezone.make_aware(datetime(2026, 11, 23, 18)))
    assert Flag.objects.filter(resolved_at__isnull=True).exists()
