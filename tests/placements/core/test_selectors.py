"""The core's reads that other apps register: how many of a user's pupils each provider has."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apdash.models import Role
from providers.selectors import provider_list
from tests.factories import PlacementFactory, ProviderFactory, PupilFactory, SchoolFactory, member

pytestmark = pytest.mark.django_db


def test_the_register_counts_each_of_the_users_pupils_placed_today_once():
    today = timezone.localdate()
    school, other_school = SchoolFactory(), SchoolFactory()
    provider = ProviderFactory()
    twice = PupilFactory(school=school)
    PlacementFactory(pupil=twice, provider=provider, start_date=today - timedelta(days=30))
    PlacementFactory(pupil=twice, provider=provider, start_date=today - timedelta(days=7))
    PlacementFactory(pupil=PupilFactory(school=school), provider=provider, start_date=today)
    # Not counted: another school's pupil, a placement that ended, one that starts tomorrow.
    PlacementFactory(pupil=PupilFactory(school=other_school), provider=provider, start_date=today)
    PlacementFactory(
        pupil=PupilFactory(school=school),
        provider=provider,
        start_date=today - timedelta(days=60),
        end_date=today - timedelta(days=1),
    )
    PlacementFactory(
        pupil=PupilFactory(school=school), provider=provider, start_date=today + timedelta(days=1)
    )
    unused = ProviderFactory()

    counts = dict(
        provider_list(member(Role.SCHOOL_COORDINATOR, school=school), today=today).values_list(
            "pk", "pupils_placed"
        )
    )
    assert counts[provider.pk] == 2
    assert counts[unused.pk] == 0
    everyone = dict(provider_list(member(Role.SUPERUSER), today=today).values_list("pk", "pupils_placed"))
    assert everyone[provider.pk] == 3
