"""Unit tests of inspection/rules.py: the census fields, the readiness roll-up and the order of
statuses, the follow-up median, and the quality-assurance cell's audit reasons."""

from datetime import date, time, timedelta

import pytest

from apdash.rules import HalfTermDates
from apdash.thresholds import HoursLimits
from inspection import rules
from placements.attendance import rules as attendance_rules
from placements.core import rules as core_rules
from placements.core.rules import Slot
from placements.plans import rules as plans_rules

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


# --- The readiness cells over plain facts (domain.md "The people and the promise", G §1 a–f, G §3–4,
# paras 399/402). Calendar: Autumn 1 runs Thu 3 Sep – Fri 23 Oct 2026, Autumn 2 Mon 2 Nov – Fri 18 Dec.

AUTUMN_1 = HalfTermDates(1, date(2026, 9, 3), date(2026, 10, 23))
AUTUMN_2 = HalfTermDates(2, date(2026, 11, 2), date(2026, 12, 18))
TERM_NAMES = {1: "Autumn 1", 2: "Autumn 2"}
SCHOOL_DAYS = tuple(
    d
    for term in (AUTUMN_1, AUTUMN_2)
    for d in (term.start + timedelta(days=i) for i in range((term.end - term.start).days + 1))
    if d.weekday() < 5
)
MONDAY_23_NOV = date(2026, 11, 23)
HOURS = HoursLimits(full_time_hours=18, max_days=3, warning_hours=15)
LIMITS = rules.Limits(
    hours=HOURS,
    audit_max_age_days=365,
    qa_max_age_days=365,
    induction_school_days=5,
    visit_warning_school_days=10,
)


def _provider(**changes):
    fields = {
        "id": 7,
        "name": "Forge",
        "registered": False,
        "registration_checked": True,
        "dsl_name": "Ann Lee",
        "audited_on": date(2026, 9, 1),
        "insurance_expires_on": date(2027, 9, 1),
        "last_qa_on": date(2026, 10, 1),
    }
    return rules.ProviderFacts(**{**fields, **changes})


def _slots(*weekdays, start=time(9), end=time(15)):
    return tuple(Slot(d, start, end) for d in weekdays)


def _placement(**changes):
    fields = {
        "id": 3,
        "provider": _provider(),
        "start": date(2026, 9, 3),
        "end": None,
        "slots": _slots(0, 3),  # Monday and Thursday, 12 hours over 2 days
        "qualifications": "GCSE English",
        "rationale": "Small-group vocational course keeps him in education.",
        "visit_dates": (date(2026, 9, 10), date(2026, 11, 5)),
        "risk_assessments": (rules.RiskFacts(approved=True, review_date=date(2027, 1, 4)),),
        "induction_on": date(2026, 9, 3),
        "school_days_since_start": 58,
    }
    return rules.PlacementFacts(**{**fields, **changes})


def _plan(**changes):
    fields = {
        "goal_label": "Return to mainstream",
        "goal_target": date(2027, 7, 16),
        "progress": plans_rules.milestone_rollup(
            [(plans_rules.ON_TRACK, date(2027, 2, 1))], today=MONDAY_23_NOV
        ),
        "review_dates": (date(2026, 10, 1), date(2026, 11, 9)),
        "next_review_on": date(2026, 12, 14),
    }
    return rules.PlanFacts(**{**fields, **changes})


def _pupil(*placements, **changes):
    placements = placements or (_placement(),)
    fields = {
        "id": 11,
        "placements": placements,
        "school_days": SCHOOL_DAYS,
        "half_terms": (AUTUMN_1, AUTUMN_2),
        "half_term_names": TERM_NAMES,
        "attendance_percentage": 96.5,
        "plan": _plan(),
        "hours_placements": placements,
    }
    return rules.PupilFacts(**{**fields, **changes})


def test_a_pupil_with_every_piece_of_evidence_is_green_in_every_column():
    row = rules.pupil_readiness(_pupil(), today=MONDAY_23_NOV, limits=LIMITS)
    assert list(row) == [c.key for c in rules.COLUMNS]
    assert {key: cell.status for key, cell in row.items()} == {c.key: rules.GREEN for c in rules.COLUMNS}
    assert rules.overall_status(row) == rules.GREEN
    assert row["a"].reason == "Timetabled (Forge: Mon, Thu)."
    assert row["c"].reason == "96.5% attendance this half term; every absence followed up."
    assert row["d"].reason == "Route to the DSL recorded (Forge: Ann Lee)."
    assert row["e"].reason == "Seen at each setting each half term. Last seen: Forge 5 November 2026."
    assert row["risk"].reason == "Approved; next review 4 January 2027."
    assert row["induction"].reason == "Inducted (Forge 3 September 2026)."
    assert row["registration"].reason == "Forge unregistered, 12 hours over 2 days."
    assert row["rationale"].reason == "Why this is the best option is recorded."
    assert row["b"].reason == (
        "Goal: Return to mainstream by 16 July 2027; 1 milestone (on track). Last reviewed 9 November 2026."
    )


def test_the_readiness_row_applies_the_schools_own_limits():
    # Induction 6 school days after the start is late under a 5-day limit, not under a 6-day one.
    pupil = _pupil(_placement(induction_on=None, school_days_since_start=6))
    row = rules.pupil_readiness(pupil, today=MONDAY_23_NOV, limits=LIMITS)
    assert row["induction"].status == rules.RED
    assert rules.overall_status(row) == rules.RED
    lenient = rules.Limits(**{**LIMITS.__dict__, "induction_school_days": 6})
    assert (
        rules.pupil_readiness(pupil, today=MONDAY_23_NOV, limits=lenient)["induction"].status == rules.AMBER
    )
    # Friday 4 December leaves 11 school days of Autumn 2: a visit is due only with a 11-day warning.
    pupil = _pupil(
        _placement(visit_dates=(date(2026, 9, 10),)), plan=_plan(review_dates=(date(2026, 10, 1),))
    )
    friday = date(2026, 12, 4)
    row = rules.pupil_readiness(pupil, today=friday, limits=LIMITS)
    assert (row["b"].status, row["e"].status) == (rules.GREEN, rules.GREEN)
    warned = rules.Limits(**{**LIMITS.__dict__, "visit_warning_school_days": 11})
    row = rules.pupil_readiness(pupil, today=friday, limits=warned)
    assert (row["b"].status, row["e"].status) == (rules.AMBER, rules.AMBER)
    # QA and audit ages, and the hours limits, come from the limits too.
    strict = rules.Limits(**{**LIMITS.__dict__, "qa_max_age_days": 30, "audit_max_age_days": 30})
    assert rules.pupil_readiness(_pupil(), today=MONDAY_23_NOV, limits=strict)["f"].status == rules.RED
    low = rules.Limits(
        **{**LIMITS.__dict__, "hours": HoursLimits(full_time_hours=11, max_days=3, warning_hours=9)}
    )
    assert (
        rules.pupil_readiness(_pupil(), today=MONDAY_23_NOV, limits=low)["registration"].status == rules.RED
    )


def test_amber_never_beats_red_in_a_cell_or_a_row():
    assert rules.ORDER == {rules.GREEN: 0, rules.AMBER: 1, rules.RED: 2}
    amber_then_red = [rules.Cell(rules.AMBER, "Soon."), rules.Cell(rules.RED, "Now.")]
    for cells in (amber_then_red, amber_then_red[::-1]):
        assert rules._worst(cells, green=rules.Cell(rules.GREEN, "Fine.")) == rules.Cell(rules.RED, "Now.")
    assert rules._worst(
        [rules.Cell(rules.GREEN, "ok"), rules.Cell(rules.AMBER, "Soon.")],
        green=rules.Cell(rules.GREEN, "Fine."),
    ) == rules.Cell(rules.AMBER, "Soon.")
    # A whole pupil: an amber (no qualifications) and a red (no timetable) at two settings.
    pupil = _pupil(
        _placement(id=1, qualifications=" "), _placement(id=2, slots=(), provider=_provider(id=8, name="Oak"))
    )
    cell = rules.timetable_cell(pupil)
    assert cell == rules.Cell(
        rules.RED, "No timetable at Oak: where the pupil is each day is unknown.", rules.Fix("placement", 2)
    )


def test_percent_green_rounds_per_column():
    green = {c.key: rules.Cell(rules.GREEN, "") for c in rules.COLUMNS}
    amber_b = {**green, "b": rules.Cell(rules.AMBER, "")}
    result = rules.percent_green([green, amber_b, amber_b])
    assert result["b"] == 33 and result["a"] == 100
    assert rules.percent_green(iter([amber_b]))["b"] == 0


# G §1a: timetable, qualifications, where the pupil is each day.
def test_timetable_cell_no_timetable_is_red_and_no_qualifications_amber():
    assert rules.timetable_cell(_pupil(_placement(slots=()))).status == rules.RED
    cell = rules.timetable_cell(_pupil(_placement(qualifications="  ")))
    assert cell == rules.Cell(rules.AMBER, "No qualifications recorded at Forge.", rules.Fix("placement", 3))
    assert (
        rules.timetable_cell(_pupil(_placement(slots=_slots(4, 0, 4)))).reason
        == "Timetabled (Forge: Mon, Fri)."
    )


# G §1b, §4f–g: a plan with milestones towards an agreed goal, reviewed at least half-termly.
def test_plan_cell_no_plan_is_red():
    assert rules.plan_cell(_pupil(plan=None), today=MONDAY_23_NOV, warning_school_days=10) == rules.Cell(
        rules.RED, "No learning plan recorded.", rules.Fix("plan", 11)
    )


def test_plan_cell_a_half_term_without_a_review_is_red_and_its_first_and_last_days_count():
    for reviewed in (date(2026, 9, 3), date(2026, 10, 23)):
        pupil = _pupil(plan=_plan(review_dates=(reviewed, date(2026, 11, 9))))
        assert rules.plan_cell(pupil, today=MONDAY_23_NOV, warning_school_days=10).status == rules.GREEN
    for outside in (date(2026, 9, 2), date(2026, 10, 26)):
        pupil = _pupil(plan=_plan(review_dates=(outside, date(2026, 11, 9))))
        cell = rules.plan_cell(pupil, today=MONDAY_23_NOV, warning_school_days=10)
        assert cell == rules.Cell(
            rules.RED, "The plan was not reviewed during Autumn 1.", rules.Fix("review", 11)
        )


def test_plan_cell_review_due_this_half_term_is_amber_with_days_left():
    pupil = _pupil(plan=_plan(review_dates=(date(2026, 10, 1),)))
    cell = rules.plan_cell(pupil, today=date(2026, 12, 7), warning_school_days=10)
    assert cell == rules.Cell(
        rules.AMBER, "No review yet in Autumn 2: 10 school days left.", rules.Fix("review", 11)
    )
    cell = rules.plan_cell(pupil, today=date(2026, 12, 18), warning_school_days=10)
    assert cell.reason == "No review yet in Autumn 2: 1 school day left."
    # A missed Autumn 1 review outranks the Autumn 2 one still due.
    pupil = _pupil(plan=_plan(review_dates=()))
    cell = rules.plan_cell(pupil, today=date(2026, 12, 7), warning_school_days=10)
    assert cell.status == rules.RED and cell.reason == "The plan was not reviewed during Autumn 1."


def test_plan_cell_next_review_date_passed_is_amber_from_the_day_after():
    on_the_day = _pupil(plan=_plan(next_review_on=MONDAY_23_NOV))
    assert rules.plan_cell(on_the_day, today=MONDAY_23_NOV, warning_school_days=10).status == rules.GREEN
    passed = _pupil(plan=_plan(next_review_on=date(2026, 11, 20)))
    assert rules.plan_cell(passed, today=MONDAY_23_NOV, warning_school_days=10) == rules.Cell(
        rules.AMBER, "The next review was due on 20 November 2026.", rules.Fix("review", 11)
    )


def test_plan_cell_without_milestones_is_amber():
    none = plans_rules.milestone_rollup([], today=MONDAY_23_NOV)
    cell = rules.plan_cell(_pupil(plan=_plan(progress=none)), today=MONDAY_23_NOV, warning_school_days=10)
    assert cell == rules.Cell(
        rules.AMBER, "The plan has no milestones towards its goal.", rules.Fix("milestone", 11)
    )
    two = plans_rules.milestone_rollup(
        [(plans_rules.MET, date(2026, 10, 1)), (plans_rules.NOT_STARTED, date(2026, 11, 1))],
        today=MONDAY_23_NOV,
    )
    cell = rules.plan_cell(
        _pupil(plan=_plan(progress=two, review_dates=())), today=date(2026, 9, 10), warning_school_days=10
    )
    assert cell.status == rules.GREEN
    assert cell.reason == "Goal: Return to mainstream by 16 July 2027; 2 milestones (at risk)."


# G §1c: attendance received each day and absences followed up swiftly.
def _gap(day, session, kind):
    return attendance_rules.AttendanceGap(day, session, kind)


def test_attendance_cell_an_absence_not_followed_up_is_red_even_with_registers_missing():
    gaps = (
        _gap(date(2026, 11, 9), "AM", attendance_rules.MISSING_MARK),
        _gap(date(2026, 11, 12), "PM", attendance_rules.UNEXPLAINED_ABSENCE),
        _gap(date(2026, 11, 16), "AM", attendance_rules.UNEXPLAINED_ABSENCE),
    )
    cell = rules.attendance_cell(_pupil(_placement(attendance_gaps=gaps)))
    assert cell == rules.Cell(
        rules.RED,
        "2 absences this half term not followed up (first: Forge, 12 November 2026 PM).",
        rules.Fix("register", 3),
    )
    cell = rules.attendance_cell(_pupil(_placement(attendance_gaps=gaps[1:2])))
    assert cell.reason.startswith("1 absence this half term not followed up")


def test_attendance_cell_a_missing_register_is_amber():
    gaps = (_gap(date(2026, 11, 9), "AM", attendance_rules.MISSING_MARK),)
    assert rules.attendance_cell(_pupil(_placement(attendance_gaps=gaps))) == rules.Cell(
        rules.AMBER,
        "1 session this half term with no register (first: Forge, 9 November 2026 AM).",
        rules.Fix("register", 3),
    )
    cell = rules.attendance_cell(_pupil(_placement(attendance_gaps=gaps * 2)))
    assert cell.reason.startswith("2 sessions this half term with no register")


def test_attendance_cell_no_sessions_yet_is_green():
    assert rules.attendance_cell(_pupil(attendance_percentage=None)) == rules.Cell(
        rules.GREEN, "Registers up to date; no sessions due yet this half term."
    )


# G §1d: every safeguarding issue reaches the school DSL.
def test_safeguarding_cell_overdue_concern_or_no_school_dsl_is_red_no_provider_dsl_amber():
    assert rules.safeguarding_cell(_pupil(concerns_overdue=1)) == rules.Cell(
        rules.RED,
        "A concern has waited longer than allowed for the DSL's acknowledgement.",
        rules.Fix("safeguarding", 11),
    )
    assert rules.safeguarding_cell(_pupil(school_dsl_named=False)) == rules.Cell(
        rules.RED, "The school's DSL is not named."
    )
    no_dsl = _pupil(_placement(provider=_provider(dsl_name="")))
    assert rules.safeguarding_cell(no_dsl) == rules.Cell(
        rules.AMBER, "Forge has no DSL named.", rules.Fix("provider", 7)
    )
    worst = rules.safeguarding_cell(_pupil(_placement(provider=_provider(dsl_name="")), concerns_overdue=2))
    assert worst.status == rules.RED


# G §1e: seen at each setting at least once each half term.
def test_visits_cell_a_visit_on_a_half_terms_first_or_last_day_counts():
    for seen in (date(2026, 9, 3), date(2026, 10, 23)):
        pupil = _pupil(_placement(visit_dates=(seen, date(2026, 11, 5))))
        assert rules.visits_cell(pupil, today=MONDAY_23_NOV, warning_school_days=10).status == rules.GREEN
    for outside in (date(2026, 9, 2), date(2026, 10, 26)):
        pupil = _pupil(_placement(visit_dates=(outside, date(2026, 11, 5))))
        assert rules.visits_cell(pupil, today=MONDAY_23_NOV, warning_school_days=10) == rules.Cell(
            rules.RED, "No visit to Forge during Autumn 1.", rules.Fix("visit", 3)
        )


def test_visits_cell_due_this_half_term_is_amber_inside_the_warning_window_only():
    pupil = _pupil(_placement(visit_dates=(date(2026, 9, 10),)))
    assert rules.visits_cell(pupil, today=date(2026, 12, 4), warning_school_days=10).status == rules.GREEN
    assert rules.visits_cell(pupil, today=date(2026, 12, 7), warning_school_days=10) == rules.Cell(
        rules.AMBER,
        "Not yet seen at Forge this half term: 10 school days of Autumn 2 left.",
        rules.Fix("visit", 3),
    )
    last_day = rules.visits_cell(pupil, today=date(2026, 12, 18), warning_school_days=10)
    assert last_day.reason == "Not yet seen at Forge this half term: 1 school day of Autumn 2 left."
    # Missed in Autumn 1 and due in Autumn 2: the missed visit is what the cell says.
    never = _pupil(_placement(visit_dates=()))
    cell = rules.visits_cell(never, today=date(2026, 12, 7), warning_school_days=10)
    assert cell.status == rules.RED and cell.reason == "No visit to Forge during Autumn 1."


def test_visits_cell_names_the_last_visit_to_each_setting():
    pupil = _pupil(
        _placement(visit_dates=(date(2026, 11, 5), date(2026, 9, 10))),
        _placement(
            id=4, provider=_provider(id=8, name="Oak"), visit_dates=(date(2026, 9, 4), date(2026, 11, 2))
        ),
    )
    assert rules.visits_cell(pupil, today=MONDAY_23_NOV, warning_school_days=10).reason == (
        "Seen at each setting each half term. Last seen: Forge 5 November 2026; Oak 2 November 2026."
    )


# G §1f, §3a–e: each provision audited annually and quality-assured by the school.
def test_quality_cell_audit_and_insurance_boundaries():
    today = MONDAY_23_NOV
    a_year = today - timedelta(days=365)
    for provider in (_provider(audited_on=a_year), _provider(insurance_expires_on=today)):
        assert rules.quality_assurance_cell(
            _pupil(_placement(provider=provider)), today=today, limits=LIMITS
        ) == rules.Cell(rules.GREEN, "Each provider audited and quality-assured this year.")
    stale = _provider(audited_on=a_year - timedelta(days=1))
    cell = rules.quality_assurance_cell(_pupil(_placement(provider=stale)), today=today, limits=LIMITS)
    assert cell.status == rules.RED and cell.fix == rules.Fix("provider", 7)
    lapsed = _provider(insurance_expires_on=today - timedelta(days=1))
    cell = rules.quality_assurance_cell(_pupil(_placement(provider=lapsed)), today=today, limits=LIMITS)
    assert cell == rules.Cell(
        rules.RED, "Forge: Insurance expired on 22 November 2026.", rules.Fix("provider", 7)
    )


def test_quality_cell_no_audit_is_red_and_outranks_a_missing_qa_visit():
    provider = _provider(audited_on=None, last_qa_on=None, audit_shortfalls=("Unsatisfactory.",))
    cell = rules.quality_assurance_cell(
        _pupil(_placement(provider=provider)), today=MONDAY_23_NOV, limits=LIMITS
    )
    assert cell == rules.Cell(rules.RED, "Forge: No annual audit is recorded.", rules.Fix("provider", 7))


def test_quality_cell_a_qa_visit_within_the_year_is_green_then_amber():
    today = MONDAY_23_NOV
    in_date = _provider(last_qa_on=today - timedelta(days=365))
    assert rules.quality_assurance_cell(
        _pupil(_placement(provider=in_date)), today=today, limits=LIMITS
    ).status == (rules.GREEN)
    for provider in (_provider(last_qa_on=today - timedelta(days=366)), _provider(last_qa_on=None)):
        cell = rules.quality_assurance_cell(_pupil(_placement(provider=provider)), today=today, limits=LIMITS)
        assert cell == rules.Cell(
            rules.AMBER, "No quality-assurance visit to Forge in the last year.", rules.Fix("provider", 7)
        )


def test_quality_cell_lists_every_failing_provider_by_name():
    zed = _placement(id=4, provider=_provider(id=9, name="Zed", audited_on=None))
    abbey = _placement(id=5, provider=_provider(id=8, name="Abbey", audited_on=None))
    cell = rules.quality_assurance_cell(_pupil(zed, abbey), today=MONDAY_23_NOV, limits=LIMITS)
    assert cell == rules.Cell(
        rules.RED,
        "Abbey: No annual audit is recorded. Zed: No annual audit is recorded.",
        rules.Fix("provider", 8),
    )


# G §4: a risk assessment for the journey to and from the setting and at it, approved and in date.
def test_risk_cell_approved_and_in_date_on_its_review_day_is_green():
    current = _placement(risk_assessments=(rules.RiskFacts(True, MONDAY_23_NOV),))
    assert rules.risk_assessment_cell(_pupil(current), today=MONDAY_23_NOV) == rules.Cell(
        rules.GREEN, "Approved; next review 23 November 2026."
    )


def test_risk_cell_past_review_is_red_even_though_approved():
    overdue = _placement(
        risk_assessments=(rules.RiskFacts(True, date(2026, 11, 22)), rules.RiskFacts(True, date(2026, 10, 1)))
    )
    assert rules.risk_assessment_cell(_pupil(overdue), today=MONDAY_23_NOV) == rules.Cell(
        rules.RED,
        "The risk assessment for Forge was due for review on 22 November 2026.",
        rules.Fix("risk_assessment", 3),
    )


def test_risk_cell_unapproved_is_amber_and_none_is_red():
    waiting = _placement(risk_assessments=(rules.RiskFacts(False, date(2027, 1, 4)),))
    assert rules.risk_assessment_cell(_pupil(waiting), today=MONDAY_23_NOV) == rules.Cell(
        rules.AMBER, "The risk assessment for Forge awaits approval.", rules.Fix("risk_assessment", 3)
    )
    expired_and_waiting = _placement(
        risk_assessments=(rules.RiskFacts(True, date(2026, 11, 1)), rules.RiskFacts(False, date(2027, 1, 4)))
    )
    assert rules.risk_assessment_cell(_pupil(expired_and_waiting), today=MONDAY_23_NOV).status == rules.AMBER
    assert rules.risk_assessment_cell(
        _pupil(_placement(risk_assessments=())), today=MONDAY_23_NOV
    ) == rules.Cell(
        rules.RED, "No risk assessment for the journey to and at Forge.", rules.Fix("risk_assessment", 3)
    )


def test_risk_cell_names_the_soonest_review_across_settings():
    pupil = _pupil(
        _placement(
            risk_assessments=(
                rules.RiskFacts(True, date(2026, 12, 1)),
                rules.RiskFacts(True, date(2027, 2, 1)),
            )
        ),
        _placement(
            id=4,
            provider=_provider(id=8, name="Oak"),
            risk_assessments=(rules.RiskFacts(True, date(2027, 1, 4)),),
        ),
    )
    assert (
        rules.risk_assessment_cell(pupil, today=MONDAY_23_NOV).reason
        == "Approved; next review 4 January 2027."
    )


# G §3e: inducted at the start.
def test_induction_cell_amber_within_the_limit_red_after_it():
    on_limit = _pupil(_placement(induction_on=None, school_days_since_start=5))
    assert rules.induction_cell(on_limit, induction_school_days=5) == rules.Cell(
        rules.AMBER, "Induction at Forge not yet recorded.", rules.Fix("induction", 3)
    )
    late = _pupil(_placement(induction_on=None, school_days_since_start=6))
    assert rules.induction_cell(late, induction_school_days=5) == rules.Cell(
        rules.RED, "No induction recorded at Forge, 6 school days after the start.", rules.Fix("induction", 3)
    )
    assert rules.induction_cell(_pupil(placements=()), induction_school_days=5).reason == "Inducted."


# Para 399, G §3f: an unregistered setting stays part-time (more than 18 hours, or 3 days, is a breach).
@pytest.mark.parametrize(
    "slots, status",
    [
        (_slots(0, 3, start=time(9), end=time(16)), rules.GREEN),  # 14 hours
        (_slots(0, 3, start=time(9), end=time(16, 30)), rules.AMBER),  # 15 hours: near the line
        (_slots(0, 3, start=time(9), end=time(18)), rules.AMBER),  # 18 hours: not more than 18
        (_slots(0, 3, start=time(9), end=time(18, 30)), rules.RED),  # 19 hours
        (_slots(0, 2, 4, start=time(9), end=time(12)), rules.RED),  # 3 days
    ],
)
def test_registration_cell_hours_and_days_at_an_unregistered_provider(slots, status):
    cell = rules.registration_cell(_pupil(_placement(slots=slots)), today=MONDAY_23_NOV, limits=HOURS)
    assert cell.status == status
    if status != rules.GREEN:
        assert cell.fix == rules.Fix("placement", 3) and cell.reason.startswith("Forge: ")


def test_registration_cell_main_responsibility_at_an_unregistered_provider_is_red():
    cell = rules.registration_cell(
        _pupil(_placement(main_responsibility=True)), today=MONDAY_23_NOV, limits=HOURS
    )
    assert cell.status == rules.RED


def test_registration_cell_a_registered_provider_has_no_hours_limit():
    provider = _provider(registered=True, urn="123456")
    full_time = _placement(provider=provider, slots=_slots(0, 1, 2, 3, 4), main_responsibility=True)
    assert rules.registration_cell(_pupil(full_time), today=MONDAY_23_NOV, limits=HOURS) == rules.Cell(
        rules.GREEN, "Forge registered (URN 123456)."
    )
    no_urn = _placement(provider=_provider(registered=True))
    assert (
        rules.registration_cell(_pupil(no_urn), today=MONDAY_23_NOV, limits=HOURS).reason
        == "Forge registered."
    )


def test_registration_cell_unchecked_status_is_amber_and_must_register_red():
    unchecked = _placement(provider=_provider(registration_checked=False, registered=True))
    assert rules.registration_cell(_pupil(unchecked), today=MONDAY_23_NOV, limits=HOURS) == rules.Cell(
        rules.AMBER, "The registration status of Forge has not been checked.", rules.Fix("provider", 7)
    )
    flagged = _placement(provider=_provider(must_register=True))
    assert rules.registration_cell(_pupil(flagged), today=MONDAY_23_NOV, limits=HOURS) == rules.Cell(
        rules.RED,
        "Forge may need to register as an independent school (full-time pupils across all schools).",
        rules.Fix("provider", 7),
    )


def test_registration_cell_judges_placements_still_to_come():
    now = _placement(slots=_slots(0, start=time(9), end=time(13)))
    coming = _placement(id=4, start=date(2027, 1, 4), slots=_slots(1, 2, start=time(9), end=time(13)))
    pupil = _pupil(now, hours_placements=(now, coming))
    cell = rules.registration_cell(pupil, today=MONDAY_23_NOV, limits=HOURS)
    assert cell.status == rules.RED and cell.reason.startswith("Forge: From 4 January 2027: ")
    # Only the present placement: 4 hours over 1 day.
    assert rules.registration_cell(
        _pupil(now, hours_placements=()), today=MONDAY_23_NOV, limits=HOURS
    ) == rules.Cell(rules.GREEN, "Forge unregistered, 4 hours over 1 day.")


# Para 402: why off-site provision is the best option.
def test_rationale_cell_blank_rationale_is_red():
    for blank in ("", "   "):
        assert rules.rationale_cell(_pupil(_placement(rationale=blank))) == rules.Cell(
            rules.RED, "No rationale recorded for the placement at Forge.", rules.Fix("placement", 3)
        )
    assert rules.rationale_cell(_pupil()).status == rules.GREEN


# Census (domain.md "Placements"): full-time only when every session of the week.
def test_census_full_time_needs_all_ten_sessions():
    assert [rules.census_attendance_pattern(n) for n in (0, 9, 10, 11)] == [
        "Part-time",
        "Part-time",
        "Full-time",
        "Full-time",
    ]


def test_census_a_registered_provider_with_a_ukprn_but_no_urn_is_exported_by_its_ukprn():
    assert (
        rules.census_data_error(
            name="Hillside", urn="", ukprn="10004044", registered=True, provider_type="other"
        )
        == ""
    )
    assert (
        rules.census_data_error(name="Hillside", urn="", ukprn="", registered=False, provider_type="other")
        == ""
    )
    assert rules.census_setting_type(urn="123456", ukprn="10001234", provider_type="tuition") == ""


def test_the_follow_up_median_with_an_even_count_and_partial_minutes():
    assert rules.follow_up_minutes([60, 120, 240, 600]) == 3  # (2 + 4) / 2
    assert rules.follow_up_minutes([60, 240]) == 2  # (1 + 4) // 2, whole minutes
    assert rules.follow_up_minutes(iter([300, 59.9, 120])) == 2


def test_every_setting_is_named_in_a_green_cell():
    oak = _placement(
        id=4,
        provider=_provider(id=8, name="Oak", dsl_name="Bo Ray", registered=True, urn="100200"),
        slots=_slots(2),
        induction_on=date(2026, 9, 4),
    )
    pupil = _pupil(_placement(), oak, hours_placements=())
    assert rules.timetable_cell(pupil).reason == "Timetabled (Forge: Mon, Thu; Oak: Wed)."
    assert rules.safeguarding_cell(pupil).reason == "Route to the DSL recorded (Forge: Ann Lee; Oak: Bo Ray)."
    assert rules.induction_cell(pupil, induction_school_days=5).reason == (
        "Inducted (Forge 3 September 2026; Oak 4 September 2026)."
    )
    assert rules.registration_cell(pupil, today=MONDAY_23_NOV, limits=HOURS).reason == (
        "Forge unregistered, 12 hours over 2 days; Oak registered (URN 100200)."
    )


def test_induction_cell_checks_every_setting_not_only_the_first():
    late = _placement(
        id=4, provider=_provider(id=8, name="Oak"), induction_on=None, school_days_since_start=9
    )
    assert rules.induction_cell(_pupil(_placement(), late), induction_school_days=5).status == rules.RED


def test_registration_cell_judges_each_unregistered_provider_on_its_own_hours():
    # 12 hours over 2 days at each of two unregistered settings: neither is full-time.
    oak = _placement(id=4, provider=_provider(id=8, name="Oak"), slots=_slots(1, 2))
    pupil = _pupil(_placement(), oak, hours_placements=())
    assert rules.registration_cell(pupil, today=MONDAY_23_NOV, limits=HOURS).status == rules.GREEN
    # A registered setting listed first does not stop the judgement of the next one.
    registered = _placement(id=5, provider=_provider(id=9, name="Abbey", registered=True))
    over = _placement(id=4, provider=_provider(id=8, name="Oak"), slots=_slots(0, 1, 2))
    cell = rules.registration_cell(
        _pupil(registered, over, hours_placements=()), today=MONDAY_23_NOV, limits=HOURS
    )
    assert cell.status == rules.RED and cell.fix == rules.Fix("placement", 4)


def test_registration_cell_a_placement_ending_before_the_next_starts_is_not_double_counted():
    ending = _placement(end=date(2026, 11, 27), slots=_slots(0, 1))
    following = _placement(id=4, start=date(2026, 11, 30), slots=_slots(2, 3))
    pupil = _pupil(ending, following, hours_placements=(ending, following))
    assert rules.registration_cell(pupil, today=MONDAY_23_NOV, limits=HOURS).status == rules.GREEN


def test_a_placement_that_ended_needs_no_visit_or_review_in_later_half_terms():
    ended = _placement(end=date(2026, 10, 23), visit_dates=(date(2026, 9, 10),))
    pupil = _pupil(ended, plan=_plan(review_dates=(date(2026, 10, 1),), next_review_on=None))
    for today in (date(2026, 12, 18), date(2027, 1, 5)):  # Autumn 2's last day, and after it
        assert rules.visits_cell(pupil, today=today, warning_school_days=10).status == rules.GREEN
        assert rules.plan_cell(pupil, today=today, warning_school_days=10).status == rules.GREEN


def test_an_unnamed_half_term_still_reads_in_the_reason():
    pupil = _pupil(_placement(visit_dates=()), plan=_plan(review_dates=()), half_term_names={})
    assert rules.visits_cell(pupil, today=MONDAY_23_NOV, warning_school_days=10).reason == (
        "No visit to Forge during a half term."
    )
    assert rules.plan_cell(pupil, today=MONDAY_23_NOV, warning_school_days=10).reason == (
        "The plan was not reviewed during a half term."
    )


def test_green_cells_before_anything_is_due():
    starting = _placement(start=date(2027, 1, 4), visit_dates=())
    assert rules.visits_cell(_pupil(starting), today=MONDAY_23_NOV, warning_school_days=10).reason == (
        "Seen at each setting each half term."
    )
    assert rules.risk_assessment_cell(_pupil(placements=()), today=MONDAY_23_NOV).reason == "Approved."


def test_quality_cell_gives_every_audit_reason():
    provider = _provider(audited_on=date(2025, 11, 1), insurance_expires_on=None)
    cell = rules.quality_assurance_cell(
        _pupil(_placement(provider=provider)), today=MONDAY_23_NOV, limits=LIMITS
    )
    assert cell.reason == (
        "Forge: The latest audit, on 1 November 2025, is over a year old. "
        "The latest audit records no insurance expiry date."
    )
