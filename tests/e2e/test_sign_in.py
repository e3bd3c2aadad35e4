import pytest

from apdash.models import Role
from tests.e2e.conftest import axe_violations, screenshot, sign_in
from tests.factories import PASSWORD, PupilFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_signs_in_and_reaches_their_pupils(page):
    pupil = PupilFactory(last_name="Fairweather")
    member(Role.SCHOOL_COORDINATOR, school=pupil.school, email="sam@wendlow.example")
    sign_in(page, "sam@wendlow.example", PASSWORD)
    assert page.get_by_role("heading", name="Today").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Pupils", exact=True).click()
    assert page.get_by_role("link", name=f"Fairweather, {pupil.first_name}").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "pupil-list")


def test_a_wrong_password_is_refused_with_an_error_summary(page):
    member(Role.SCHOOL_COORDINATOR, school=PupilFactory().school, email="sam@wendlow.example")
    sign_in(page, "sam@wendlow.example", "not-the-password")
    assert page.get_by_text("Enter a correct email address and password").is_visible()
    assert axe_violations(page) == []


def test_pages_and_the_api_docs_run_under_the_content_security_policy(browser, live_server):
    member(Role.SCHOOL_COORDINATOR, school=PupilFactory().school, email="sam@wendlow.example")
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    try:
        sign_in(page, "sam@wendlow.example", PASSWORD)
        assert page.get_by_role("heading", name="Today").is_visible()
        assert "js-enabled" in page.evaluate("document.body.className")
        page.goto("/api/docs/")
        page.locator(".swagger-ui .info .title").wait_for()
        assert "apdash API" in page.locator(".swagger-ui .info .title").inner_text()
        assert [m for m in messages if "Content Security Policy" in m] == []
    finally:
        context.close()
