"""The one signal the core keeps: a change of roles revokes the user's API tokens, so a token
issued to a coordinator cannot read what the user's new role (DSL, head) guards behind a
one-time code (issue 13)."""

from django.db.models.signals import post_delete, post_save
from rest_framework.authtoken.models import Token

from .models import Membership


def revoke_tokens_on_role_change(sender, instance, **kwargs):
    Token.objects.filter(user_id=instance.user_id).delete()


def connect() -> None:
    post_save.connect(revoke_tokens_on_role_change, sender=Membership, dispatch_uid="apdash.revoke_tokens")
    post_delete.connect(
        revoke_tokens_on_role_change, sender=Membership, dispatch_uid="apdash.revoke_tokens_del"
    )
