"""Celery task: the providers' morning register links."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from placements.attendance import selectors, services


@shared_task(
    name="placements.email_register_links",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
)
def email_register_links(day: str | None = None) -> int:
    """Each school morning, email every provider with pupils timetabled that day a link to that
    day's register (G §4h: attendance received each day). Re-running the same morning re-sends
    the same link rather than making another. Returns how many providers were emailed."""
    from datetime import date as _date

    day = _date.fromisoformat(day) if day else timezone.localdate()
    base = settings.APDASH_SITE_URL.rstrip("/")
    sent = 0
    for provider, pupils in selectors.providers_with_register(day=day):
        if not provider.contact_email:
            continue
        link, token = services.register_link_for_morning(provider=provider, date=day)
        url = base + reverse("placements:register_by_link", args=[token])
        send_mail(
            subject=f"Register for {day:%A %-d %B %Y}: {provider.name}",
            message=(
                f"Good morning,\n\nPlease record today's attendance for the {pupils} "
                f"pupil{'s' if pupils != 1 else ''} timetabled with you:\n\n{url}\n\n"
                "The link works for today's register only, until the end of tomorrow. "
                "If a pupil is absent, please say why: the school will follow it up this morning.\n"
            ),
            from_email=None,
            recipient_list=[provider.contact_email],
        )
        sent += 1
    return sent
