"""Links reversed once per page: each object's address is the one Django's `reverse` gives it."""

import pytest
from django.urls import reverse

from apdash.links import Links


@pytest.mark.parametrize("object_id", [1, 7, 42, 123456])
def test_an_objects_link_is_the_address_reverse_gives_it(object_id):
    links = Links()
    links.url("placements:pupil_detail", 99)  # the pattern reversed for another pupil first
    assert links.url("placements:pupil_detail", object_id) == reverse(
        "placements:pupil_detail", args=[object_id]
    )
    assert links.url("providers:provider_detail", object_id) == reverse(
        "providers:provider_detail", args=[object_id]
    )


def test_a_page_with_no_argument_and_one_with_an_id_are_told_apart():
    links = Links()
    assert links.url("placements:flag_list") == reverse("placements:flag_list")
    assert links.url("placements:flag_resolve", 5) == reverse("placements:flag_resolve", args=[5])
    assert links.url("placements:flag_list") == reverse("placements:flag_list")


def test_each_name_is_reversed_once_per_page(monkeypatch):
    import apdash.links

    calls = []
    monkeypatch.setattr(apdash.links, "reverse", lambda name, **kw: calls.append(name) or reverse(name, **kw))
    links = Links()
    urls = [links.url("placements:pupil_detail", n) for n in range(1, 51)]
    assert calls == ["placements:pupil_detail"]
    assert len(set(urls)) == 50
