import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sign_in(client):
    """`sign_in(user)`: the test client signed in as the user would be after signing in, with
    the one-time code too for a DSL or head (who reach no page without it)."""
    from apdash.accounts import needs_two_factor
    from tests.factories import sign_in_with_two_factor

    def _sign_in(user):
        if needs_two_factor(user):
            sign_in_with_two_factor(client, user)
        else:
            client.force_login(user)
        return client

    return _sign_in


def pytest_runtest_setup(item):
    """`@pytest.mark.pdf`: the test renders a PDF with WeasyPrint, so it needs Pango (skipped
    with a one-line reason where it is missing; a failure under APDASH_REQUIRE_SERVICES=1)."""
    if item.get_closest_marker("pdf"):
        from tests.services import need, pango_available

        need(pango_available(), "WeasyPrint's system libraries (Pango)")
