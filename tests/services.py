"""Tests that need a real service skip on a laptop without it, but fail where CI sets
APDASH_REQUIRE_SERVICES=1: there a skip would hide a missing install."""

import os
import socket
from urllib.parse import urlparse

import pytest

REQUIRED = os.environ.get("APDASH_REQUIRE_SERVICES") == "1"


def need(available: bool, what: str):
    if available:
        return
    if REQUIRED:
        pytest.fail(f"{what} is not available, and APDASH_REQUIRE_SERVICES=1 says it must be")
    pytest.skip(f"{what} is not available on this machine")


def port_open(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1
        ):
            return True
    except OSError:
        return False


def redis_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    return url if url.startswith("redis") else "redis://127.0.0.1:6379/15"


def pango_available() -> bool:
    """WeasyPrint loads Pango when imported: without the system libraries it raises OSError."""
    try:
        import weasyprint  # noqa: F401
    except (OSError, ImportError):
        return False
    return True
