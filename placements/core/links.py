"""Links other apps add to a placement wherever it is shown (its card on the pupil page, its
form): safeguarding registers "Record the risk assessment" and "Record the induction" in its
AppConfig.ready(), so placements never names a URL of an app to its left."""

from __future__ import annotations

from collections.abc import Callable

# Each is called as links(user, placement) -> [(words, address), ...]: empty when the user may not.
_PLACEMENT_LINKS: list[Callable] = []


def register_placement_links(links: Callable) -> None:
    if links not in _PLACEMENT_LINKS:
        _PLACEMENT_LINKS.append(links)


def placement_links(user, placement) -> list[tuple[str, str]]:
    return [link for links in _PLACEMENT_LINKS for link in links(user, placement)]
