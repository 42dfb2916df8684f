"""Security events as structured log lines (QUALITY.md T21).

Each event is one JSON line with the event name, user and client IP. Passwords and tokens are
never passed to the logger, so they cannot appear in it.
"""

import logging
import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from secretariat.middleware import LOGIN_TIME_KEY
from secretariat.proxies import client_ip

logger = logging.getLogger("secretariat.security")

__all__ = ["client_ip", "log_event"]


def log_event(event: str, request=None, *, username: str = "", level=logging.INFO, **extra):
    if request is not None and not username:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            username = user.get_username()
    logger.log(
        level,
        event,
        extra={
            "event": event,
            "user": username or "-",
            "ip": client_ip(request),
            "request_id": getattr(request, "id", "-"),
            **extra,
        },
    )


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_TIME_KEY] = time.time()
    log_event("login_succeeded", request, username=user.get_username())


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    log_event("logout", request, username=user.get_username() if user else "")


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # Django already masks the password in ``credentials``; only the username is logged.
    log_event(
        "login_failed", request, username=str(credentials.get("username", "")),
        level=logging.WARNING,
    )


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs):
    log_event("login_locked_out", request, username=username or "", level=logging.WARNING)
