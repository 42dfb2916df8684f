"""Rendered HTML keyed by everything it is made of (issue 14).

Some fragments are a pure function of values a page has already read fresh from the database
for other reasons: a session's edit fields from the session row (its version included), an
empty "add" form from the meeting's dates. Such a fragment needs no data version: a changed
row is a different key, so a copy can never be older than the row the page just read. Each
process keeps them in its own memory (bounded by count); what the key leaves out must not
change the output (no CSRF token, no request, no message inside a fragment).

For fragments that also show rows the page does not read (the list of hosts of a meeting
form), use ``secretariat.dataversion`` instead.
"""

import hashlib
from collections.abc import Callable

from django.core.cache.backends.locmem import LocMemCache

_rendered = LocMemCache("secretariat-fragments", {"TIMEOUT": 3600,
                                                  "OPTIONS": {"MAX_ENTRIES": 2000}})


def rendered(parts: tuple, build: Callable[[], str]) -> str:
    """``build()``'s HTML for ``parts`` (everything it depends on, by value)."""
    key = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    html = _rendered.get(key)
    if html is None:
        html = build()
        _rendered.set(key, html)
    return html
