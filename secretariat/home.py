"""Panels on the home page, contributed by the apps above the core.

The core cannot import ``meetings`` or ``workgroups`` (they depend on it), so each of them
registers a function ``(request) -> dict | None`` in its ``AppConfig.ready``; the home page
shows the panels that return something, in registration order.
"""

from collections.abc import Callable

HomePanel = Callable[..., dict | None]
_panels: list[HomePanel] = []


def register_panel(panel: HomePanel) -> HomePanel:
    if panel not in _panels:
        _panels.append(panel)
    return panel


def panels_for(request) -> list[dict]:
    return [p for p in (panel(request) for panel in _panels) if p]
