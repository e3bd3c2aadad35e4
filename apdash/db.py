"""Database-level guards shared by the apps' migrations, and the one spelling of a dated period's
condition that every app's queries share."""

from datetime import date

from django.db import migrations
from django.db.models import Q

REFUSE_CHANGE_FUNCTION = """
CREATE OR REPLACE FUNCTION apdash_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'apdash: % on % is not allowed: this table is append-only', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def append_only(table: str) -> migrations.RunPython:
    """A migration operation making `table` append-only: the database itself refuses UPDATE and
    DELETE, on PostgreSQL (a trigger function) and SQLite (RAISE(ABORT)) alike."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(REFUSE_CHANGE_FUNCTION, params=None)
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION apdash_refuse_change();",
                params=None,
            )
            return
        for operation in ("UPDATE", "DELETE"):
            message = f"apdash: {operation} on {table} is not allowed: this table is append-only"
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} BEGIN "
                f"SELECT RAISE(ABORT, '{message}'); END;"
            )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
            return
        for operation in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation};")

    return migrations.RunPython(forwards, backwards)


def active_between_q(first: date, last: date, *, through: str = "") -> Q:
    """Rows with `start_date` and an open-ended `end_date` (placements, reached through `through`,
    e.g. "placements__") active on at least one day of [first, last]: started by `last` and not
    ended before `first`. The database twin of `placements.core.rules.is_active_on`; the one place
    this condition is spelled out (providers count placements too, and cannot import placements)."""
    return Q(**{f"{through}start_date__lte": last}) & (
        Q(**{f"{through}end_date__isnull": True}) | Q(**{f"{through}end_date__gte": first})
    )
