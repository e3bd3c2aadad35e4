from django.core.management.base import BaseCommand
from django_celery_beat.models import CrontabSchedule, PeriodicTask, PeriodicTasks

from apdash.checks import install_schedule


class Command(BaseCommand):
    help = (
        "Create or update the beat schedule for the compliance checks (safe to run again), "
        "for example after changing the register cut-off times."
    )

    def handle(self, *args, **options):
        count = install_schedule(PeriodicTask, CrontabSchedule, PeriodicTasks)
        self.stdout.write(f"Beat schedule installed: {count} periodic tasks.")
