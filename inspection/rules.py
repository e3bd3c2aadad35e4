"""Inspection readiness: pure rules over plain facts about one pupil's placements. No ORM, no
clock (pass `today`). Each rule answers one column of the readiness grid with a status, the reason
in words and what to open to put it right."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from apdash.rules import HalfTermDates
from placements.attendance import rules as attendance_rules
from placements.core import rules as core_rules
from placements.core.rules import HoursLimits, Slot
from placements.plans import rules as plans_rules
from placements.visits import rules as visits_rules
from providers import rules as provider_rules

GREEN = "green"
AMBER = "amber"
RED = "red"
ORDER = {GREEN: 0, AMBER: 1, RED: 2}


@dataclass(frozen=True)
class Column:
    key: str
    source: str
    label: str


# G §1 a–f (the key member of staff must show these for every pupil), then G §4 and paras 399/402.
COLUMNS = (
    Column("a", "G §1a", "Timetable and where each day"),
    Column("b", "G §1b", "Plan, goal and review"),
    Column("c", "G §1c", "Attendance followed up"),
    Column("d", "G §1d", "Safeguarding reaches the DSL"),
    Column("e", "G §1e", "Seen at each setting each half term"),
    Column("f", "G §1f", "Provision quality-assured"),
    Column("risk", "G §4", "Risk assessment"),
    Column("induction", "G §3e", "Induction"),
    Column("registration", "para 399, G §3f", "Registration lawful"),
    Column("rationale", "para 402", "Rationale recorded"),
)


@dataclass(frozen=True)
class Fix:
    """Where to put a problem right: a kind of page ("placement", "visit", "risk_assessment",
    "induction", "provider", "register", "pupil", "plan", "milestone", "review", "safeguarding")
    and the object's id."""

    kind: str
    object_id: int | None = None


@dataclass(frozen=True)
class Cell:
    status: str
    reason: str
    fix: Fix | None = None


@dataclass(frozen=True)
class ProviderFacts:
    id: int
    name: str
    registered: bool
    urn: str = ""
    registration_checked: bool = False
    dsl_name: str = ""
    audited_on: date | None = None
    insurance_expires_on: date | None = None
    # Why an audit in date is still not current (`providers.rules.audit_shortfalls`), in words.
    audit_shortfalls: tuple[str, ...] = ()
    last_qa_on: date | None = None
    last_qa_judgement: str = ""
    must_register: bool = False  # an open provider-wide registration flag (across all schools)


@dataclass(frozen=True)
class RiskFacts:
    approved: bool
    review_date: date


@dataclass(frozen=True)
class PlacementFacts:
    id: int
    provider: ProviderFacts
    start: date
    end: date | None
    slots: tuple[Slot, ...] = ()
    qualifications: str = ""
    rationale: str = ""
    main_responsibility: bool = False
    visit_dates: tuple[date, ...] = ()
    risk_assessments: tuple[RiskFacts, ...] = ()
    induction_on: date | None = None
    school_days_since_start: int = 0
    # (day, session, code or "") for each gap `placements.attendance.rules.attendance_gaps` found
    attendance_gaps: tuple[attendance_rules.AttendanceGap, ...] = ()


@dataclass(frozen=True)
class PlanFacts:
    """The pupil's learning plan: its goal, milestones rolled up, and the dates of its reviews."""

    goal_label: str
    goal_target: date
    progress: plans_rules.PlanProgress
    review_dates: tuple[date, ...] = ()
    next_review_on: date | None = None  # agreed at the latest review


@dataclass(frozen=True)
class PupilFacts:
    id: int
    placements: tuple[PlacementFacts, ...]
    school_days: tuple[date, ...] = ()
    half_terms: tuple[HalfTermDates, ...] = ()
    half_term_names: dict = field(default_factory=dict)
    attendance_percentage: float | None = None
    school_dsl_named: bool = True
    plan: PlanFacts | None = None
    # Concerns waiting past the DSL-acknowledgement deadline (a count: never narrative).
    concerns_overdue: int = 0
    # The pupil's placements at unregistered providers running today or later (future ones
    # too), for the hours judgement, as the hours check reads them.
    hours_placements: tuple[PlacementFacts, ...] = ()


@dataclass(frozen=True)
class Limits:
    hours: HoursLimits
    audit_max_age_days: int
    qa_max_age_days: int
    induction_school_days: int
    visit_warning_school_days: int


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _worst(cells: Iterable[Cell], *, green: Cell) -> Cell:
    """The worst status among `cells`, all their reasons of that status joined, the first fix."""
    cells = [c for c in cells if c.status != GREEN]
    if not cells:
        return green
    worst = max(ORDER[c.status] for c in cells)
    chosen = [c for c in cells if ORDER[c.status] == worst]
    return Cell(chosen[0].status, " ".join(c.reason for c in chosen), chosen[0].fix)


def _days(slots: Iterable[Slot]) -> str:
    days = sorted({s.weekday for s in slots})
    return ", ".join(core_rules.WEEKDAY_NAMES[d][:3] for d in days)


def timetable_cell(pupil: PupilFacts) -> Cell:
    # G §1a: timetable, qualifications working towards, where the pupil is each day.
    problems = []
    for p in pupil.placements:
        if not p.slots:
            problems.append(
                Cell(
                    RED,
                    f"No timetable at {p.provider.name}: where the pupil is each day is unknown.",
                    Fix("placement", p.id),
                )
            )
        elif not p.qualifications.strip():
            problems.append(
                Cell(AMBER, f"No qualifications recorded at {p.provider.name}.", Fix("placement", p.id))
            )
    where = "; ".join(f"{p.provider.name}: {_days(p.slots)}" for p in pupil.placements if p.slots)
    return _worst(problems, green=Cell(GREEN, f"Timetabled ({where})."))


def _half_terms_of(pupil: PupilFacts, p: PlacementFacts, *, today: date) -> dict:
    # What the half-termly rules (visits, plan reviews) read of one placement and its school.
    return {
        "start": p.start,
        "end": p.end,
        "weekdays": [s.weekday for s in p.slots],
        "school_days": pupil.school_days,
        "half_terms": pupil.half_terms,
        "today": today,
    }


def plan_cell(pupil: PupilFacts, *, today: date, warning_school_days: int) -> Cell:
    # G §1b, §4f–g: a plan with milestones towards an agreed goal; reviews at least half-termly.
    plan = pupil.plan
    if plan is None:
        return Cell(RED, "No learning plan recorded.", Fix("plan", pupil.id))
    names = pupil.half_term_names
    overdue: set[int] = set()
    due: dict[int, int] = {}  # half term -> school days left
    for p in pupil.placements:
        for gap in plans_rules.review_gaps(
            **_half_terms_of(pupil, p, today=today),
            review_dates=plan.review_dates,
            warning_school_days=warning_school_days,
        ):
            if gap.overdue:
                overdue.add(gap.half_term_id)
            else:
                due[gap.half_term_id] = gap.school_days_left
    problems = []
    for term in pupil.half_terms:
        name = names.get(term.id, "a half term")
        if term.id in overdue:
            problems.append(Cell(RED, f"The plan was not reviewed during {name}.", Fix("review", pupil.id)))
        elif term.id in due:
            left = due[term.id]
            problems.append(
                Cell(
                    AMBER,
                    f"No review yet in {name}: {left} school day{'s' if left != 1 else ''} left.",
                    Fix("review", pupil.id),
                )
            )
    if plan.next_review_on is not None and plan.next_review_on < today and not due and not overdue:
        problems.append(
            Cell(AMBER, f"The next review was due on {_long(plan.next_review_on)}.", Fix("review", pupil.id))
        )
    if plan.progress.total == 0:
        problems.append(
            Cell(AMBER, "The plan has no milestones towards its goal.", Fix("milestone", pupil.id))
        )
    reviewed = f" Last reviewed {_long(max(plan.review_dates))}." if plan.review_dates else ""
    green = Cell(
        GREEN,
        f"Goal: {plan.goal_label} by {_long(plan.goal_target)}; {plan.progress.total} "
        f"milestone{'s' if plan.progress.total != 1 else ''} ({plan.progress.words.lower()}).{reviewed}",
    )
    return _worst(problems, green=green)


def attendance_cell(pupil: PupilFacts) -> Cell:
    # G §1c, §4h: attendance received each day and absences followed up swiftly.
    unexplained = [
        (p, g)
        for p in pupil.placements
        for g in p.attendance_gaps
        if g.kind == attendance_rules.UNEXPLAINED_ABSENCE
    ]
    missing = [
        (p, g) for p in pupil.placements for g in p.attendance_gaps if g.kind == attendance_rules.MISSING_MARK
    ]
    if unexplained:
        p, gap = unexplained[0]
        n = len(unexplained)
        return Cell(
            RED,
            f"{n} absence{'s' if n != 1 else ''} this half term not followed up "
            f"(first: {p.provider.name}, {_long(gap.day)} {gap.session}).",
            Fix("register", p.id),
        )
    if missing:
        p, gap = missing[0]
        n = len(missing)
        return Cell(
            AMBER,
            f"{n} session{'s' if n != 1 else ''} this half term with no register "
            f"(first: {p.provider.name}, {_long(gap.day)} {gap.session}).",
            Fix("register", p.id),
        )
    if pupil.attendance_percentage is None:
        return Cell(GREEN, "Registers up to date; no sessions due yet this half term.")
    return Cell(
        GREEN, f"{pupil.attendance_percentage:g}% attendance this half term; every absence followed up."
    )


def safeguarding_cell(pupil: PupilFacts) -> Cell:
    # G §1d: every safeguarding issue communicated to the school DSL. Counts only, never narrative.
    problems = []
    if pupil.concerns_overdue:
        problems.append(
            Cell(
                RED,
                "A concern has waited longer than allowed for the DSL's acknowledgement.",
                Fix("safeguarding", pupil.id),
            )
        )
    if not pupil.school_dsl_named:
        problems.append(Cell(RED, "The school's DSL is not named.", None))
    for provider in {p.provider for p in pupil.placements}:
        if not provider.dsl_name:
            problems.append(Cell(AMBER, f"{provider.name} has no DSL named.", Fix("provider", provider.id)))
    names = "; ".join(sorted(f"{p.provider.name}: {p.provider.dsl_name}" for p in pupil.placements))
    return _worst(problems, green=Cell(GREEN, f"Route to the DSL recorded ({names})."))


def visits_cell(pupil: PupilFacts, *, today: date, warning_school_days: int) -> Cell:
    # G §1e, §4i: seen at each setting at least once each half term (the half-termly visit check).
    problems = []
    last_seen = []
    for p in pupil.placements:
        gaps = visits_rules.visit_gaps(
            **_half_terms_of(pupil, p, today=today),
            visit_dates=p.visit_dates,
            warning_school_days=warning_school_days,
        )
        for gap in gaps:
            term = pupil.half_term_names.get(gap.half_term_id, "a half term")
            if gap.overdue:
                problems.append(
                    Cell(RED, f"No visit to {p.provider.name} during {term}.", Fix("visit", p.id))
                )
            else:
                left = gap.school_days_left
                problems.append(
                    Cell(
                        AMBER,
                        f"Not yet seen at {p.provider.name} this half term: "
                        f"{left} school day{'s' if left != 1 else ''} of {term} left.",
                        Fix("visit", p.id),
                    )
                )
        if p.visit_dates:
            last_seen.append(f"{p.provider.name} {_long(max(p.visit_dates))}")
    seen = f" Last seen: {'; '.join(last_seen)}." if last_seen else ""
    return _worst(problems, green=Cell(GREEN, f"Seen at each setting each half term.{seen}"))


def quality_assurance_cell(pupil: PupilFacts, *, today: date, limits: Limits) -> Cell:
    # G §1f, §3a–e: each provision audited annually (directory) and quality-assured by the school.
    problems = []
    for provider in sorted({p.provider for p in pupil.placements}, key=lambda p: p.name):
        audit = [
            words
            for _, words in provider_rules.audit_problems(
                audited_on=provider.audited_on,
                insurance_expires_on=provider.insurance_expires_on,
                today=today,
                max_age_days=limits.audit_max_age_days,
            )
        ]
        if provider.audited_on is not None:
            audit += list(provider.audit_shortfalls)
        if audit:
            words = " ".join(audit)
            problems.append(Cell(RED, f"{provider.name}: {words}", Fix("provider", provider.id)))
        if provider.last_qa_on is None or (today - provider.last_qa_on).days > limits.qa_max_age_days:
            problems.append(
                Cell(
                    AMBER,
                    f"No quality-assurance visit to {provider.name} in the last year.",
                    Fix("provider", provider.id),
                )
            )
    return _worst(problems, green=Cell(GREEN, "Each provider audited and quality-assured this year."))


def risk_assessment_cell(pupil: PupilFacts, *, today: date) -> Cell:
    # G §4: a risk assessment for the journey to and from the setting and at the setting.
    problems = []
    reviews = []
    for p in pupil.placements:
        current = [r for r in p.risk_assessments if r.approved and r.review_date >= today]
        if current:
            reviews.append(max(r.review_date for r in current))
            continue
        if not p.risk_assessments:
            problems.append(
                Cell(
                    RED,
                    f"No risk assessment for the journey to and at {p.provider.name}.",
                    Fix("risk_assessment", p.id),
                )
            )
        elif any(not r.approved for r in p.risk_assessments):
            problems.append(
                Cell(
                    AMBER,
                    f"The risk assessment for {p.provider.name} awaits approval.",
                    Fix("risk_assessment", p.id),
                )
            )
        else:
            due = max(r.review_date for r in p.risk_assessments)
            problems.append(
                Cell(
                    RED,
                    f"The risk assessment for {p.provider.name} was due for review on {_long(due)}.",
                    Fix("risk_assessment", p.id),
                )
            )
    green = Cell(GREEN, f"Approved; next review {_long(min(reviews))}." if reviews else "Approved.")
    return _worst(problems, green=green)


def induction_cell(pupil: PupilFacts, *, induction_school_days: int) -> Cell:
    # G §3e: each pupil inducted at the start (who the DSL is, what to do if they feel unsafe).
    problems = []
    for p in pupil.placements:
        if p.induction_on is not None:
            continue
        elapsed = p.school_days_since_start
        if elapsed > induction_school_days:
            problems.append(
                Cell(
                    RED,
                    f"No induction recorded at {p.provider.name}, {elapsed} school days after the start.",
                    Fix("induction", p.id),
                )
            )
        else:
            problems.append(
                Cell(AMBER, f"Induction at {p.provider.name} not yet recorded.", Fix("induction", p.id))
            )
    done = [p for p in pupil.placements if p.induction_on]
    words = "; ".join(f"{p.provider.name} {_long(p.induction_on)}" for p in done)
    return _worst(problems, green=Cell(GREEN, f"Inducted ({words})." if words else "Inducted."))


def registration_cell(pupil: PupilFacts, *, today: date, limits: HoursLimits) -> Cell:
    # para 399, G §3f, Education Act 1996 s.463: unregistered settings stay part-time.
    problems = []
    words = []
    upcoming: dict[int, list[PlacementFacts]] = {}
    for p in pupil.hours_placements:
        upcoming.setdefault(p.provider.id, []).append(p)
    by_provider: dict[int, list[PlacementFacts]] = {}
    for p in pupil.placements:
        if p.provider.id not in upcoming:
            by_provider.setdefault(p.provider.id, []).append(p)
    for provider_id, group in upcoming.items():
        by_provider[provider_id] = group
    for group in by_provider.values():
        provider = group[0].provider
        if not provider.registration_checked:
            problems.append(
                Cell(
                    AMBER,
                    f"The registration status of {provider.name} has not been checked.",
                    Fix("provider", provider.id),
                )
            )
        if provider.registered:
            words.append(f"{provider.name} registered" + (f" (URN {provider.urn})" if provider.urn else ""))
            continue
        verdict = core_rules.judge_hours(
            [core_rules.Arrangement(p.id, p.start, p.end, p.slots, p.main_responsibility) for p in group],
            limits_apply=True,
            limits=limits,
            today=today,
        )
        assessment = verdict.now
        if verdict.breach:
            problems.append(
                Cell(
                    RED,
                    f"{provider.name}: {verdict.message()}",
                    Fix("placement", verdict.breach.period.arrangements[0].id),
                )
            )
        elif verdict.near_limit:
            problems.append(
                Cell(
                    AMBER,
                    f"{provider.name}: {verdict.message()}",
                    Fix("placement", verdict.near_limit.period.arrangements[0].id),
                )
            )
        if provider.must_register:
            problems.append(
                Cell(
                    RED,
                    f"{provider.name} may need to register as an independent school "
                    "(full-time pupils across all schools).",
                    Fix("provider", provider.id),
                )
            )
        words.append(
            f"{provider.name} unregistered, {assessment.weekly_hours:g} hours over {assessment.days} "
            f"day{'s' if assessment.days != 1 else ''}"
        )
    return _worst(problems, green=Cell(GREEN, "; ".join(words) + "."))


def rationale_cell(pupil: PupilFacts) -> Cell:
    # para 402: why off-site provision is the best option, kept under review.
    problems = [
        Cell(RED, f"No rationale recorded for the placement at {p.provider.name}.", Fix("placement", p.id))
        for p in pupil.placements
        if not p.rationale.strip()
    ]
    return _worst(problems, green=Cell(GREEN, "Why this is the best option is recorded."))


def pupil_readiness(pupil: PupilFacts, *, today: date, limits: Limits) -> dict[str, Cell]:
    """One row of the readiness grid: a cell per column of `COLUMNS`."""
    return {
        "a": timetable_cell(pupil),
        "b": plan_cell(pupil, today=today, warning_school_days=limits.visit_warning_school_days),
        "c": attendance_cell(pupil),
        "d": safeguarding_cell(pupil),
        "e": visits_cell(pupil, today=today, warning_school_days=limits.visit_warning_school_days),
        "f": quality_assurance_cell(pupil, today=today, limits=limits),
        "risk": risk_assessment_cell(pupil, today=today),
        "induction": induction_cell(pupil, induction_school_days=limits.induction_school_days),
        "registration": registration_cell(pupil, today=today, limits=limits.hours),
        "rationale": rationale_cell(pupil),
    }


def percent_green(rows: Iterable[dict[str, Cell]]) -> dict[str, int | None]:
    """The roll-up: for each column, the percentage of rows that are green (None with no rows)."""
    rows = list(rows)
    if not rows:
        return {c.key: None for c in COLUMNS}
    return {
        c.key: round(100 * sum(1 for row in rows if row[c.key].status == GREEN) / len(rows)) for c in COLUMNS
    }


def overall_status(row: dict[str, Cell]) -> str:
    return max((cell.status for cell in row.values()), key=ORDER.__getitem__, default=GREEN)


# --- School census: alternative provision placements (domain.md "Placements") -------------------

SETTING_TYPES = {
    "fe_college": "NFE",  # non-maintained further education
    "tuition": "OOT",  # one-to-one tuition
    "work_based": "WBP",  # work-based placement
}
FULL_TIME_SESSIONS = 10  # every session of the school week


def census_setting_type(*, urn: str, ukprn: str, provider_type: str) -> str:
    """The census asks for a URN, or a UKPRN, or else the type of setting (NFE/OOT/OTH/WBP)."""
    if urn or ukprn:
        return ""
    return SETTING_TYPES.get(provider_type, "OTH")


# Settings that are schools in law (a PRU, an academy, a registered independent school) have a URN.
SCHOOL_TYPES = frozenset({"pru", "ap_academy", "independent_school"})


def census_data_error(*, name: str, urn: str, ukprn: str, registered: bool, provider_type: str) -> str:
    """Why a placement cannot go into the census as it stands (domain.md "Placements"): a provider
    that is a school (a PRU, an academy, a registered independent school) is returned by its URN,
    never as "other" (OTH); a registered provider with neither URN nor UKPRN has lost its URN."""
    if urn or not (provider_type in SCHOOL_TYPES or (registered and not ukprn)):
        return ""
    return f"{name} is a registered school but has no URN: add its URN before exporting the census."


def census_attendance_pattern(sessions_per_week: int) -> str:
    # Census: full-time when the pupil attends the provision for every session of the week.
    return "Full-time" if sessions_per_week >= FULL_TIME_SESSIONS else "Part-time"


def census_association(arranged_by: str) -> str:
    # Census association type: LA arranged only where the local authority arranged the provision.
    return "LA arranged" if arranged_by == "local_authority" else "School arranged"


def follow_up_minutes(intervals: Iterable[float]) -> int | None:
    """The median time, in minutes, from an absence being recorded to its follow-up."""
    values = sorted(int(v // 60) for v in intervals)
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) // 2
