"""A per-process cache tier for pages the public sees.

Anonymous visitors all get the same page, so each worker process keeps the rendered bytes in
its own memory for a short time: no Redis round trip, no query, no template. Logged-in users
always get a fresh page (theirs depends on their role). Staleness is bounded by ``seconds``.
"""

import functools

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse

PAGE_CACHE = "pages"


def cache_public_page(seconds: int = 60):
    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method != "GET" or not _is_plain_visitor(request):
                return view(request, *args, **kwargs)
            cache = caches[PAGE_CACHE]
            # Host and scheme are part of the key: a page built for one Host (absolute links,
            # the canonical URL) must never be served to another (issue 10).
            key = f"page:{request.scheme}://{request.get_host()}{request.get_full_path()}"
            hit = cache.get(key)
            if hit is not None:
                content, content_type = hit
                return HttpResponse(content, content_type=content_type)
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                if hasattr(response, "render"):
                    response.render()
                cache.set(key, (response.content, response["Content-Type"]), seconds)
            return response

        return wrapped

    return decorator


def _is_plain_visitor(request) -> bool:
    """Anonymous, with no session and no pending flash message: a message rendered into a
    shared copy would be shown to every later visitor."""
    cookies = request.COOKIES
    return (
        not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in cookies
        and settings.MESSAGE_COOKIE_NAME not in cookies
    )
