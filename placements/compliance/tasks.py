"""Celery task: the co-ordinators' morning digest of new red flags."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from placements.compliance import selectors


@shared_task(name="placements.email_red_flag_digest", acks_late=True)
def email_red_flag_digest(at: str | None = None) -> int:
    """Each school morning, email every school and partnership co-ordinator the red flags opened
    since the previous morning (Friday's, on a Monday) that are still open and theirs to see.
    Not retried automatically: a retry after a partial send would email some people twice.
    Returns how many people were emailed."""
    from datetime import datetime, timedelta

    now = timezone.localtime(timezone.make_aware(datetime.fromisoformat(at)) if at else timezone.now())
    since = now - timedelta(days=3 if now.weekday() == 0 else 1)
    base = settings.APDASH_SITE_URL.rstrip("/")
    url = base + reverse("placements:flag_list") + "?severity=red"
    sent = 0
    for user, flags in selectors.red_flag_digests(since=since, until=now):
        lines = "\n".join(f"- {flag.get_kind_display()}: {flag.message}" for flag in flags)
        send_mail(
            subject=f"{len(flags)} new red flag{'s' if len(flags) != 1 else ''} on apdash",
            message=(
                f"Good morning,\n\nThese red flags opened since {since.day} {since:%B} at {since:%H:%M}"
                f" and are still open:\n\n{lines}\n\nSee them all and resolve them here: {url}\n"
            ),
            from_email=None,
            recipient_list=[user.email],
        )
        sent += 1
    return sent
