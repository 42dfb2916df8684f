"""API tokens that expire and can be revoked (issue 10, item 5), on django-rest-knox.

Knox stores a hash of each token (never the token), gives it an expiry and one row per device.
Here: the portal's authentication class (records the last use), and revocation, which happens
on a password change, on deactivation, on "log out everywhere" and on a second-factor reset.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from knox.auth import TokenAuthentication

from secretariat.models import ApiToken
from secretariat.security_log import log_event

LAST_USE_RESOLUTION = timedelta(minutes=1)


class PortalTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <token>``; refuses expired tokens (knox deletes them) and
    inactive users, and notes the time of use at most once a minute (a write per request
    would double the cost of a read)."""

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USE_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return user, token


def token_create(*, user, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the token text (shown once)."""
    return ApiToken.objects.create(user=user, name=name[:100])


def tokens_of(user):
    return ApiToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")


def token_revoke(*, actor, digest: str, request=None) -> bool:
    """Revoke one of ``actor``'s own tokens; False when there is no such token."""
    deleted, _ = ApiToken.objects.filter(user=actor, digest=digest).delete()
    if deleted:
        log_event("api_token_revoked", request)
    return bool(deleted)


def tokens_revoke_all(*, user, reason: str, request=None) -> int:
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    if deleted:
        log_event("api_tokens_revoked", request, username=user.get_username(), reason=reason,
                  count=deleted)
    return deleted


@receiver(pre_save, sender=get_user_model())
def _revoke_on_password_change_or_deactivation(sender, instance, update_fields=None, **kwargs):
    """A new password or a deactivated account ends every API token of the person.

    Saves that name their fields and leave out both (``last_login`` at each login) cost
    nothing; any other save of an existing user compares with the stored row.
    """
    if instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    stored = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    if stored["password"] != instance.password:
        tokens_revoke_all(user=instance, reason="password_changed")
    elif stored["is_active"] and not instance.is_active:
        tokens_revoke_all(user=instance, reason="deactivated")


__all__ = ["PortalTokenAuthentication", "token_create", "token_revoke", "tokens_of",
           "tokens_revoke_all"]
