import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from apdash.models import AuditEvent
from apdash.services import audit_chain_first_break, audit_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _three_events():
    actor = UserFactory()
    return [
        audit_record(actor=actor, action="concern.read", object_type="Concern", object_id=i) for i in range(3)
    ]


def test_each_event_links_to_the_previous_ones_hash():
    first, second, third = _three_events()
    assert first.prev_hash == ""
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert audit_chain_first_break() is None


def test_the_database_refuses_to_update_or_delete_an_audit_event():
    event = _three_events()[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_verify_audit_finds_a_row_altered_in_sql(capsys):
    events = _three_events()
    trigger_off = {
        # A superuser bypassing triggers, as someone tampering directly in SQL would.
        "postgresql": ("SET session_replication_role = replica", "SET session_replication_role = DEFAULT"),
        "sqlite": ("DROP TRIGGER apdash_auditevent_no_update", None),
    }[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(trigger_off[0])
        cursor.execute("UPDATE apdash_auditevent SET action = 'tampered' WHERE id = %s", [events[1].pk])
        if trigger_off[1]:
            cursor.execute(trigger_off[1])
    assert audit_chain_first_break().pk == events[1].pk
    with pytest.raises(SystemExit):
        call_command("verify_audit")
    assert f"#{events[1].pk}" in capsys.readouterr().err


def test_verify_audit_reports_a_chain_whose_tail_was_cut_off(capsys):
    events = _three_events()
    with connection.cursor() as cursor:
        # Someone with the database's keys removes the newest events; what is left still chains.
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER apdash_auditevent_no_delete")
        cursor.execute("DELETE FROM apdash_auditevent WHERE id >= %s", [events[1].pk])
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")
    assert audit_chain_first_break() is None
    with pytest.raises(SystemExit):
        call_command("verify_audit")
    err = capsys.readouterr().err
    assert "shorter than anchored" in err and "1 events but was anchored at 3" in err


def test_verify_audit_passes_an_intact_anchored_chain(capsys):
    _three_events()
    call_command("verify_audit")
    assert "intact: 3 events" in capsys.readouterr().out
