"""Panels that apps above ``workgroups`` add to a body's page (e.g. ``meetings`` lists the
body's meetings) without ``workgroups`` importing them.

Register ``fn(request, body) -> dict | None`` in your ``AppConfig.ready`` with
``register_body_panel``; a panel is ``{"title": ..., "items": [{"label", "url", "detail"}],
"empty": "..."}`` like the home-page panels.
"""

from collections.abc import Callable

BodyPanel = Callable[..., dict | None]
_panels: list[BodyPanel] = []


def register_body_panel(panel: BodyPanel) -> BodyPanel:
    if panel not in _panels:
        _panels.append(panel)
    return panel


def body_panels_for(request, body) -> list[dict]:
    return [p for p in (panel(request, body) for panel in _panels) if p]
