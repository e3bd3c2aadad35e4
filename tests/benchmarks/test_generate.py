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
    in_scale = Pupil.objects.filter(school__in=world["schools"]).count()
    assert in_scale == scale.partnerships * scale.schools_per_partnership * scale.pupils_per_school
    # The small partnership the pages' query counts are compared with has two pupils.
    assert Pupil.objects.filter(school__name="Bench small school").count() == 2
    assert all(core_rules.upn_problem(upn) is None for upn in Pupil.objects.values_list("upn", flat=True))
    assert Placement.objects.count() >= Pupil.objects.count()
    assert AttendanceMark.objects.exists()
    assert world["counts"]["pupils"] + len(world["register_import"]["placement_ids"]) == Pupil.objects.count()
    assert world["counts"]["attendance_marks"] == AttendanceMark.objects.count()
    # The register file to import: a header and `import_rows` rows for the import setting's pupils.
    assert world["register_import"]["csv"].count("\n") == scale.import_rows + 1
    for registered in registered_checks():
        registered.run(timezone.make_aware(datetime(2026, 11, 23, 18)))
    assert Flag.objects.filter(resolved_at__isnull=True).exists()
