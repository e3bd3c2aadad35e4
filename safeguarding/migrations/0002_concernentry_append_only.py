"""The chronology is never rewritten: the database refuses UPDATE and DELETE on concern entries."""

from django.db import migrations

from apdash.db import append_only


class Migration(migrations.Migration):
    dependencies = [("safeguarding", "0001_initial"), ("apdash", "0003_auditevent_append_only")]
    operations = [append_only("safeguarding_concernentry")]
