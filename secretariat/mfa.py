"""Second factor: TOTP with single-use recovery codes, on django-otp (issue 10, item 6).

django-otp keeps the devices and checks the codes: a TOTP code is accepted once (a device
remembers the last time step it accepted, ``last_t``), a recovery code is deleted when used,
and both throttle repeated failures. Here: who is asked for what, and when.

- ``must_use_second_factor`` (secretariat.access) says who must enrol. Such a person, logged in
  with a password only, is sent to enrolment and can reach nothing else.
- Anyone with a confirmed device is asked for a code after the password, whether required
  or not.
- A verified session carries django-otp's session key. The key is trusted without a query per
  request because every event that must end it — a reset of the second factor, "log out
  everywhere", a password change — ends the person's sessions outright.
- With ``DEBUG`` on (the demo of ``make run``) enrolment is not forced, and every page says
  so; a person who has enrolled is still asked for the code.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from secretariat.access import must_use_second_factor
from secretariat.security_log import log_event
from secretariat.sessions import end_session

RECOVERY_CODES = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
# Reachable before the second factor: the two steps themselves, logging out, and what a page
# needs to render (static files) or what monitors poll.
OPEN_PATHS = ("/accounts/two-factor/setup/", "/accounts/two-factor/verify/", "/accounts/logout/",
              "/static/", "/healthz")


def enforcement_skipped() -> bool:
    """True only in the demo (DEBUG on): enrolment is offered, not forced."""
    return settings.DEBUG and settings.MFA_SKIP_ENROLMENT_IN_DEBUG


def is_verified(request) -> bool:
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user) -> bool:
    """Asked on every request of a session not past the code step (most delegates never
    enrol): kept under the accounts' data version, which every device save or delete moves,
    so an enrolment or a reset on any process is seen at the next request (issue 14)."""
    from secretariat.auth import ACCOUNTS

    return ACCOUNTS.cached(("has-second-factor", user.pk),
                           lambda: any(True for _ in devices_for_user(user, confirmed=True)))


# --- Services ----------------------------------------------------------------------------------


def enrolment_start(*, user) -> TOTPDevice:
    """The unconfirmed TOTP device of ``user`` (created once, reused on reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def recovery_codes_issue(*, user) -> list[str]:
    """Replace the user's recovery codes with ``RECOVERY_CODES`` new ones; returns them (the
    only time they are shown)."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def enrolment_confirm(*, request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm ``device`` with a first code from the app. On success the session is verified
    and the new recovery codes are returned; None when the code is wrong."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user)
        if not device.verify_token(code):
            log_event("mfa_enrol_failed", request, level=logging.WARNING)
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One authenticator at a time: a second enrolment replaces the first.
        TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
    codes = recovery_codes_issue(user=request.user)
    otp_login(request, device)
    log_event("mfa_enrolled", request)
    return codes


def verify(*, request, code: str) -> bool:
    """Check a TOTP or recovery code for the logged-in user; mark the session verified."""
    code = "".join(code.split())
    for device in devices_for_user(request.user, confirmed=True):
        with transaction.atomic():
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            if locked.verify_token(code):
                otp_login(request, locked)
                log_event("mfa_verified", request, method=type(locked).__name__)
                return True
    log_event("mfa_failed", request, level=logging.WARNING)
    return False


def sessions_end_all(*, user) -> int:
    """End every session of ``user``. Sessions are not indexed by user, so the live ones are
    read; they expire after 30 idle minutes, so there are few."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            end_session(session.session_key)  # the row and its cached copy
            ended += 1
    return ended


def second_factor_reset(*, actor, user, request=None) -> None:
    """A lost device: the secretariat removes the person's second factor. Their sessions and
    API tokens end; at the next login they enrol again (if required) or log in without."""
    from secretariat.tokens import tokens_revoke_all

    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        tokens_revoke_all(user=user, reason="mfa_reset")
    sessions_end_all(user=user)
    log_event("mfa_reset", request, username=actor.get_username(),
              level=logging.WARNING, target=user.get_username())


# --- Enforcement -------------------------------------------------------------------------------


class SecondFactorMiddleware:
    """After the password: send a person who must enrol to enrolment, and a person with a
    device to the code page, until the session is verified. Nothing else is reachable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (not user.is_authenticated or is_verified(request)
                or request.path.startswith(OPEN_PATHS)):
            return self.get_response(request)
        if has_second_factor(user):
            target = "two_factor_verify"
        elif must_use_second_factor(user) and not enforcement_skipped():
            target = "two_factor_setup"
        else:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": "This session needs the second factor: log in again in the browser."},
                status=403,
            )
        url = reverse(target)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
