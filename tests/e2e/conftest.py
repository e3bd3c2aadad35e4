"""Browser journeys in Debian's headless Chromium, driven by Playwright, against Django's
live server. Screenshots go to artefacts/screenshots/ (git-ignored) for a person to look at."""

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.services import need

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("APDASH_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "artefacts" / "screenshots"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    need(Path(CHROMIUM).exists() or bool(shutil.which(CHROMIUM)), f"Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "the playwright Python package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # axe is injected as an inline script, which the pages' Content-Security-Policy would refuse;
    # tests/e2e/test_sign_in.py checks the policy itself in a context that keeps it.
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/London", bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def sign_in(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def axe_violations(page, impacts=("serious", "critical")):
    """Run axe-core in the page; the serious and critical violations, as readable strings."""
    need(AXE.exists(), "axe-core (npm install)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {json.dumps([n['target'] for n in v['nodes']][:3])}"
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
