import sys

from django.core.management.base import BaseCommand

from apdash.models import AuditEvent
from apdash.services import audit_chain_first_break, audit_chain_shortfall


class Command(BaseCommand):
    help = "Recompute the audit trail's hash chain and report the first broken link."

    def handle(self, *args, **options):
        broken = audit_chain_first_break()
        shortfall = audit_chain_shortfall()
        if broken is None and shortfall:
            self.stderr.write(f"Audit chain shorter than anchored: {shortfall}. Events have been removed.")
            sys.exit(1)
        if broken is None:
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {AuditEvent.objects.count()} events."))
            return
        self.stderr.write(
            f"Audit chain broken at event #{broken.pk} ({broken.action} {broken.object_type} "
            f"{broken.object_id}, {broken.created_at:%d %B %Y %H:%M}): its content or link does not match."
        )
        sys.exit(1)
