"""API authentication (kept apart from `apdash.api`, which DRF's views import at start-up)."""

from rest_framework import authentication, exceptions

from .accounts import needs_two_factor
from .models import TokenSecondFactor


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, except that a DSL's or head's token counts only if it was
    issued with a valid one-time code (a token from before a role change is revoked anyway)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if needs_two_factor(user) and not TokenSecondFactor.objects.filter(token=token).exists():
            raise exceptions.AuthenticationFailed(
                "Your role needs a one-time code: ask for a new token with your email, password and the "
                "current code from your authenticator app."
            )
        return user, token
