"""Celery task: fetch DfE's establishment extract nightly where the deployment has internet."""

from __future__ import annotations

import logging
import urllib.request

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from .services import gias_import

logger = logging.getLogger(__name__)


def gias_url(day) -> str:
    """APDASH_GIAS_URL, with `{date}` standing for the day as YYYYMMDD (DfE names the file after it)."""
    return settings.APDASH_GIAS_URL.replace("{date}", f"{day:%Y%m%d}")


@shared_task(
    name="providers.fetch_gias",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=1800,
    max_retries=5,
)
def fetch_gias() -> str:
    """Download today's extract from APDASH_GIAS_URL and import it; without the setting, nothing
    (the import is by file). A file that is not an extract is logged and changes nothing."""
    if not settings.APDASH_GIAS_URL:
        return "APDASH_GIAS_URL is not set: import the extract by file."
    today = timezone.localdate()
    url = gias_url(today)
    with urllib.request.urlopen(url, timeout=300) as response:  # noqa: S310 - a configured https URL
        data = response.read()
    try:
        result = gias_import(data=data, file_name=url.rsplit("/", 1)[-1], extract_date=today)
    except ValidationError as exc:
        logger.error("GIAS fetch from %s refused: %s", url, " ".join(exc.messages))
        return "Refused: " + " ".join(exc.messages)
    return result.summary()
