"""A page around a cached fragment, without decoding and re-encoding the fragment.

A cached fragment kept as ``str`` costs, on every hit, a UTF-8 decode when it is unpickled
(milliseconds for the plan dashboard's ~460 KB, which has non-ASCII text), a copy into the
page and an encode into the response: more than the rest of the page. Kept as UTF-8 bytes it
is a copy. ``render_around`` renders the page (a few KB: menus, the user's name, the CSRF
token) with a marker where the fragment goes, and splices the bytes in.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

# Cannot come from a template's autoescaped output (``<`` would be ``&lt;``) nor from the
# page's own markup.
_MARK = "<!--portal-fragment:9f1c2b-->"
_MARK_BYTES = _MARK.encode()


def render_around(request, template_name: str, context: dict, fragment: bytes, *,
                  name: str = "content") -> HttpResponse:
    """``render()`` with ``{{ name|safe }}`` standing for ``fragment`` (UTF-8, already
    rendered and escaped)."""
    response = render(request, template_name, {**context, name: mark_safe(_MARK)})  # noqa: S308
    head, found, tail = response.content.partition(_MARK_BYTES)
    if found:
        response.content = b"".join((head, fragment, tail))
    return response
