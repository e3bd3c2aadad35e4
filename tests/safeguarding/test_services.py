"""Raising a concern tells the right DSLs, once the concern is safely saved, without its text."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from apdash.models import AuditEvent
from safeguarding import services
from safeguarding.models import Concern
from safeguarding.selectors import concern_summary_for_pupils

pytestmark = pytest.mark.django_db

SEEN = "Said an older boy at the bus stop takes her dinner money."


def _raise(county, placement, actor=None):
    return services.concern_raise(
        actor=actor or county.people["raiser"],
        pupil=placement.pupil,
        placement=placement,
        category="other",
        description=SEEN,
        occurred_at=timezone.now(),
        urgency="urgent",
        ip="203.0.113.9",
    )


def test_the_school_dsls_are_emailed_after_the_concern_is_saved(county, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        concern = _raise(county, county.placement)
        assert mail.outbox == []
    [email] = mail.outbox
    assert set(email.to) == {"dsl@wendlow.example", county.people["DSL"].email}
    assert email.subject.startswith("URGENT") and SEEN not in email.body
    event = AuditEvent.objects.get(action="concern.raised")
    assert event.object_id == str(concern.pk) and event.ip_address == "203.0.113.9"


def test_the_partnership_dsl_is_emailed_too_for_a_partnership_commissioned_placement(
    county, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _raise(county, county.partnership_placement, actor=county.people["provider staff"])
    assert {"dsl@partnership.example", county.people["partnership DSL"].email} <= set(mail.outbox[0].to)


def test_a_closed_concern_takes_only_corrections_and_closing_needs_an_outcome(county):
    concern = _raise(county, county.placement)
    dsl = county.people["DSL"]
    with pytest.raises(ValidationError, match="outcome"):
        services.concern_close(actor=dsl, concern=concern, outcome="  ")
    services.concern_close(actor=dsl, concern=concern, outcome="Early help in place; no further concerns.")
    with pytest.raises(ValidationError, match="closed"):
        services.concern_entry_add(actor=dsl, concern=concern, kind="note", text="Later note")
    concern.refresh_from_db()
    assert concern.status == "closed" and concern.acknowledged_at and concern.closed_at
    assert list(concern.entries.values_list("kind", flat=True)) == ["acknowledgement", "closure"]


def test_the_summary_for_exports_has_counts_and_timings_but_no_words(county):
    concern = _raise(county, county.placement)
    services.concern_acknowledge(actor=county.people["DSL"], concern=concern)
    _raise(county, county.placement)
    summary = concern_summary_for_pupils([county.pupil.pk])
    row = summary[county.pupil.pk]
    assert row["total"] == 2 and row["open"] == 2 and row["acknowledged"] == 1
    assert row["slowest_ack_minutes"] == 0
    assert SEEN not in repr(summary) and Concern.objects.count() == 2
