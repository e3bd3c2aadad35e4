import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apdash.models import Role
from placements.compliance.services import FlagCondition, flag_resolve, flags_sync, flags_sync_kinds
from placements.compliance.tasks import email_red_flag_digest
from placements.models import Flag
from tests.factories import FlagFactory, PupilFactory, SchoolFactory, UserFactory, member
from tests.services import need


def conditions(*keys):
    return [FlagCondition(key=key, severity="amber", message=f"Visit due ({key})") for key in keys]


@pytest.mark.django_db
def test_sync_opens_one_flag_per_condition_and_resolves_those_that_cleared():
    result = flags_sync(Flag.Kind.VISIT_DUE, conditions("a", "b"))
    assert (result.opened, result.resolved, result.still_open) == (2, 0, 2)
    result = flags_sync(Flag.Kind.VISIT_DUE, conditions("b"))
    assert (result.opened, result.resolved, result.still_open) == (0, 1, 1)
    cleared = Flag.objects.get(key="a")
    assert cleared.resolved_at is not None and cleared.resolved_by is None
    assert "automatically" in cleared.resolution


@pytest.mark.django_db
def test_a_condition_that_returns_after_clearing_by_itself_opens_a_new_flag():
    flags_sync(Flag.Kind.VISIT_DUE, conditions("a"))
    flags_sync(Flag.Kind.VISIT_DUE, [])
    flags_sync(Flag.Kind.VISIT_DUE, conditions("a"))
    assert Flag.objects.filter(key="a").count() == 2
    assert Flag.objects.filter(key="a", resolved_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_resolving_needs_a_reason_and_changes_nothing_without_one():
    flag = FlagFactory()
    with pytest.raises(ValidationError, match="Say why"):
        flag_resolve(actor=UserFactory(), flag=flag, resolution="   ")
    flag.refresh_from_db()
    assert flag.is_open


@pytest.mark.django_db
def test_a_flag_a_person_resolved_stays_resolved_for_its_key():
    flags_sync(Flag.Kind.VISIT_DUE, conditions("a"))
    person = UserFactory()
    flag_resolve(actor=person, flag=Flag.objects.get(key="a"), resolution="Visited; record to follow.")
    result = flags_sync(Flag.Kind.VISIT_DUE, conditions("a"))
    assert result.still_open == 0
    assert Flag.objects.get(key="a").resolved_by == person


@pytest.mark.django_db
def test_an_open_flag_takes_the_new_wording_when_its_condition_is_worded_differently():
    flags_sync(Flag.Kind.VISIT_DUE, conditions("a"))
    flags_sync(Flag.Kind.VISIT_DUE, [FlagCondition(key="a", severity="red", message="Visit overdue")])
    flag = Flag.objects.get(key="a")
    assert (flag.message, flag.severity, flag.is_open) == ("Visit overdue", "red", True)


@pytest.mark.django_db
def test_a_check_syncs_its_kinds_together_and_a_rerun_over_the_same_facts_only_reads():
    found = {
        Flag.Kind.VISIT_DUE: conditions("a", "b"),
        Flag.Kind.VISIT_OVERDUE: [FlagCondition(key="c", message="Visit overdue (c)")],
    }
    first = flags_sync_kinds(found)
    assert [(r.kind, r.opened, r.still_open) for r in first] == [
        (Flag.Kind.VISIT_DUE, 2, 2),
        (Flag.Kind.VISIT_OVERDUE, 1, 1),
    ]
    with CaptureQueriesContext(connection) as queries:
        again = flags_sync_kinds(found)
    writes = [
        q["sql"]
        for q in queries
        if not q["sql"].startswith(("SELECT", "BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))
    ]
    assert writes == []
    assert [q["sql"] for q in queries if q["sql"].startswith("SELECT")] and len(queries) <= 3
    assert [(r.opened, r.resolved, r.still_open) for r in again] == [(0, 0, 2), (0, 0, 1)]
    found[Flag.Kind.VISIT_OVERDUE] = []
    last = flags_sync_kinds(found)
    assert [(r.resolved, r.still_open) for r in last] == [(0, 2), (1, 0)]


@pytest.mark.django_db(transaction=True)
def test_two_runs_racing_leave_one_open_flag_per_key(monkeypatch):
    need(connection.vendor == "postgresql", "PostgreSQL (the race needs two real connections)")
    # Both runs read "no open flags" before either inserts: hold each at the insert until both
    # are there, so the partial unique index has to settle it.
    barrier = threading.Barrier(2, timeout=20)
    original = QuerySet.bulk_create

    def bulk_create_after_both_have_read(self, objs, *args, **kwargs):
        if self.model is Flag:
            barrier.wait()
        return original(self, objs, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "bulk_create", bulk_create_after_both_have_read)
    keys = [f"visit_due:placement={n}:half_term=1" for n in range(20)]
    errors = []

    def run():
        try:
            flags_sync(Flag.Kind.VISIT_DUE, conditions(*keys))
        except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Flag.objects.filter(resolved_at__isnull=True).count() == len(keys)
    assert sorted(Flag.objects.values_list("key", flat=True)) == sorted(keys)


@pytest.mark.django_db
def test_the_morning_digest_emails_each_coordinator_their_new_red_flags_only(mailoutbox):
    school, other = SchoolFactory(), SchoolFactory()
    coordinator = member(Role.SCHOOL_COORDINATOR, school=school)
    member(Role.SCHOOL_COORDINATOR, school=other)
    member(Role.HEAD, school=school)
    pupil = PupilFactory(school=school)
    FlagFactory(severity="red", school=school, pupil=pupil, message="Absent, not followed up")
    FlagFactory(severity="amber", school=school, pupil=pupil, message="Register missing")
    old = FlagFactory(severity="red", school=school, pupil=pupil, message="Old news")
    Flag.objects.filter(pk=old.pk).update(opened_at=timezone.now() - timedelta(days=5))
    assert email_red_flag_digest.delay().get() == 1
    (email,) = mailoutbox
    assert email.to == [coordinator.email]
    assert "Absent, not followed up" in email.body
    assert "Register missing" not in email.body and "Old news" not in email.body
