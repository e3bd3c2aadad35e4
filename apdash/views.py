from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from .models import Role
from .selectors import user_roles

# The first role a user holds in this order decides their home page.
HOME_ORDER = (
    Role.SUPERUSER,
    Role.PARTNERSHIP_COORDINATOR,
    Role.SCHOOL_COORDINATOR,
    Role.DSL,
    Role.HEAD,
    Role.PROVIDER_STAFF,
)

# Apps to the left add their parts of a home page (the today board, flags, visits due) without
# the core importing them: each registers in its AppConfig.ready(). A section is called as
# section(user, role, today) and returns a list of dicts, each with the "template" that renders it.
HOME_SECTIONS: list[Callable] = []


def register_home_section(section: Callable, *, first: bool = False) -> None:
    """`first`: the section leads the page (the DSL's concerns come before everything else)."""
    if section not in HOME_SECTIONS:
        HOME_SECTIONS.insert(0, section) if first else HOME_SECTIONS.append(section)


HEADINGS = {
    Role.PROVIDER_STAFF: "Today's attendance",
    Role.HEAD: "Alternative provision at a glance",
    Role.DSL: "Safeguarding",
    Role.PARTNERSHIP_COORDINATOR: "Partnership overview",
    Role.SUPERUSER: "Partnership overview",
}


def primary_role(user):
    roles = user_roles(user)
    return next((role for role in HOME_ORDER if role in roles), None)


@login_required
def home(request):
    role = primary_role(request.user)
    today = timezone.localdate()
    context = {
        "role": role,
        "role_label": Role(role).label if role else "No role yet",
        "heading": HEADINGS.get(role, "Today") if role else "Welcome",
        "today": today,
        "sections": [s for section in HOME_SECTIONS for s in section(request.user, role, today)]
        if role
        else [],
    }
    return render(request, "apdash/home.html", context)
