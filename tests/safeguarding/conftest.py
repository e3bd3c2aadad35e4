"""A small county for the safeguarding tests: two schools in one partnership, one provider, a
person in each role, and a way to sign a DSL or head in with their second factor."""

from dataclasses import dataclass

import pytest

from apdash.models import Role
from tests.factories import (
    PartnershipFactory,
    PlacementFactory,
    ProviderFactory,
    PupilFactory,
    SchoolFactory,
    member,
)


@dataclass
class County:
    school: object
    other_school: object
    partnership: object
    provider: object
    pupil: object
    placement: object
    partnership_placement: object
    people: dict


@pytest.fixture
def county(db):
    partnership = PartnershipFactory(dsl_email="dsl@partnership.example")
    school = SchoolFactory(partnership=partnership, dsl_email="dsl@wendlow.example")
    other_school = SchoolFactory(partnership=partnership)
    provider = ProviderFactory()
    pupil = PupilFactory(school=school)
    placement = PlacementFactory(pupil=pupil, provider=provider)
    partnership_pupil = PupilFactory(school=school)
    partnership_placement = PlacementFactory(
        pupil=partnership_pupil, provider=provider, commissioned_by="partnership"
    )
    people = {
        "school coordinator": member(Role.SCHOOL_COORDINATOR, school=school),
        "other-school coordinator": member(Role.SCHOOL_COORDINATOR, school=other_school),
        "partnership co-ordinator": member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership),
        "DSL": member(Role.DSL, school=school, email="priya.dsl@wendlow.example"),
        "other-school DSL": member(Role.DSL, school=other_school),
        "partnership DSL": member(Role.DSL, partnership=partnership, email="morgan.dsl@partnership.example"),
        "head": member(Role.HEAD, school=school),
        "provider staff": member(Role.PROVIDER_STAFF, provider=provider),
        "raiser": member(Role.SCHOOL_COORDINATOR, school=school),
    }
    return County(
        school, other_school, partnership, provider, pupil, placement, partnership_placement, people
    )
