"""Who may open what, decided before any view runs.

1. A DSL or head gives their one-time code at sign-in: until then the only pages they can open are
   the second-factor step and sign-out (issue 13 §11).
2. Provider staff keep their provider's register and nothing else: pages and API routes not
   registered here with `allow_provider_staff` are refused (issue 13 §12). A user who also holds a
   school role is not limited by this.

The apps to the left register the views provider staff need from their AppConfig.ready()."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from rest_framework import permissions

from .accounts import confirmed_device, needs_two_factor
from .models import Role
from .selectors import user_roles

# Open to a signed-in DSL or head before their one-time code.
OPEN_BEFORE_SECOND_FACTOR = frozenset({"login", "logout", "otp_setup", "otp_verify", "api-token"})

# Views (by URL name) provider staff may open; the core's own, plus those the apps register.
PROVIDER_STAFF_VIEWS: set[str] = {
    "home",
    "login",
    "logout",
    "otp_setup",
    "otp_verify",
    "api-token",
    "api-schema",
    "api-docs",
}


def allow_provider_staff(*url_names: str) -> None:
    PROVIDER_STAFF_VIEWS.update(url_names)


def provider_staff_only(user) -> bool:
    return user_roles(user) == {Role.PROVIDER_STAFF}


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def second_factor_url(user, next_url: str) -> str:
    target = "otp_verify" if confirmed_device(user) else "otp_setup"
    return f"{reverse(target)}?{urlencode({'next': next_url})}"


PROVIDER_STAFF_API_MESSAGE = (
    "Provider staff use the register: GET /api/v1/register/ for today's pupils and sessions, "
    "POST /api/v1/register/ to send marks."
)


class AccessMiddleware:
    """After authentication and django-otp's middleware, so `request.user.is_verified` is known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        if needs_two_factor(user) and not user.is_verified() and name not in OPEN_BEFORE_SECOND_FACTOR:
            if _is_api(request):
                return JsonResponse(
                    {"detail": "Give your one-time code first: sign in again with it."}, status=403
                )
            return redirect(second_factor_url(user, request.get_full_path()))
        if name not in PROVIDER_STAFF_VIEWS and provider_staff_only(user):
            if _is_api(request):
                return JsonResponse({"detail": PROVIDER_STAFF_API_MESSAGE}, status=403)
            raise Http404("Provider staff keep the register only")
        return None


class RegisterOnlyForProviderStaff(permissions.BasePermission):
    """The same limit for API calls with a token, which the middleware cannot see: provider staff
    reach only the views that say `provider_staff_allowed = True`."""

    message = PROVIDER_STAFF_API_MESSAGE

    def has_permission(self, request, view):
        if getattr(view, "provider_staff_allowed", False):
            return True
        return not provider_staff_only(request.user)
