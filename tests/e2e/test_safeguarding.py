"""A concern's journey in the browser: raised by a coordinator, acknowledged by the DSL after two-
factor sign-in, a decision not to refer recorded with its reason; the coordinator then sees the
status and nothing of what the DSL wrote."""

from datetime import timedelta

import pyotp
import pytest
from django.core import mail
from django.utils import timezone

from apdash.models import Role
from safeguarding.models import Concern, ConcernEntry
from tests.e2e.conftest import axe_violations, screenshot, sign_in
from tests.factories import PASSWORD, PlacementFactory, PupilFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SEEN = "Came in with a bruise on the wrist and said 'my step-dad grabbed me'."
REASON = "Spoke with mum and the pupil; consistent account of a fall at football. Threshold not met."


def test_a_concern_reaches_the_dsl_who_records_a_decision_not_to_refer(page):
    pupil = PupilFactory(first_name="Kacey", last_name="Fairweather")
    pupil.school.dsl_email = "dsl-office@wendlow.example"
    pupil.school.save()
    PlacementFactory(pupil=pupil, provider__name="Style My Ride")
    member(Role.SCHOOL_COORDINATOR, school=pupil.school, email="sam@wendlow.example")
    member(Role.DSL, school=pupil.school, email="priya@wendlow.example")

    # The coordinator raises the concern.
    sign_in(page, "sam@wendlow.example", PASSWORD)
    page.get_by_role("link", name="Safeguarding", exact=True).click()
    page.get_by_role("link", name="Raise a concern").click()
    page.get_by_label("Which pupil is the concern about?").select_option(
        label=f"Fairweather, Kacey ({pupil.told_apart}, {pupil.school.name})"
    )
    page.get_by_role("button", name="Continue").click()
    assert axe_violations(page) == []
    page.get_by_label("Where did it happen?").select_option(label="Style My Ride")
    yesterday = timezone.localdate() - timedelta(days=1)
    page.get_by_label("Date it happened").fill(f"{yesterday:%d/%m/%Y}")
    page.get_by_label("Time it happened").fill("14:30")
    page.get_by_label("What kind of concern is it?").select_option(label="Physical abuse")
    page.get_by_label("What did you see or hear?").fill(SEEN)
    page.get_by_label("Urgent: the child may be at risk of harm now").check()
    page.get_by_role("button", name="Send to the DSL").click()
    assert page.get_by_text("Your concern has been sent to the DSL.").is_visible()
    assert {"dsl-office@wendlow.example", "priya@wendlow.example"} <= set(mail.outbox[0].to)
    assert SEEN not in mail.outbox[0].body
    concern = Concern.objects.get()
    page.context.clear_cookies()

    # The DSL signs in and, before any page, sets up two-factor with a code generated here.
    sign_in(page, "priya@wendlow.example", PASSWORD)
    assert page.get_by_role("heading", name="Set up two-factor authentication").is_visible()
    assert axe_violations(page) == []
    secret = page.locator("#otp-secret").inner_text()
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    page.get_by_role("link", name="Safeguarding", exact=True).click()
    assert page.get_by_role("heading", name="DSL inbox").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Kacey Fairweather").click()
    assert page.get_by_text(SEEN).is_visible()
    page.get_by_role("button", name="Acknowledge").click()
    assert page.get_by_text("You have acknowledged this concern.").is_visible()

    page.get_by_role("link", name="Add to the chronology").click()
    page.get_by_label("A decision, with the reason").check()
    page.get_by_label("Decision", exact=True).select_option(label="Decision not to refer")
    page.get_by_label("Details").fill(REASON)
    page.get_by_role("button", name="Add to the chronology").click()
    assert page.locator("#chronology").get_by_text("Decision not to refer").is_visible()
    assert page.locator("#chronology").get_by_text(REASON).is_visible()
    assert axe_violations(page) == []
    screenshot(page, "safeguarding-concern-dsl")
    decision = ConcernEntry.objects.get(kind="decision")
    assert decision.decision == "not_to_refer" and decision.text == REASON
    page.context.clear_cookies()

    # The coordinator sees the status, not the DSL's entries.
    sign_in(page, "sam@wendlow.example", PASSWORD)
    page.goto(f"/safeguarding/concerns/{concern.pk}/")
    assert page.locator("#concern-status").get_by_text("Acknowledged").is_visible()
    assert page.get_by_text(SEEN).is_visible()
    body = page.content()
    assert REASON not in body and "Decision not to refer" not in body
    screenshot(page, "safeguarding-concern-raiser")
