"""Links to many objects on one page, each named page reversed once: a page of fifty flags links
each to its pupil, its provider and its resolve page, and Django's `reverse` takes far longer
than filling an id into a pattern (issue 15)."""

from __future__ import annotations

from django.urls import reverse

# Stands in for an object's id in a URL reversed once per page; no URL prefix contains it.
_ID = 9876543210


class Links:
    """The address of a named page (`placements:pupil_detail`) for one object's id, or of a page
    that takes no argument: each name reversed once for the life of this object (one page)."""

    def __init__(self):
        self._patterns: dict[tuple[str, bool], str] = {}

    def url(self, name: str, object_id: int | None = None) -> str:
        key = (name, object_id is not None)
        if key not in self._patterns:
            self._patterns[key] = reverse(name, args=[_ID]) if object_id is not None else reverse(name)
        pattern = self._patterns[key]
        return pattern if object_id is None else pattern.replace(str(_ID), str(int(object_id)))
