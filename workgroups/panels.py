"""Panels that apps above ``workgroups`` add to a body's page (e.g. ``meetings`` lists the
body's meetings) without ``workgroups`` importing them.

Register ``fn(request, body) -> dict | None`` in your ``AppConfig.ready`` with
``register_body_panel``; a panel is ``{"title": ..., "items": [{"label", "url", "detail"}],
"empty": "..."}`` like the home-page panels.

The milestone page works the same way with ``register_milestone_panel(fn(request, milestone)
-> str | None)``: return HTML from ``render_to_string`` (anything else is escaped) or None to
show nothing (``meetings`` lists the documents cited as evidence).
"""

from django.utils.html import conditional_escape

from secretariat.slots import Slot

BODY_PANELS = Slot("body panels")  # (request, body) -> dict | None
register_body_panel = BODY_PANELS.register


def body_panels_for(request, body) -> list[dict]:
    return [p for p in (panel(request, body) for panel in BODY_PANELS) if p]


MILESTONE_PANELS = Slot("milestone panels")  # (request, milestone) -> str | None
register_milestone_panel = MILESTONE_PANELS.register


def milestone_panels_for(request, milestone) -> list[str]:
    return [
        conditional_escape(html)
        for html in (panel(request, milestone) for panel in MILESTONE_PANELS)
        if html
    ]
