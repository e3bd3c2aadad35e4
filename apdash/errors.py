"""Error pages in the service's own style (issue 17 §16): 400, 403, 404 and 500 are templates
Django renders with DEBUG off (the demo as production); 429, a sign-in locked by django-axes, says
when it unlocks and who can unlock it sooner."""

from __future__ import annotations

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format


def unlock_wording(request) -> dict:
    cool_off = get_cool_off(request)
    if not cool_off:
        return {"unlocks_at": None, "unlock_text": "when an administrator unlocks it"}
    unlocks_at = timezone.localtime(timezone.now() + cool_off)
    text = f"at {unlocks_at:%H:%M} on {date_format(unlocks_at.date(), 'j F Y')}"
    return {"unlocks_at": unlocks_at, "unlock_text": text}


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' lockout: a GOV.UK page for the sign-in form, JSON for the API token endpoint."""
    context = {**unlock_wording(request), "help_contact": settings.APDASH_HELP_CONTACT}
    if request.path.startswith("/api/"):
        detail = (
            "Too many failed sign-ins: this account is locked. You can try again "
            f"{context['unlock_text']}, or ask {context['help_contact']} to unlock it sooner."
        )
        return JsonResponse({"detail": detail, "locked": True}, status=429)
    return render(request, "429.html", context, status=429)
