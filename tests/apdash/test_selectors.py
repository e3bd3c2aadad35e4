from datetime import date, time

import pytest

from apdash.models import Role
from apdash.selectors import school_days, school_days_by_school, visible_schools
from placements.compliance.selectors import visible_flags
from placements.core.selectors import visible_placements, visible_pupils
from tests.factories import (
    AcademicYearFactory,
    ClosureFactory,
    FlagFactory,
    HalfTermFactory,
    PartnershipFactory,
    PlacementFactory,
    PupilFactory,
    SchoolFactory,
    UserFactory,
    member,
    placement_with_timetable,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar():
    year = AcademicYearFactory()
    HalfTermFactory(
        academic_year=year, name="Autumn 1", start_date=date(2026, 9, 2), end_date=date(2026, 10, 23)
    )
    HalfTermFactory(
        academic_year=year, name="Autumn 2", start_date=date(2026, 11, 2), end_date=date(2026, 12, 18)
    )
    return year


def test_school_days_are_weekdays_inside_a_half_term(calendar):
    school = SchoolFactory()
    days = school_days(school, date(2026, 10, 19), date(2026, 11, 6))
    # 19–23 Oct in term, half-term week 26–30 Oct out, 2–6 Nov in term; weekends never.
    assert days == [date(2026, 10, d) for d in range(19, 24)] + [date(2026, 11, d) for d in range(2, 7)]


def test_a_schools_own_closure_is_not_a_school_day_but_only_there(calendar):
    school, neighbour = SchoolFactory(), SchoolFactory()
    ClosureFactory(date=date(2026, 11, 23), school=school)
    assert date(2026, 11, 23) not in school_days(school, date(2026, 11, 23), date(2026, 11, 27))
    assert date(2026, 11, 23) in school_days(neighbour, date(2026, 11, 23), date(2026, 11, 27))


def test_a_partnership_closure_closes_every_school_of_the_partnership(calendar):
    partnership = PartnershipFactory()
    inside, outside = SchoolFactory(partnership=partnership), SchoolFactory()
    ClosureFactory(date=date(2026, 11, 24), partnership=partnership)
    days = school_days_by_school([inside, outside], date(2026, 11, 24), date(2026, 11, 24))
    assert days[inside.id] == []
    assert days[outside.id] == [date(2026, 11, 24)]


def test_a_partnerships_own_term_dates_replace_the_national_pattern(calendar):
    partnership = PartnershipFactory()
    school = SchoolFactory(partnership=partnership)
    HalfTermFactory(
        academic_year=calendar,
        name="Autumn 2",
        partnership=partnership,
        start_date=date(2026, 11, 9),
        end_date=date(2026, 12, 18),
    )
    assert school_days(school, date(2026, 11, 2), date(2026, 11, 6)) == []
    assert school_days(SchoolFactory(), date(2026, 11, 2), date(2026, 11, 2)) == [date(2026, 11, 2)]


def test_school_coordinator_sees_only_their_schools_pupils():
    school, other = SchoolFactory(), SchoolFactory()
    mine, theirs = PupilFactory(school=school), PupilFactory(school=other)
    user = member(Role.SCHOOL_COORDINATOR, school=school)
    assert list(visible_pupils(user)) == [mine]
    assert theirs not in visible_pupils(user)
    assert list(visible_schools(user)) == [school]


def test_partnership_coordinator_sees_all_its_schools_and_no_other():
    partnership = PartnershipFactory()
    a, b = SchoolFactory(partnership=partnership), SchoolFactory(partnership=partnership)
    outsider = PupilFactory(school=SchoolFactory())
    pupils = {PupilFactory(school=a), PupilFactory(school=b)}
    user = member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership)
    assert set(visible_pupils(user)) == pupils
    assert outsider not in set(visible_pupils(user))


def test_provider_staff_see_only_pupils_placed_with_them_now():
    placed = placement_with_timetable(days=(0,), start=time(9), end=time(12))
    ended = placement_with_timetable(provider=placed.provider, start_date=date(2025, 1, 6))
    ended.end_date = date(2025, 3, 1)
    ended.save()
    elsewhere = placement_with_timetable()
    staff = member(Role.PROVIDER_STAFF, provider=placed.provider)
    assert list(visible_pupils(staff)) == [placed.pupil]
    assert set(visible_placements(staff)) == {placed}
    assert elsewhere.pupil not in visible_pupils(staff)


def test_user_without_a_membership_sees_nothing():
    PupilFactory()
    user = UserFactory()
    assert visible_pupils(user).count() == 0


def test_provider_wide_flags_reach_schools_with_pupils_there_only():
    placement = placement_with_timetable()
    FlagFactory(kind="hours_breach_provider", severity="red", provider=placement.provider, school=None)
    placed_here = member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school)
    not_placed = member(Role.SCHOOL_COORDINATOR, school=SchoolFactory())
    assert visible_flags(placed_here).count() == 1
    assert visible_flags(not_placed).count() == 0


def test_an_unacknowledged_concern_flag_reaches_the_schools_dsl_and_nobody_else():
    partnership = PartnershipFactory()
    school = SchoolFactory(partnership=partnership)
    FlagFactory(kind="concern_unacknowledged", severity="red", school=school)
    FlagFactory(kind="visit_due", severity="amber", school=school)
    dsl = member(Role.DSL, school=school)
    partnership_dsl = member(Role.DSL, partnership=partnership)
    assert set(visible_flags(dsl).values_list("kind", flat=True)) == {"concern_unacknowledged", "visit_due"}
    # The partnership's DSL sees concern flags only about partnership-commissioned placements.
    assert set(visible_flags(partnership_dsl).values_list("kind", flat=True)) == {"visit_due"}
    commissioned = PlacementFactory(pupil=PupilFactory(school=school), commissioned_by="partnership")
    FlagFactory(kind="concern_unacknowledged", severity="red", school=school, placement=commissioned)
    assert (
        visible_flags(partnership_dsl).filter(kind="concern_unacknowledged").get().placement == commissioned
    )
    coordinator = member(Role.SCHOOL_COORDINATOR, school=school)
    assert list(visible_flags(coordinator).values_list("kind", flat=True)) == ["visit_due"]
    for user in (
        coordinator,
        member(Role.HEAD, school=school),
        member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership),
        member(Role.DSL, school=SchoolFactory()),
        UserFactory(is_superuser=True),
    ):
        assert not visible_flags(user).filter(kind="concern_unacknowledged").exists()
