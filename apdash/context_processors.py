from django.urls import reverse

from .models import Role
from .selectors import user_roles, user_scope


def navigation(request):
    """Service navigation for the signed-in user's roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"service_navigation": []}
    roles = user_roles(user)
    items = [("Home", reverse("home"))]
    school_staff = roles & {
        Role.SCHOOL_COORDINATOR,
        Role.PARTNERSHIP_COORDINATOR,
        Role.DSL,
        Role.HEAD,
        Role.SUPERUSER,
    }
    if school_staff:
        items += [
            ("Today", reverse("placements:today")),
            ("Pupils", reverse("placements:pupil_list")),
            ("Providers", reverse("providers:provider_list")),
            ("Flags", reverse("placements:flag_list")),
            ("Attendance", reverse("placements:register_grid")),
            ("Visits", reverse("placements:visit_coverage")),
        ]
        if roles & {Role.SCHOOL_COORDINATOR, Role.PARTNERSHIP_COORDINATOR, Role.HEAD, Role.SUPERUSER}:
            items.append(("Inspection", reverse("inspection:readiness")))
            items.append(("Governors", reverse("placements:governor_report")))
    elif Role.PROVIDER_STAFF in roles:
        for provider_id in sorted(user_scope(user).provider_ids):
            items.append(("Register", reverse("placements:provider_register", args=[provider_id])))
    # Anyone with a role may raise a concern; the DSL's inbox is reached from the same page.
    if roles - {Role.SUPERUSER}:
        target = "safeguarding:inbox" if Role.DSL in roles else "safeguarding:index"
        items.append(("Safeguarding", reverse(target)))
    if Role.SUPERUSER in roles or user.is_staff:
        items.append(("Admin", reverse("admin:index")))
    path = request.path
    return {
        "service_navigation": [
            {"label": label, "url": url, "active": path == url or (url != "/" and path.startswith(url))}
            for label, url in items
        ]
    }
