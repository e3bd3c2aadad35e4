"""Pure rules about providers over plain values (no ORM, no clock): whether a provider's annual
directory audit is current, and what DfE's register of establishments says of its registration."""

from __future__ import annotations

from datetime import date, timedelta

EXPIRED = "expired"
UNSATISFACTORY = "unsatisfactory"
DUE = "due"
CURRENT = "current"

# The outcome values of an audit (G §3b–c); only "unsatisfactory" makes an audit not current.
OUTCOME_UNSATISFACTORY = "unsatisfactory"


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def audit_problems(
    *, audited_on: date | None, insurance_expires_on: date | None, today: date, max_age_days: int
) -> list[tuple[str, str]]:
    """Why a provider's annual directory audit is out of date (G §3a–c), as (code, words): no
    audit, the latest older than `max_age_days`, or its insurance lapsed or not recorded."""
    if audited_on is None:
        return [("audit_missing", "No annual audit is recorded.")]
    problems = []
    if (today - audited_on).days > max_age_days:
        problems.append(("audit_expired", f"The latest audit, on {_long(audited_on)}, is over a year old."))
    if insurance_expires_on is None:
        problems.append(("insurance_unknown", "The latest audit records no insurance expiry date."))
    elif insurance_expires_on < today:
        problems.append(("insurance_expired", f"Insurance expired on {_long(insurance_expires_on)}."))
    return problems


def audit_shortfalls(
    *,
    outcome: str,
    single_central_record_checked: bool,
    dsl_confirmed: bool,
    safeguarding_checks_confirmed_in_writing: bool,
) -> list[tuple[str, str]]:
    """Why an audit in date is still not current (G §3b; KCSIE: written confirmation of the
    provider's safeguarding checks): outcome Unsatisfactory, or no single central record check, no
    DSL, or no written confirmation of the safeguarding checks."""
    shortfalls = []
    if outcome == OUTCOME_UNSATISFACTORY:
        shortfalls.append(("outcome_unsatisfactory", "The latest audit's outcome is Unsatisfactory."))
    if not single_central_record_checked:
        shortfalls.append(("scr_not_checked", "The single central record was not checked."))
    if not dsl_confirmed:
        shortfalls.append(("dsl_not_confirmed", "No designated safeguarding lead was confirmed."))
    if not safeguarding_checks_confirmed_in_writing:
        shortfalls.append(
            ("checks_not_in_writing", "The provider has not confirmed its safeguarding checks in writing.")
        )
    return shortfalls


def audit_status(
    *,
    audited_on: date | None,
    insurance_expires_on: date | None,
    shortfalls: list[tuple[str, str]],
    today: date,
    max_age_days: int,
    due_within_days: int = 30,
) -> str:
    """ "expired" (out of date or missing), "unsatisfactory" (in date but not current: see
    `audit_shortfalls`), "due" (current, but the audit or insurance runs out within
    `due_within_days`) or "current" (G §3a–c)."""
    if audit_problems(
        audited_on=audited_on,
        insurance_expires_on=insurance_expires_on,
        today=today,
        max_age_days=max_age_days,
    ):
        return EXPIRED
    if shortfalls:
        return UNSATISFACTORY
    oldest = today - timedelta(days=max_age_days)
    if audited_on < oldest + timedelta(days=due_within_days) or insurance_expires_on < today + timedelta(
        days=due_within_days
    ):
        return DUE
    return CURRENT


def is_current(status: str) -> bool:
    return status in (DUE, CURRENT)


# GIAS "TypeOfEstablishment (name)" values of settings that are schools in their own right: an
# independent school, a PRU, an alternative provision academy or free school, a special school
# (domain.md "Providers": registration is checkable against GIAS). Matched on the names, never on
# DfE's codes, which are not stable.
REGISTERED_TYPE_GROUPS = frozenset({"Independent schools", "Special schools"})
REGISTERED_TYPES = frozenset(
    {
        "Other independent school",
        "Other independent special school",
        "Pupil referral unit",
        "Academy alternative provision converter",
        "Academy alternative provision sponsor led",
        "Free schools alternative provision",
        "Community special school",
        "Foundation special school",
        "Non-maintained special school",
        "Academy special converter",
        "Academy special sponsor led",
        "Free schools special",
    }
)
OPEN_STATUSES = frozenset({"Open", "Open, but proposed to close"})
CLOSED = "Closed"


def _norm(value: str) -> str:
    return " ".join((value or "").split()).casefold()


def gias_registers_provider(*, type_name: str, type_group: str, status: str) -> bool:
    """A provider whose establishment is an independent school, PRU, AP academy or free school, or
    special school, and is open (or open but proposed to close), is registered (para 399)."""
    registrable = _norm(type_name) in {_norm(t) for t in REGISTERED_TYPES} or _norm(type_group) in {
        _norm(g) for g in REGISTERED_TYPE_GROUPS
    }
    return registrable and _norm(status) in {_norm(s) for s in OPEN_STATUSES}


def gias_closed(status: str) -> bool:
    return _norm(status) == _norm(CLOSED)
