"""The service navigation. The core knows only its own pages (home, admin); each app registers
the items it owns in its AppConfig.ready(), so the core never names a URL of an app to its left."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .models import Role

# Roles that work on the school side (as opposed to provider staff, who only keep registers).
SCHOOL_STAFF_ROLES = frozenset(
    {Role.SCHOOL_COORDINATOR, Role.PARTNERSHIP_COORDINATOR, Role.DSL, Role.HEAD, Role.SUPERUSER}
)


@dataclass(frozen=True)
class NavigationEntry:
    order: int
    # Called as items(user, roles) -> [(label, url), ...]: empty when the user has none of them.
    items: Callable[[object, frozenset], list[tuple[str, str]]]


_ENTRIES: list[NavigationEntry] = []


def register_navigation(order: int, items: Callable) -> None:
    if all(entry.items is not items for entry in _ENTRIES):
        _ENTRIES.append(NavigationEntry(order, items))


def navigation_items(user, roles: frozenset) -> list[tuple[str, str]]:
    entries = sorted(_ENTRIES, key=lambda entry: entry.order)
    return [item for entry in entries for item in entry.items(user, roles)]
