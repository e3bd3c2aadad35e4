from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from .models import Role
from .selectors import user_roles, user_scope, visible_pupils, visible_schools

# The first role a user holds in this order decides their home page.
HOME_ORDER = (
    Role.SUPERUSER,
    Role.PARTNERSHIP_COORDINATOR,
    Role.SCHOOL_COORDINATOR,
    Role.DSL,
    Role.HEAD,
    Role.PROVIDER_STAFF,
)


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
        "today": today,
        "schools": visible_schools(request.user),
    }
    if role == Role.PROVIDER_STAFF:
        providers = user_scope(request.user).provider_ids
        context["pupils"] = visible_pupils(request.user, today=today).order_by("last_name")
        context["provider_count"] = len(providers)
    else:
        context["pupil_count"] = visible_pupils(request.user, today=today).count()
    return render(request, "apdash/home.html", context)
