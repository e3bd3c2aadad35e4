"""Add the re-sending of evidence packs left waiting to the beat schedule: the same idempotent
install as 0004, run again now that the schedule has one more row."""

from importlib import import_module

from django.db import migrations

install = import_module("apdash.migrations.0004_install_beat_schedule").install


class Migration(migrations.Migration):
    dependencies = [("apdash", "0005_schedule_register_links")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
