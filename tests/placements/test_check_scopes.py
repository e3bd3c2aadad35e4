"""Every check runs for a scope (a pupil, a placement, a provider, a partnership, the provider-wide
rules, everything) with the same rules and the same flag keys as the full run."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apdash.checks import Scope, run_scope
from apdash.tasks import sweep_shards
from placements.models import Flag
from tests.factories import (
    AttendanceMarkFactory,
    ConcernFactory,
    PartnershipFactory,
    ProviderFactory,
    PupilFactory,
    SchoolFactory,
    VisitFactory,
    placement_with_timetable,
    seed_calendar,
)

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 11, 23, 15, 0))


def add_pupils(count, *, schools, providers, offset=0):
    placements = []
    for n in range(offset, offset + count):
        pupil = PupilFactory(school=schools[n % len(schools)], sen_status="ehcp" if n % 7 == 0 else "none")
        placement = placement_with_timetable(
            pupil=pupil,
            provider=providers[n % len(providers)],
            days=(0, 1, 2, 3) if n % 5 == 0 else (0, 1),
            start_date=date(2026, 9, 7),
        )
        if n % 2:
            VisitFactory(placement=placement, date=date(2026, 10, 7))
        if n % 3:
            AttendanceMarkFactory(
                placement=placement, date=date(2026, 11, 23), session="AM", code="N" if n % 4 == 0 else "B"
            )
        if n % 4 == 1:
            ConcernFactory(pupil=pupil, urgency="urgent", raised_at=NOW - timedelta(hours=5))
        placements.append(placement)
    return placements


@pytest.fixture
def world():
    seed_calendar(2026)
    north, south = PartnershipFactory(), PartnershipFactory()
    schools = [
        SchoolFactory(partnership=north),
        SchoolFactory(partnership=south),
        SchoolFactory(partnership=None),
    ]
    providers = [ProviderFactory(), ProviderFactory(), ProviderFactory(registration_status="registered")]
    placements = add_pupils(24, schools=schools, providers=providers)
    return {
        "partnerships": (north, south),
        "schools": schools,
        "providers": providers,
        "placements": placements,
    }


def open_flags():
    return {
        (key, pupil, provider, school)
        for key, pupil, provider, school in Flag.objects.filter(resolved_at__isnull=True).values_list(
            "key", "pupil_id", "provider_id", "school__partnership_id"
        )
    }


def everything():
    Flag.objects.all().delete()
    run_scope(NOW)
    found = open_flags()
    Flag.objects.all().delete()
    return found


@pytest.mark.parametrize("shard_schools", [1, 80])
def test_the_sharded_sweep_opens_exactly_the_flags_of_the_full_run(world, settings, shard_schools):
    # One partnership a shard, or both in one range.
    settings.APDASH_SWEEP_SHARD_SCHOOLS = shard_schools
    expected = everything()
    assert {key.split(":")[0] for key, *_ in expected} >= {
        "hours_breach_pupil",
        "hours_breach_provider",
        "absence_unexplained",
        "visit_overdue",
        "audit_expired",
        "concern_unacknowledged",
    }
    for shard in sweep_shards():
        run_scope(NOW, shard)
    assert open_flags() == expected
    # Run again, shard by shard: nothing opens twice and nothing resolves.
    for shard in sweep_shards():
        results = run_scope(NOW, shard)
        assert sum(r.opened + r.resolved for r in results) == 0
    assert Flag.objects.count() == len(expected)


def test_a_partnership_shard_opens_its_pupils_flags_and_no_provider_wide_flag(world):
    expected = everything()
    north = world["partnerships"][0]
    run_scope(NOW, Scope.partnership(north.id))
    assert open_flags() == {f for f in expected if f[1] is not None and f[3] == north.id} | {
        f for f in expected if f[0].startswith("concern_unacknowledged") and f[3] == north.id
    }
    assert not Flag.objects.filter(pupil__isnull=True, school__isnull=True).exists()


def test_a_range_of_partnerships_opens_the_flags_of_those_partnerships_only(world):
    expected = everything()
    north, south = world["partnerships"]
    run_scope(NOW, Scope.partnerships(north.id, south.id))
    both = {f for f in expected if f[3] in (north.id, south.id)}
    assert open_flags() == {f for f in both if f[1] is not None or f[0].startswith("concern_unacknowledged")}
    Flag.objects.all().delete()
    run_scope(NOW, Scope.partnerships(south.id, south.id))
    assert {f[3] for f in open_flags()} == {south.id}


def test_the_sweep_shards_whole_partnerships_by_schools_with_the_provider_wide_rules_first(settings):
    partnerships = [PartnershipFactory() for _ in range(5)]
    for partnership, schools in zip(partnerships, (2, 1, 3, 1, 1), strict=True):
        SchoolFactory.create_batch(schools, partnership=partnership)
    ids = [p.id for p in partnerships]
    settings.APDASH_SWEEP_SHARD_SCHOOLS = 3
    assert sweep_shards() == [
        Scope.providers(),
        Scope.partnerships(ids[0], ids[1]),
        Scope.partnership(ids[2]),
        Scope.partnerships(ids[3], ids[4]),
        Scope.no_partnership(),
    ]
    settings.APDASH_SWEEP_SHARD_SCHOOLS = 1
    assert sweep_shards()[1:-1] == [Scope.partnership(id) for id in ids]


def test_the_providers_shard_runs_each_provider_wide_rule_once_and_no_pupil_rule(world):
    expected = everything()
    run_scope(NOW, Scope.providers())
    provider_wide = {f for f in expected if f[1] is None and not f[0].startswith("concern_unacknowledged")}
    assert open_flags() == provider_wide
    assert {f[0].split(":")[0] for f in provider_wide} == {"hours_breach_provider", "audit_expired"}


def test_a_pupil_scope_opens_that_pupils_flags_and_the_provider_wide_flags_of_their_providers(world):
    expected = everything()
    placement = world["placements"][0]  # EHCP, three days at an unregistered provider
    run_scope(NOW, Scope.pupil(placement.pupil_id))
    pupil_flags = {f for f in expected if f[1] == placement.pupil_id}
    provider_wide = {f for f in expected if f[1] is None and f[2] == placement.provider_id}
    concerns = {f for f in open_flags() if f[0].startswith("concern_unacknowledged")}
    assert open_flags() == pupil_flags | provider_wide | concerns
    assert {f[0].split(":")[0] for f in pupil_flags} >= {"hours_breach_pupil", "visit_overdue"}
    assert provider_wide


def test_a_placement_or_provider_scope_reaches_every_pupil_placed_there(world):
    expected = everything()
    provider = world["providers"][1]
    run_scope(NOW, Scope.provider(provider.id))
    placed = {p.pupil_id for p in world["placements"] if p.provider_id == provider.id}
    assert {f for f in open_flags() if f[1] is not None} == {f for f in expected if f[1] in placed}
    Flag.objects.all().delete()
    placement = world["placements"][3]
    run_scope(NOW, Scope.placement(placement.id))
    assert {f[1] for f in open_flags() if f[1] is not None} == {placement.pupil_id}


def breach_open(pupil):
    return Flag.objects.filter(pupil=pupil, kind="hours_breach_pupil", resolved_at__isnull=True).exists()


def test_a_scoped_run_leaves_the_flags_of_other_pupils_alone(world):
    run_scope(NOW)
    first, second = world["placements"][0], world["placements"][15]
    assert Flag.objects.filter(
        pupil=second.pupil, kind="hours_breach_pupil", resolved_at__isnull=True
    ).exists()
    second.timetable.filter(weekday__in=(2, 3)).delete()  # the second pupil's condition clears...
    run_scope(NOW, Scope.pupil(first.pupil_id))  # ...but only the first pupil is re-checked
    assert Flag.objects.filter(
        pupil=second.pupil, kind="hours_breach_pupil", resolved_at__isnull=True
    ).exists()
    run_scope(NOW, Scope.pupil(second.pupil_id))
    assert not breach_open(second.pupil)


PUPIL_RECHECK_QUERIES = 26


def pupil_recheck_queries(pupil_id):
    with CaptureQueriesContext(connection) as queries:
        run_scope(NOW, Scope.pupil(pupil_id))
    return len(queries)


def test_re_checking_one_pupil_makes_the_same_number_of_queries_for_30_and_300_pupils():
    seed_calendar(2026)
    partnership = PartnershipFactory()
    schools = [SchoolFactory(partnership=partnership), SchoolFactory(partnership=partnership)]
    providers = [ProviderFactory(), ProviderFactory(registration_status="registered")]
    placements = add_pupils(30, schools=schools, providers=providers)
    pupil_id = placements[0].pupil_id
    run_scope(NOW)
    small = pupil_recheck_queries(pupil_id)
    add_pupils(270, schools=schools, providers=providers, offset=30)
    run_scope(NOW)
    large = pupil_recheck_queries(pupil_id)
    assert large == small, (small, large)
    # The scope's placements, calendar and open flags are read once for all the checks.
    assert small <= PUPIL_RECHECK_QUERIES, small


def test_a_scope_names_one_level_and_round_trips_through_its_key():
    for scope in (
        Scope(),
        Scope.providers(),
        Scope.no_partnership(),
        Scope.pupil(4),
        Scope.partnership(2),
        Scope.partnerships(2, 9),
    ):
        assert Scope.from_key(scope.key) == scope
    assert Scope.partnerships(3, 3) == Scope.partnership(3)
    with pytest.raises(ValueError):
        Scope("partnership", 9, 2)
    with pytest.raises(ValueError):
        Scope("pupil", 2, 9)
    with pytest.raises(ValueError):
        Scope("pupil")
    with pytest.raises(ValueError):
        Scope("galaxy", 1)
