"""API tokens that expire and can be revoked (issue 10, item 5), on django-rest-knox.

Knox stores a hash of each token (never the token), gives it an expiry and one row per device.
Here: the portal's authentication class (records the last use), and revocation, which happens
on a password change, on deactivation, on "log out everywhere" and on a second-factor reset.

Every API request authenticates, so the check is kept cheap (issue 14): a token this process
has verified is answered from its memory, with no query, for as long as ``TOKENS`` (a data
version, ``secretariat.dataversion``) has not moved. Every delete of a token (revocation,
expiry, a password change or deactivation, which revoke) and every save of a user or profile
moves it, on any process; expiry is checked against the clock at each request. A token seen
for the first time costs one query (token, user and profile together).
"""

from __future__ import annotations

import binascii
from datetime import timedelta
from hmac import compare_digest
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from knox.signals import token_expired
from rest_framework import exceptions

from secretariat.dataversion import DataVersion
from secretariat.models import ApiToken, Profile
from secretariat.security_log import log_event

LAST_USE_RESOLUTION = timedelta(minutes=1)

# Moves on every change that can end or alter what a verified token stands for (receivers at
# the end of the module); one version for all accounts, as such changes are rare.
TOKENS = DataVersion("api-tokens")
# This process's verified tokens, by digest: plain field values, never the token itself, and
# never in the shared cache (the row holds the user's password hash). Bounded by count.
_verified: dict[str, _Verified] = {}
_VERIFIED_MAX = 2000


class _Verified(NamedTuple):
    version: str
    token: tuple
    user: tuple
    profile: tuple | None

    @classmethod
    def of(cls, version: str, token: ApiToken) -> _Verified:
        user = token.user
        profile = getattr(user, "profile", None)  # select_related: no query
        return cls(version, _values(token), _values(user),
                   None if profile is None else _values(profile))

    def rebuild(self) -> ApiToken:
        """Fresh instances (a request may change its copies), linked as select_related
        links them, so ``token.user.profile`` asks nothing of the database."""
        token = _instance(ApiToken, self.token)
        user = _instance(get_user_model(), self.user)
        profile = None if self.profile is None else _instance(Profile, self.profile)
        token._state.fields_cache["user"] = user
        user._state.fields_cache["profile"] = profile
        if profile is not None:
            profile._state.fields_cache["user"] = user
        return token


def _invalid() -> exceptions.AuthenticationFailed:
    # Built when raised: DRF's exception translates and wraps its message, a cost per request.
    return exceptions.AuthenticationFailed(_("Invalid token."))


def _values(obj) -> tuple:
    return tuple(getattr(obj, f.attname) for f in obj._meta.concrete_fields)


def _instance(model, values: tuple):
    return model.from_db(DEFAULT_DB_ALIAS, [f.attname for f in model._meta.concrete_fields],
                         values)


class PortalTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <token>``; refuses expired tokens (knox deletes them) and
    inactive users, and notes the time of use at most once a minute (a write per request
    would double the cost of a read)."""

    def authenticate_credentials(self, token: bytes):
        try:
            text = token.decode("utf-8")
            digest = hash_token(text)
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise _invalid() from None
        now = timezone.now()
        # The version is read before the database: a revocation that commits after this
        # read moves the version again (``DataVersion.bump``), so an entry made from a row
        # read before that commit is never used.
        version = TOKENS.current()
        known = _verified.get(digest)
        if known is not None and known.version == version:
            auth_token = known.rebuild()
            if auth_token.expiry is None or auth_token.expiry > now:
                return self._used(auth_token, now, digest)
        _verified.pop(digest, None)
        for auth_token in ApiToken.objects.filter(
                token_key=text[:CONSTANTS.TOKEN_KEY_LENGTH]).select_related("user__profile"):
            if not compare_digest(digest, auth_token.digest):
                continue
            if auth_token.expiry is not None and auth_token.expiry < now:
                username = auth_token.user.get_username()
                auth_token.delete()
                token_expired.send(sender=self.__class__, username=username,
                                   source="auth_token")
                raise _invalid()
            _user, auth_token = self.validate_user(auth_token)
            if version is not None:
                if len(_verified) >= _VERIFIED_MAX:
                    _verified.clear()
                _verified[digest] = _Verified.of(version, auth_token)
            return self._used(auth_token, now, digest)
        raise _invalid()

    def _used(self, auth_token, now, digest):
        """Note the use (at most once a minute); the same moment sweeps the person's expired
        tokens, which knox would otherwise look for on every request."""
        if auth_token.last_used_at is None or now - auth_token.last_used_at > LAST_USE_RESOLUTION:
            ApiToken.objects.filter(pk=auth_token.pk).update(last_used_at=now)
            auth_token.last_used_at = now
            known = _verified.get(digest)
            if known is not None:
                _verified[digest] = known._replace(token=_values(auth_token))
            expired = ApiToken.objects.filter(user_id=auth_token.user_id, expiry__lt=now)
            if expired.exists():
                expired.delete()
        return auth_token.user, auth_token


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


# --- What moves TOKENS ---------------------------------------------------------------------
# A deleted token (revoked, expired, the user gone), and any change to the person behind a
# token: the cached copy holds the user's and the profile's fields (role, affiliation,
# is_active). A login's ``last_login`` save is the one user save that changes neither.


@receiver(post_delete, sender=ApiToken, dispatch_uid="api-tokens-delete")
def _token_deleted(sender, **kwargs):
    TOKENS.bump()


@receiver(post_save, sender=get_user_model(), dispatch_uid="api-tokens-user-save")
def _user_saved(sender, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    TOKENS.bump()


@receiver(post_delete, sender=get_user_model(), dispatch_uid="api-tokens-user-delete")
@receiver(post_save, sender=Profile, dispatch_uid="api-tokens-profile-save")
@receiver(post_delete, sender=Profile, dispatch_uid="api-tokens-profile-delete")
def _person_changed(sender, **kwargs):
    TOKENS.bump()


__all__ = ["TOKENS", "PortalTokenAuthentication", "token_create", "token_revoke", "tokens_of",
           "tokens_revoke_all"]
