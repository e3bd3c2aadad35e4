"""Unit tests of inspection/rules.py: the census fields, the readiness roll-up and the order of
statuses, the follow-up median, and the quality-assurance cell's audit reasons."""

from datetime import date, time

import pytest

from inspection import rules
from placements.core import rules as core_rules
from placements.core.rules import Slot

NOON = {"am_end": time(12), "pm_start": time(12)}


def test_census_setting_type_only_without_urn_or_ukprn():
    assert rules.census_setting_type(urn="123456", ukprn="", provider_type="other") == ""
    assert rules.census_setting_type(urn="", ukprn="10001234", provider_type="other") == ""
    assert rules.census_setting_type(urn="", ukprn="", provider_type="fe_college") == "NFE"
    assert rules.census_setting_type(urn="", ukprn="", provider_type="tuition") == "OOT"
    assert rules.census_setting_type(urn="", ukprn="", provider_type="work_based") == "WBP"
    assert rules.census_setting_type(urn="", ukprn="", provider_type="mentoring") == "OTH"


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"registered": True, "provider_type": "other", "ukprn": ""}, True),
        ({"registered": True, "provider_type": "fe_college", "ukprn": "10004044"}, False),
        ({"registered": False, "provider_type": "pru", "ukprn": "10004044"}, True),
        ({"registered": False, "provider_type": "ap_academy", "ukprn": ""}, True),
        ({"registered": False, "provider_type": "independent_school", "ukprn": ""}, True),
        ({"registered": False, "provider_type": "mentoring", "ukprn": ""}, False),
    ],
)
def test_a_registered_school_without_a_urn_is_a_census_data_error(fields, error):
    words = rules.census_data_error(name="Hillside", urn="", **fields)
    assert bool(words) is error
    if error:
        assert words.startswith("Hillside is a registered school but has no URN")
    assert rules.census_data_error(name="Hillside", urn="100001", **fields) == ""


def test_full_time_is_every_one_of_the_ten_sessions():
    assert rules.FULL_TIME_SESSIONS == 10
    assert rules.census_attendance_pattern(10) == "Full-time"
    assert rules.census_attendance_pattern(9) == "Part-time"


def test_sessions_a_week_count_mornings_and_afternoons_by_the_schools_times():
    monday_to_friday = [Slot(d, time(9), time(15)) for d in range(5)]
    assert core_rules.weekly_sessions(monday_to_friday, **NOON) == 10
    mornings = [Slot(0, time(9), time(12, 30)), Slot(4, time(9, 30), time(11))]
    assert core_rules.weekly_sessions(mornings, am_end=time(12, 15), pm_start=time(13)) == 2
    assert core_rules.weekly_sessions(mornings, **NOON) == 3
    assert core_rules.weekly_sessions([], **NOON) == 0


def test_only_local_authority_arranged_provision_is_la_arranged():
    assert rules.census_association("local_authority") == "LA arranged"
    assert rules.census_association("partnership") == "School arranged"
    assert rules.census_association("school") == "School arranged"


def test_the_follow_up_median_in_minutes():
    assert rules.follow_up_minutes([]) is None
    assert rules.follow_up_minutes([600]) == 10
    assert rules.follow_up_minutes([60, 600, 6000]) == 10
    assert rules.follow_up_minutes([60, 180]) == 2
    assert rules.follow_up_minutes([119, 600, 59]) == 1


def test_red_beats_amber_beats_green():
    assert rules.ORDER[rules.RED] > rules.ORDER[rules.AMBER] > rules.ORDER[rules.GREEN]
    assert (
        rules.overall_status({"a": rules.Cell(rules.AMBER, ""), "b": rules.Cell(rules.RED, "")}) == rules.RED
    )
    assert (
        rules.overall_status({"a": rules.Cell(rules.RED, ""), "b": rules.Cell(rules.AMBER, "")}) == rules.RED
    )
    assert (
        rules.overall_status({"a": rules.Cell(rules.GREEN, ""), "b": rules.Cell(rules.AMBER, "")})
        == rules.AMBER
    )
    assert rules.overall_status({}) == rules.GREEN


def test_the_worst_cells_reasons_are_joined_and_the_first_fix_kept():
    fix = rules.Fix("visit", 1)
    cells = [
        rules.Cell(rules.AMBER, "Soon.", rules.Fix("visit", 9)),
        rules.Cell(rules.RED, "One.", fix),
        rules.Cell(rules.RED, "Two.", rules.Fix("visit", 2)),
    ]
    assert rules._worst(cells, green=rules.Cell(rules.GREEN, "Fine.")) == rules.Cell(
        rules.RED, "One. Two.", fix
    )
    assert rules._worst([], green=rules.Cell(rules.GREEN, "Fine.")).reason == "Fine."


def test_percent_green_per_column():
    green = {c.key: rules.Cell(rules.GREEN, "") for c in rules.COLUMNS}
    red = {c.key: rules.Cell(rules.RED, "") for c in rules.COLUMNS}
    assert set(rules.percent_green([green, green, red]).values()) == {67}
    assert set(rules.percent_green([]).values()) == {None}


def _pupil_at(provider):
    placement = rules.PlacementFacts(id=1, provider=provider, start=date(2026, 9, 7), end=None)
    return rules.PupilFacts(id=1, placements=(placement,))


def test_the_quality_cell_is_red_for_an_audit_in_date_that_is_not_satisfactory():
    limits = rules.Limits(
        hours=None,
        visit_warning_school_days=10,
        audit_max_age_days=365,
        qa_max_age_days=365,
        induction_school_days=5,
    )
    provider = rules.ProviderFacts(
        id=1,
        name="Forge",
        registered=False,
        audited_on=date(2026, 9, 1),
        insurance_expires_on=date(2027, 9, 1),
        audit_shortfalls=("The latest audit's outcome is Unsatisfactory.",),
        last_qa_on=date(2026, 10, 1),
    )
    cell = rules.quality_assurance_cell(_pupil_at(provider), today=date(2026, 11, 23), limits=limits)
    assert cell.status == rules.RED and cell.reason == "Forge: The latest audit's outcome is Unsatisfactory."
    sound = rules.ProviderFacts(
        id=1,
        name="Forge",
        registered=False,
        audited_on=date(2026, 9, 1),
        insurance_expires_on=date(2027, 9, 1),
        last_qa_on=date(2026, 10, 1),
    )
    assert rules.quality_assurance_cell(_pupil_at(sound), today=date(2026, 11, 23), limits=limits).status == (
        rules.GREEN
    )
