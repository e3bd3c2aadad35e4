"""Celery tasks for placements: thin wrappers over services and selectors."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from . import selectors, services


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
