"""The audit trail is append-only: the database itself refuses UPDATE and DELETE."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION apdash_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'apdash: % on % is not allowed: this table is append-only', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER apdash_auditevent_append_only
    BEFORE UPDATE OR DELETE ON apdash_auditevent
    FOR EACH ROW EXECUTE FUNCTION apdash_refuse_change();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS apdash_auditevent_append_only ON apdash_auditevent;
"""
SQLITE_UP = [
    """CREATE TRIGGER apdash_auditevent_no_update BEFORE UPDATE ON apdash_auditevent
       BEGIN SELECT RAISE(ABORT, 'apdash: UPDATE on apdash_auditevent is not allowed: this table is append-only'); END;""",
    """CREATE TRIGGER apdash_auditevent_no_delete BEFORE DELETE ON apdash_auditevent
       BEGIN SELECT RAISE(ABORT, 'apdash: DELETE on apdash_auditevent is not allowed: this table is append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS apdash_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS apdash_auditevent_no_delete;",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)
    else:
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    else:
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("apdash", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
