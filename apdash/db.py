"""Database-level guards shared by the apps' migrations."""

from django.db import migrations

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


REFUSE_TRUNCATE_FUNCTION = """
CREATE OR REPLACE FUNCTION apdash_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('apdash.allow_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'apdash: TRUNCATE on % is not allowed: this table is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def refuse_truncate(table: str) -> migrations.RunPython:
    """A migration operation refusing TRUNCATE on `table` (PostgreSQL; SQLite has no TRUNCATE).
    Only a session that says `SET apdash.allow_truncate = on` may (the test runner's flush, the
    benchmark's reset: `permit_truncate`)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(REFUSE_TRUNCATE_FUNCTION, params=None)
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION apdash_refuse_truncate();",
            params=None,
        )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")

    return migrations.RunPython(forwards, backwards)


def permit_truncate(connection) -> None:
    """Let this database session empty the append-only tables (a deliberate reset, never the app)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET apdash.allow_truncate = 'on'")


def immutable_columns(table: str, columns: list[str]) -> migrations.RunPython:
    """A migration operation refusing an UPDATE that changes any of `columns` of `table`, on
    PostgreSQL and SQLite alike (other columns of the row may still change)."""
    name = f"{table}_immutable"
    message = f"apdash: the columns {', '.join(columns)} of {table} cannot be changed once written"

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
            schema_editor.execute(
                f"""
                CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
                BEGIN
                    IF {changed} THEN
                        RAISE EXCEPTION '{message}';
                    END IF;
                    RETURN NEW;
                END;
                $$ LANGUAGE plpgsql;
                """,
                params=None,
            )
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {name}();",
                params=None,
            )
            return
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
        schema_editor.execute(
            f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} WHEN {changed} BEGIN "
            f"SELECT RAISE(ABORT, '{message}'); END;"
        )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}();")
            return
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")

    return migrations.RunPython(forwards, backwards)
