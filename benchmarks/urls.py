"""The benchmark's URLconf: the service's own, plus the framework floor — a trivial
authenticated page through the same middleware, session, login and base layout."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from apdash.access import allow_provider_staff
from apdash.urls import urlpatterns as service_urlpatterns


@login_required
def floor(request):
    return render(request, "base.html", {})


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *service_urlpatterns]
# Every signed-in user's floor, provider staff's too (else theirs would time the refusal page).
allow_provider_staff("bench_floor")
