"""The chronology is never rewritten: the database refuses UPDATE and DELETE on concern entries,
reusing the core's refusal function on PostgreSQL."""

from django.db import migrations

POSTGRES_UP = """
CREATE TRIGGER safeguarding_concernentry_append_only
    BEFORE UPDATE OR DELETE ON safeguarding_concernentry
    FOR EACH ROW EXECUTE FUNCTION apdash_refuse_change();
"""
POSTGRES_DOWN = "DROP TRIGGER IF EXISTS safeguarding_concernentry_append_only ON safeguarding_concernentry;"
SQLITE_UP = [
    """CREATE TRIGGER safeguarding_concernentry_no_update BEFORE UPDATE ON safeguarding_concernentry
       BEGIN SELECT RAISE(ABORT, 'apdash: UPDATE on safeguarding_concernentry is not allowed: this table is append-only'); END;""",
    """CREATE TRIGGER safeguarding_concernentry_no_delete BEFORE DELETE ON safeguarding_concernentry
       BEGIN SELECT RAISE(ABORT, 'apdash: DELETE on safeguarding_concernentry is not allowed: this table is append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS safeguarding_concernentry_no_update;",
    "DROP TRIGGER IF EXISTS safeguarding_concernentry_no_delete;",
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
    dependencies = [("safeguarding", "0001_initial"), ("apdash", "0003_auditevent_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
