"""Panels that apps above ``workgroups`` add to a body's page (e.g. ``meetings`` lists the
body's meetings) without ``workgroups`` importing them.

Register ``fn(request, body) -> dict | None`` in your ``AppConfig.ready`` with
``register_body_panel``; a panel is ``{"title": ..., "items": [{"label", "url", "detail"}],
"empty": "..."}`` like the home-page panels.

The milestone page works the same way with ``register_milestone_panel(fn(request, milestone)
-> str | None)``: return HTML from ``render_to_string`` (anything else is escaped) or None to
show nothing (``meetings`` lists the documents cited as evidence).
"""

from collections.abc import Callable

from django.utils.html import conditional_escape

BodyPanel = Callable[..., dict | None]
_panels: list[BodyPanel] = []


def register_body_panel(panel: BodyPanel) -> BodyPanel:
    if panel not in _panels:
        _panels.append(panel)
    return panel


def body_panels_for(request, body) -> list[dict]:
    return [p for p in (panel(request, body) for panel in _panels) if p]


MilestonePanel = Callable[..., str | None]
_milestone_panels: list[MilestonePanel] = []


def register_milestone_panel(panel: MilestonePanel) -> MilestonePanel:
    if panel not in _milestone_panels:
        _milestone_panels.append(panel)
    return panel


def milestone_panels_for(request, milestone) -> list[str]:
    return [
        conditional_escape(html)
        for html in (panel(request, milestone) for panel in _milestone_panels)
        if html
    ]
