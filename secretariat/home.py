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


# --- Profile lines (issue 11) -----------------------------------------------------------------
# Facts about the viewer that apps above the core compute ("Chair of the DG meeting until
# 31 May 2027"): ``fn(request) -> list[str]``, shown on the profile page.
ProfileLines = Callable[..., list[str]]
_profile_lines: list[ProfileLines] = []


def register_profile_lines(source: ProfileLines) -> ProfileLines:
    if source not in _profile_lines:
        _profile_lines.append(source)
    return source


def profile_lines_for(request) -> list[str]:
    return [line for source in _profile_lines for line in source(request)]
