import logging
import re
import time
import uuid
import zoneinfo
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseBadRequest, JsonResponse
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


# --- Undecodable input (issue 10, item 7) -------------------------------------------------


class BadInputMiddleware:
    """400 for a NUL byte or undecodable UTF-8 in the path, the query string, a form or a JSON
    body, before any view sees it.

    PostgreSQL refuses NUL in text, so such a value reaching a query is a 500; bytes that are
    not UTF-8 are silently replaced by Django and then match nothing. One check here instead
    of one in every view that reads ``request.GET`` or a path parameter.
    """

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem is None:
            return self.get_response(request)
        from secretariat.security_log import log_event

        log_event("bad_input", request, level=logging.WARNING, part=problem)
        message = f"The request's {problem} contains a NUL byte or text that is not UTF-8."
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")

    def problem(self, request) -> str | None:
        # Django already re-percent-encodes path bytes that are not UTF-8; NUL it passes on.
        if "\x00" in request.path_info:
            return "path"
        query = request.META.get("QUERY_STRING", "")
        if query:
            decoded = unquote_to_bytes(query.replace("+", " "))
            if b"\x00" in decoded or not _utf8(decoded):
                return "query string"
        content_type = request.content_type or ""
        if request.method in {"POST", "PUT", "PATCH"}:
            if content_type in self.FORM_TYPES:
                # A body too large or malformed raises here as it would in the view (a 400).
                fields = request.POST
                if any("\x00" in key or any("\x00" in v for v in values)
                       for key, values in fields.lists()):
                    return "form"
            elif content_type.endswith("json") and len(request.body) <= 5 * 1024 * 1024:
                body = request.body
                if b"\\u0000" in body or b"\x00" in body or not _utf8(body):
                    return "JSON body"
        return None


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
