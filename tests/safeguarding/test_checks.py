"""The three safeguarding checks open a flag the moment their condition holds, not before, and
resolve it once the DSL, the risk assessment or the induction puts it right."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from placements.models import Flag
from safeguarding import services
from safeguarding.checks import run_concern_unacknowledged, run_induction_missing, run_risk_assessment_missing
from tests.factories import (
    ClosureFactory,
    ConcernFactory,
    InductionFactory,
    PlacementFactory,
    RiskAssessmentFactory,
    seed_calendar,
)

pytestmark = pytest.mark.django_db

RAISED = timezone.make_aware(datetime(2026, 11, 9, 10, 0))


def _open(kind):
    return list(Flag.objects.filter(kind=kind, resolved_at__isnull=True))


@pytest.mark.parametrize(
    ("urgency", "allowed"), [("urgent", timedelta(hours=1)), ("routine", timedelta(hours=24))]
)
def test_an_unacknowledged_concern_turns_red_once_its_time_has_passed(county, urgency, allowed):
    concern = ConcernFactory(
        pupil=county.pupil, raised_at=RAISED, urgency=urgency, raised_by=county.people["raiser"]
    )
    run_concern_unacknowledged(RAISED + allowed)
    assert _open("concern_unacknowledged") == []
    run_concern_unacknowledged(RAISED + allowed + timedelta(minutes=1))
    [flag] = _open("concern_unacknowledged")
    assert flag.severity == "red" and flag.school == county.school
    # The flag is seen by school staff who are not DSLs: it names no pupil and quotes nothing.
    assert flag.pupil is None and concern.description not in flag.message
    assert concern.pupil.first_name not in flag.message
    services.concern_acknowledge(actor=county.people["DSL"], concern=concern)
    result = run_concern_unacknowledged(RAISED + allowed + timedelta(minutes=2))[0]
    assert result.resolved == 1 and _open("concern_unacknowledged") == []


def test_an_acknowledged_concern_is_never_flagged(county):
    concern = ConcernFactory(
        pupil=county.pupil, raised_at=RAISED, urgency="urgent", raised_by=county.people["raiser"]
    )
    services.concern_acknowledge(actor=county.people["DSL"], concern=concern)
    run_concern_unacknowledged(RAISED + timedelta(days=3))
    assert _open("concern_unacknowledged") == []


def test_an_active_placement_without_an_approved_in_date_risk_assessment_is_red():
    now = timezone.now()
    today = timezone.localdate(now)
    placement = PlacementFactory(start_date=today)
    PlacementFactory(start_date=today + timedelta(days=2))  # not started yet
    PlacementFactory(start_date=today - timedelta(days=30), end_date=today - timedelta(days=1))  # ended
    run_risk_assessment_missing(now)
    [flag] = _open("risk_assessment_missing")
    assert flag.placement == placement and flag.severity == "red"

    RiskAssessmentFactory(placement=placement, approved_by=None, approved_at=None)
    run_risk_assessment_missing(now)
    assert len(_open("risk_assessment_missing")) == 1, "an unapproved assessment does not count"

    RiskAssessmentFactory(placement=placement, review_date=today)
    assert run_risk_assessment_missing(now)[0].resolved == 1
    assert _open("risk_assessment_missing") == []

    tomorrow = now + timedelta(days=1)
    run_risk_assessment_missing(tomorrow)
    assert len(_open("risk_assessment_missing")) == 1, "past its review date it no longer counts"


def test_induction_is_flagged_amber_after_five_school_days():
    seed_calendar(2026)
    # Monday 9 November 2026; an INSET day on Wednesday 11th pushes the fifth school day to Monday 16th.
    placement = PlacementFactory(start_date=date(2026, 11, 9))
    ClosureFactory(date=date(2026, 11, 11), school=placement.pupil.school)
    at = lambda day: timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=18))  # noqa: E731
    run_induction_missing(at(date(2026, 11, 16)))
    assert _open("induction_missing") == []
    run_induction_missing(at(date(2026, 11, 17)))
    [flag] = _open("induction_missing")
    assert flag.severity == "amber" and flag.placement == placement
    InductionFactory(placement=placement, date=date(2026, 11, 17))
    assert run_induction_missing(at(date(2026, 11, 17)))[0].resolved == 1
    assert _open("induction_missing") == []


def test_checks_are_registered_for_run_checks():
    from apdash.checks import registered_checks

    names = {c.name for c in registered_checks()}
    assert {"concern_unacknowledged", "risk_assessment_missing", "induction_missing"} <= names


def test_a_partnership_dsl_sees_concern_flags_only_for_partnership_commissioned_placements(county):
    from placements.compliance.selectors import visible_flags

    ConcernFactory(
        pupil=county.pupil, placement=county.placement, raised_at=RAISED, raised_by=county.people["raiser"]
    )
    ConcernFactory(
        pupil=county.partnership_placement.pupil,
        placement=county.partnership_placement,
        raised_at=RAISED,
        raised_by=county.people["raiser"],
    )
    run_concern_unacknowledged(RAISED + timedelta(days=2))
    assert len(_open("concern_unacknowledged")) == 2

    def seen_by(person):
        flags = visible_flags(county.people[person]).filter(kind="concern_unacknowledged")
        return {f.placement_id for f in flags}

    assert seen_by("DSL") == {county.placement.id, county.partnership_placement.id}
    assert seen_by("partnership DSL") == {county.partnership_placement.id}
    assert seen_by("other-school DSL") == set()
    assert seen_by("school coordinator") == seen_by("head") == set()


def test_a_pupil_who_leaves_with_concerns_opens_safeguarding_transfer_due_until_it_is_recorded_as_sent(
    county, client
):
    from django.urls import reverse

    from placements.compliance.selectors import visible_flags
    from safeguarding.checks import run_safeguarding_transfer
    from tests.factories import sign_in_with_two_factor

    seed_calendar(2026)
    pupil = county.pupil
    ConcernFactory(pupil=pupil, raised_at=RAISED, raised_by=county.people["raiser"])
    run_safeguarding_transfer(RAISED + timedelta(days=10))
    assert _open("safeguarding_transfer_due") == []
    pupil.left_on, pupil.moved_to = date(2026, 11, 20), "Hillside Academy"
    pupil.save()
    run_safeguarding_transfer(RAISED + timedelta(days=12))
    [flag] = _open("safeguarding_transfer_due")
    assert flag.severity == "red" and flag.subject_date == date(2026, 11, 27)
    assert "Hillside Academy by 27 November 2026" in flag.message
    # The flag says that a pupil has concerns on record: only the DSL sees it.
    assert list(visible_flags(county.people["DSL"]).filter(kind="safeguarding_transfer_due")) == [flag]
    assert not visible_flags(county.people["school coordinator"]).filter(kind="safeguarding_transfer_due")

    sign_in_with_two_factor(client, county.people["DSL"])
    page = client.get(reverse("safeguarding:transfer", args=[pupil.pk])).content.decode()
    assert (
        "Keep until" in page
        and f"{pupil.date_of_birth.day} {pupil.date_of_birth:%B} {pupil.date_of_birth.year + 25}" in page
    )
    pdf = client.get(reverse("safeguarding:pupil_file_pdf", args=[pupil.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    client.post(
        reverse("safeguarding:transfer", args=[pupil.pk]),
        {"sent_on": "24/11/2026", "sent_to": "Hillside Academy, DSL Sam Lee", "method": "Secure email"},
    )
    run_safeguarding_transfer(RAISED + timedelta(days=16))
    assert _open("safeguarding_transfer_due") == []


def test_only_the_pupils_dsl_can_open_or_record_the_safeguarding_file(county, client):
    from django.urls import reverse

    from tests.factories import sign_in_with_two_factor

    ConcernFactory(pupil=county.pupil, raised_at=RAISED, raised_by=county.people["raiser"])
    sign_in_with_two_factor(client, county.people["other-school DSL"])
    assert client.get(reverse("safeguarding:transfer", args=[county.pupil.pk])).status_code == 404
    assert client.get(reverse("safeguarding:pupil_file_pdf", args=[county.pupil.pk])).status_code == 404
