import re
import time
import uuid
import zoneinfo

from django.conf import settings
from django.contrib.auth import logout
from django.utils import timezone

from secretariat.access import profile_of
from secretariat.logging import request_id_var

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
LOGIN_TIME_KEY = "portal_login_at"
SEEN_KEY = "portal_seen_at"


class RequestIdMiddleware:
    """Tag each request (and its log lines) with an id, taken from the proxy when sane."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.id
        return response


class SessionLifetimeMiddleware:
    """End a session after 30 idle minutes, and any session 12 hours after login.

    The idle limit is Django's ``SESSION_COOKIE_AGE``, pushed back whenever the session is
    saved. Saving on every request would cost three statements per page, so the session is
    touched at most once per ``SESSION_REFRESH_SECONDS``: the idle limit is exact to within
    that minute.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(LOGIN_TIME_KEY)
            now = time.time()
            if started is None:
                request.session[LOGIN_TIME_KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return self.get_response(request)
            seen = request.session.get(SEEN_KEY, 0)
            if now - seen > settings.SESSION_REFRESH_SECONDS:
                request.session[SEEN_KEY] = now  # a change: Django saves and extends it
        return self.get_response(request)


class UserTimezoneMiddleware:
    """Show times in the viewer's zone: their own choice, else their administration's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        profile = profile_of(request.user)
        zone = profile.effective_time_zone if profile else settings.PORTAL_DEFAULT_TIME_ZONE
        timezone.activate(zoneinfo.ZoneInfo(zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
