from django.urls import reverse

from .accounts import needs_two_factor
from .models import Role
from .navigation import navigation_items
from .selectors import user_roles


def navigation(request):
    """Service navigation for the signed-in user's roles: home, what the apps register, admin."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"service_navigation": []}
    if needs_two_factor(user) and not user.is_verified():
        # Before the one-time code every page is the code step: no links that lead back to it.
        return {"service_navigation": []}
    roles = user_roles(user)
    items = [("Home", reverse("home")), *navigation_items(user, roles)]
    if Role.SUPERUSER in roles or user.is_staff:
        items.append(("Admin", reverse("admin:index")))
    path = request.path
    return {
        "service_navigation": [
            {"label": label, "url": url, "active": path == url or (url != "/" and path.startswith(url))}
            for label, url in items
        ]
    }
