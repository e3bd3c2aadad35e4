"""Two-factor sign-in (TOTP, django-otp) for the roles that read safeguarding records.

A DSL or head signs in with a password as usual; before any page opens (apdash.access) they set up
an authenticator app once (QR code) and then give a one-time code each session. API tokens for
those roles are issued only with a valid code (`otp_code_valid`)."""

from __future__ import annotations

import base64
import math
from functools import wraps
from io import BytesIO

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Role
from .selectors import user_roles

TWO_FACTOR_ROLES = frozenset({Role.DSL, Role.HEAD})
DEVICE_NAME = "Authenticator app"


def axes_username(request, credentials) -> str | None:
    """The sign-in name django-axes counts failures against: the login form posts `username`,
    the API token request `email`."""
    source = credentials if credentials is not None else request.POST
    value = source.get("username") or source.get("email")
    return value.strip().lower() if value else None


def needs_two_factor(user) -> bool:
    return bool(user_roles(user) & TWO_FACTOR_ROLES)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def otp_code_valid(user, code) -> bool:
    """Whether `code` is a current one-time code from one of the user's confirmed devices."""
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit():
        return False
    return any(device.verify_token(code) for device in TOTPDevice.objects.filter(user=user, confirmed=True))


def _next_url(request, default="home"):
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def two_factor_required(view):
    """Send a signed-in DSL or head to set up or give their one-time code before the view runs."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        user = request.user
        if needs_two_factor(user) and not user.is_verified():
            target = "otp_verify" if confirmed_device(user) else "otp_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapped


class OTPCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, devices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.devices = list(devices)
        self.device = None

    def clean_code(self):
        code = self.cleaned_data["code"].strip().replace(" ", "")
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the code as 6 digits, like 123456")
        wait = seconds_to_wait(self.devices)
        if wait:
            # django-otp refuses any code for a moment after a wrong one (1 s, then 2, 4, …): say so,
            # rather than call the right code wrong.
            raise forms.ValidationError(
                f"The last code was not right. Wait {wait} second{'s' if wait != 1 else ''}, "
                "then enter the code showing in your app"
            )
        self.device = next((d for d in self.devices if d.verify_token(code)), None)
        if self.device is None:
            raise forms.ValidationError("That code is not right or has expired. Enter the code showing now")
        return code


def seconds_to_wait(devices) -> int:
    """How long until a code can be checked again after wrong ones (0: now)."""
    waits = []
    for device in devices:
        allowed, details = device.verify_is_allowed()
        if allowed:
            return 0
        until = (details or {}).get("locked_until")
        if until is not None:
            waits.append(max(1, math.ceil((until - timezone.now()).total_seconds())))
    return min(waits, default=0)


def _second_factor_given(request, device) -> None:
    """A new session key at the second factor, as at the password (no fixation across steps)."""
    request.session.cycle_key()
    otp_login(request, device)


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


@login_required
def otp_setup(request):
    user = request.user
    if confirmed_device(user):
        return redirect(f"{reverse('otp_verify')}?{urlencode({'next': _next_url(request)})}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    form = OTPCodeForm(request.POST or None, devices=[device])
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        _second_factor_given(request, device)
        return redirect(_next_url(request))
    context = {
        "form": form,
        # Safe to mark: the SVG is generated here from our own otpauth URL.
        "qr_svg": mark_safe(_qr_svg(device.config_url)),
        "secret": base64.b32encode(device.bin_key).decode(),
        "next": _next_url(request),
    }
    return render(request, "registration/otp_setup.html", context)


@login_required
def otp_verify(request):
    user = request.user
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    if not devices:
        return redirect(f"{reverse('otp_setup')}?{urlencode({'next': _next_url(request)})}")
    form = OTPCodeForm(request.POST or None, devices=devices)
    if request.method == "POST" and form.is_valid():
        _second_factor_given(request, form.device)
        return redirect(_next_url(request))
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)})
