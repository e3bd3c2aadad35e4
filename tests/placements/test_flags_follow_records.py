"""Flags follow the records: every write that can change a condition re-checks its scope on
commit, so a flag opens or resolves within the same request in the embedded (eager) mode, with
no `run_checks`."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from apdash.checks import run_scope
from apdash.models import Closure
from apdash.services import calendar_save, closure_delete
from placements.attendance.services import attendance_record, follow_up_record
from placements.core.rules import Slot
from placements.core.services import placement_update
from placements.models import Flag
from placements.visits.services import visit_record
from providers.services import provider_audit_record, provider_update
from safeguarding.services import concern_acknowledge, induction_record, risk_assessment_record
from tests.factories import (
    ConcernFactory,
    ProviderAuditFactory,
    ProviderFactory,
    SchoolFactory,
    member,
    placement_with_timetable,
    seed_calendar,
)

pytestmark = pytest.mark.django_db

# Monday 23 November 2026, after both registers' cut-offs.
NOW = timezone.make_aware(datetime(2026, 11, 23, 16, 0))
MONDAY = date(2026, 11, 23)


@pytest.fixture
def world(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    seed_calendar(2026)
    school = SchoolFactory()
    coordinator = member("school_coordinator", school=school)
    dsl = member("dsl", school=school)
    provider = ProviderFactory()
    ProviderAuditFactory(provider=provider, audited_on=MONDAY - timedelta(days=30))
    placement = placement_with_timetable(
        pupil__school=school, provider=provider, days=(0, 1), start_date=date(2026, 9, 7)
    )

    def commit(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return {"placement": placement, "coordinator": coordinator, "dsl": dsl, "commit": commit}


def is_open(kind, **filters):
    return Flag.objects.filter(kind=kind, resolved_at__isnull=True, **filters).exists()


def test_an_absence_opens_its_flag_and_a_follow_up_that_reached_someone_resolves_it(world):
    placement, commit, who = world["placement"], world["commit"], world["coordinator"]
    mark = dict(placement=placement, date=MONDAY, session="AM")
    commit(attendance_record, actor=who, source="coordinator", code="N", **mark)
    assert is_open("absence_unexplained", placement=placement)
    follow_up = dict(contacted="Parent", contacted_at=NOW, **mark)
    commit(follow_up_record, actor=who, outcome="not_contacted", **follow_up)
    assert is_open("absence_unexplained", placement=placement)
    commit(follow_up_record, actor=who, outcome="safe_and_well", **follow_up)
    assert not is_open("absence_unexplained", placement=placement)


def test_a_timetable_change_across_the_hours_line_opens_the_breach_and_changing_back_resolves_it(world):
    placement, commit, who = world["placement"], world["commit"], world["coordinator"]
    four_days = [Slot(weekday=d, start=time(9), end=time(15)) for d in range(4)]
    commit(placement_update, actor=who, placement=placement, timetable=four_days)
    assert is_open("hours_breach_pupil", pupil=placement.pupil)
    commit(placement_update, actor=who, placement=placement, timetable=four_days[:2])
    assert not is_open("hours_breach_pupil", pupil=placement.pupil)


def test_a_provider_that_registers_clears_its_pupils_hours_breach(world):
    placement, commit, who = world["placement"], world["commit"], world["coordinator"]
    four_days = [Slot(weekday=d, start=time(9), end=time(15)) for d in range(4)]
    commit(placement_update, actor=who, placement=placement, timetable=four_days)
    assert is_open("hours_breach_pupil", pupil=placement.pupil)
    commit(
        provider_update,
        actor=who,
        provider=placement.provider,
        registration_status="registered",
        registration_check_notes="GIAS: an open independent school",
    )
    assert not is_open("hours_breach_pupil", pupil=placement.pupil)


def test_a_provider_audit_resolves_the_expired_audit_flag(world):
    placement, commit, who = world["placement"], world["commit"], world["coordinator"]
    ProviderAuditFactory(provider=placement.provider, audited_on=MONDAY - timedelta(days=400))
    placement.provider.audits.exclude(audited_on=MONDAY - timedelta(days=400)).delete()
    run_scope(NOW)
    assert is_open("audit_expired", provider=placement.provider)
    commit(
        provider_audit_record,
        actor=who,
        provider=placement.provider,
        audited_on=MONDAY,
        insurance_expires_on=MONDAY + timedelta(days=100),
        outcome="satisfactory",
    )
    assert not is_open("audit_expired", provider=placement.provider)


def test_a_risk_assessment_and_an_induction_resolve_their_flags(world):
    placement, commit, dsl = world["placement"], world["commit"], world["dsl"]
    run_scope(NOW)
    assert is_open("risk_assessment_missing", placement=placement)
    assert is_open("induction_missing", placement=placement)
    commit(
        risk_assessment_record,
        actor=world["coordinator"],
        placement=placement,
        journey="Taxi",
        at_setting="Workshop",
        hazards="Tools",
        controls="Supervision",
        review_date=MONDAY + timedelta(days=60),
        approve=True,
    )
    assert not is_open("risk_assessment_missing", placement=placement)
    commit(
        induction_record,
        actor=dsl,
        placement=placement,
        date=placement.start_date,
        told_who_dsl_is=True,
        told_what_to_do_if_unsafe=True,
        provider_dsl_name="Dee Marsh",
    )
    assert not is_open("induction_missing", placement=placement)


def test_acknowledging_a_concern_resolves_its_flag(world):
    placement, commit, dsl = world["placement"], world["commit"], world["dsl"]
    concern = ConcernFactory(pupil=placement.pupil, urgency="urgent", raised_at=NOW - timedelta(hours=3))
    run_scope(NOW)
    assert is_open("concern_unacknowledged", key=f"concern_unacknowledged:{concern.pk}")
    commit(concern_acknowledge, actor=dsl, concern=concern)
    assert not is_open("concern_unacknowledged", key=f"concern_unacknowledged:{concern.pk}")


def test_a_visit_in_the_half_term_resolves_the_visit_flag(world):
    placement, commit = world["placement"], world["commit"]
    run_scope(NOW)
    overdue = Flag.objects.get(kind="visit_overdue", placement=placement, resolved_at__isnull=True)
    commit(
        visit_record,
        actor=world["coordinator"],
        placement=placement,
        date=date(2026, 10, 12),
        pupil_seen=True,
        visitor_name="A Visitor",
    )
    overdue.refresh_from_db()
    assert overdue.resolved_at is not None


def test_recording_the_safeguarding_file_as_sent_resolves_its_flag_at_once(world):
    from safeguarding.services import safeguarding_transfer_record

    pupil = world["placement"].pupil
    ConcernFactory(pupil=pupil, raised_at=NOW - timedelta(days=30))
    pupil.left_on, pupil.moved_to = MONDAY - timedelta(days=7), "Hillside Academy"
    pupil.save()
    run_scope(NOW)
    assert is_open("safeguarding_transfer_due", pupil=pupil)
    world["commit"](
        safeguarding_transfer_record,
        actor=world["dsl"],
        pupil=pupil,
        sent_on=MONDAY,
        sent_to="Hillside Academy, DSL Sam Lee",
        method="Secure email",
    )
    assert not is_open("safeguarding_transfer_due", pupil=pupil)


def test_a_closure_entered_late_clears_that_days_missing_register_and_removing_it_reopens_it(world):
    placement, commit, who = world["placement"], world["commit"], world["coordinator"]
    run_scope(NOW)
    assert is_open("attendance_missing", placement=placement, subject_date=MONDAY)
    inset = dict(date=MONDAY, school=placement.pupil.school, reason="INSET day")
    closure = commit(calendar_save, actor=who, model=Closure, fields=inset)
    assert not is_open("attendance_missing", placement=placement, subject_date=MONDAY)
    commit(closure_delete, actor=who, closure=closure)
    assert is_open("attendance_missing", placement=placement, subject_date=MONDAY)
