"""Rendered HTML, kept and spliced cheaply (issue 14).

``rendered``: fragments that are a pure function of values a page has already read fresh from
the database for other reasons: a session's edit fields from the session row (its version
included), an empty "add" form from the meeting's dates. Such a fragment needs no data
version: a changed row is a different key, so a copy can never be older than the row the page
just read. Each process keeps them in its own memory (bounded by count); what the key leaves
out must not change the output (no CSRF token, no request, no message inside a fragment). For
fragments that also show rows the page does not read (the list of hosts of a meeting form),
use ``secretariat.dataversion`` instead.

``render_around``: a page around a cached fragment, without decoding and re-encoding the
fragment. A cached fragment kept as ``str`` costs, on every hit, a UTF-8 decode when it is
unpickled (milliseconds for the plan dashboard's ~460 KB, which has non-ASCII text), a copy
into the page and an encode into the response: more than the rest of the page. Kept as UTF-8
bytes it is a copy. The page (a few KB: menus, the user's name, the CSRF token) is rendered
with a marker where the fragment goes, and the bytes are spliced in.
"""

import hashlib
from collections.abc import Callable

from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

_rendered = LocMemCache("secretariat-fragments", {"TIMEOUT": 3600,
                                                  "OPTIONS": {"MAX_ENTRIES": 2000}})
# Cannot come from a template's autoescaped output (``<`` would be ``&lt;``) nor from the
# page's own markup.
_MARK = "<!--portal-fragment:9f1c2b-->"
_MARK_BYTES = _MARK.encode()


def rendered(parts: tuple, build: Callable[[], str]) -> str:
    """``build()``'s HTML for ``parts`` (everything it depends on, by value)."""
    key = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    html = _rendered.get(key)
    if html is None:
        html = build()
        _rendered.set(key, html)
    return html


def render_around(request, template_name: str, context: dict, fragment: bytes, *,
                  name: str = "content") -> HttpResponse:
    """``render()`` with ``{{ name|safe }}`` standing for ``fragment`` (UTF-8, already
    rendered and escaped)."""
    response = render(request, template_name, {**context, name: mark_safe(_MARK)})  # noqa: S308
    head, found, tail = response.content.partition(_MARK_BYTES)
    if found:
        response.content = b"".join((head, fragment, tail))
    return response
