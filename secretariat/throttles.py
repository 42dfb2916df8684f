"""Throttles keyed on the real client (``secretariat.proxies.client_ip``).

DRF's own ``get_ident`` reads ``X-Forwarded-For`` from anyone when ``NUM_PROXIES`` is unset,
so a client that rotates the header gets a fresh allowance per request. Every throttle of the
portal, API or page, goes through the classes here instead. Rates live in
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``, one per scope.
"""

import logging

from django.http import HttpResponse
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

from secretariat.proxies import client_ip
from secretariat.security_log import log_event


class ClientIpMixin:
    def get_ident(self, request):
        return client_ip(request)


class PortalScopedRateThrottle(ClientIpMixin, ScopedRateThrottle):
    """``throttle_scope`` on a DRF view; per user when logged in, else per client address.

    The key is the one ``limit`` uses for the same scope with ``user_ident``, so a page and
    an API endpoint under one scope (uploads: the web form and ``POST /api/v1/documents/``)
    share one allowance instead of giving two."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": user_ident(request)}


class ScopeThrottle(ClientIpMixin, SimpleRateThrottle):
    """A named scope counted against an explicit key (an address, an account, a user)."""

    def __init__(self, scope: str, ident: str):
        self.scope = scope
        self.ident = ident
        super().__init__()

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.ident}


def limit(request, scope: str, *, ident: str | None = None) -> HttpResponse | None:
    """None when ``request`` may go on under ``scope``; else a 429 for a page view.

    ``ident`` defaults to the client's address; pass e.g. ``f"user:{pk}"`` or an account name
    to count per user or per account instead.
    """
    throttle = ScopeThrottle(scope, ident or f"ip:{client_ip(request)}")
    if throttle.allow_request(request, None):
        return None
    log_event("throttled", request, level=logging.WARNING, path=request.path, scope=scope)
    response = HttpResponse(
        "Too many requests; please wait a minute and try again.", status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(int(throttle.wait() or 60))
    return response


def user_ident(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"
