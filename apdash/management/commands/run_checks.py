from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apdash.checks import registered_checks


class Command(BaseCommand):
    help = "Run every compliance check now, synchronously, and print opened / resolved / still-open counts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--at", help="Run as if it were this local time, YYYY-MM-DDTHH:MM (Europe/London)"
        )
        parser.add_argument("--today", help="Run as if it were this date, YYYY-MM-DD (at 18:00)")
        parser.add_argument("--check", action="append", help="Run only this check (repeatable)")

    def handle(self, *args, at=None, today=None, check=None, **options):
        try:
            if at:
                now = timezone.make_aware(datetime.fromisoformat(at))
            elif today:
                now = timezone.make_aware(datetime.fromisoformat(today).replace(hour=18))
            else:
                now = timezone.localtime()
        except ValueError as exc:
            raise CommandError(f"Give the time as YYYY-MM-DDTHH:MM (or --today YYYY-MM-DD): {exc}") from exc
        checks = [c for c in registered_checks() if not check or c.name in check]
        self.stdout.write(f"Running {len(checks)} checks as at {now:%d %B %Y %H:%M}")
        self.stdout.write(f"{'kind':<26} {'opened':>7} {'resolved':>9} {'open':>6}")
        for registered in checks:
            for result in registered.run(now):
                self.stdout.write(
                    f"{result.kind:<26} {result.opened:>7} {result.resolved:>9} {result.still_open:>6}"
                )
