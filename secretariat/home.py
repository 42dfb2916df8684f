"""Panels on the home page, contributed by the apps above the core.

The core cannot import ``meetings`` or ``workgroups`` (they depend on it), so each of them
registers a function ``(request) -> dict | None`` in its ``AppConfig.ready``; the home page
shows the panels that return something, in registration order.
"""

from secretariat.slots import Slot

HOME_PANELS = Slot("home panels")  # (request) -> dict | None
register_panel = HOME_PANELS.register


def panels_for(request) -> list[dict]:
    return [p for p in (panel(request) for panel in HOME_PANELS) if p]


# --- Profile lines (issue 11) -----------------------------------------------------------------
# Facts about the viewer that apps above the core compute ("Chair of the DG meeting until
# 31 May 2027"): ``fn(request) -> list[str]``, shown on the profile page.
PROFILE_LINES = Slot("profile lines")  # (request) -> list[str]
register_profile_lines = PROFILE_LINES.register


def profile_lines_for(request) -> list[str]:
    return [line for source in PROFILE_LINES for line in source(request)]
