"""Install the compliance checks' beat schedule (django-celery-beat rows)."""

from django.db import migrations


def install(apps, schema_editor):
    from apdash.checks import install_schedule

    install_schedule(
        apps.get_model("django_celery_beat", "PeriodicTask"),
        apps.get_model("django_celery_beat", "CrontabSchedule"),
        apps.get_model("django_celery_beat", "PeriodicTasks"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("apdash", "0003_auditevent_append_only"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
