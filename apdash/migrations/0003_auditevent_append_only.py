"""The audit trail is append-only: the database itself refuses UPDATE and DELETE."""

from django.db import migrations

from apdash.db import append_only


class Migration(migrations.Migration):
    dependencies = [("apdash", "0002_initial")]
    operations = [append_only("apdash_auditevent")]
