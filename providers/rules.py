"""Pure rules about providers, over plain values."""

from __future__ import annotations

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
