"""The registry of compliance checks. Each app registers its `run_<check>(now)` functions in its
AppConfig.ready(); `run_checks`, the Celery tasks and the beat schedule read them from here, so
the core never imports the apps to its left."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CheckResult:
    kind: str
    opened: int
    resolved: int
    still_open: int


@dataclass(frozen=True)
class RegisteredCheck:
    name: str
    run: Callable[[datetime], list[CheckResult]]
    # "attendance" checks run after each session's cut-off on school days; "nightly" the rest.
    schedule: str = "nightly"


_REGISTRY: dict[str, RegisteredCheck] = {}


def register(name: str, run: Callable[[datetime], list[CheckResult]], *, schedule: str = "nightly") -> None:
    _REGISTRY[name] = RegisteredCheck(name=name, run=run, schedule=schedule)


def registered_checks() -> list[RegisteredCheck]:
    return list(_REGISTRY.values())


def get_check(name: str) -> RegisteredCheck:
    return _REGISTRY[name]
