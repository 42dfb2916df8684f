"""Panels on the home page, contributed by the apps above the core.

The core cannot import ``meetings`` or ``workgroups`` (they depend on it), so each of them
registers a function ``(request) -> dict | None`` in its ``AppConfig.ready``; the home page
shows the panels that return something, in registration order.
"""

import hashlib

from django.core.cache.backends.locmem import LocMemCache
from django.template.loader import render_to_string
from django.utils import timezone

from secretariat.dataversion import DataVersion
from secretariat.slots import Slot

HOME_PANELS = Slot("home panels")  # (request) -> dict | None
register_panel = HOME_PANELS.register

# The member administrations and their names over time: the home page's table.
ADMINISTRATIONS = DataVersion("administrations")
# Rendered panels by their content: a panel's HTML is a function of its dict alone, so an
# entry can never be wrong, only unused (bounded by count; personal panels vary the most).
_rendered = LocMemCache("secretariat-home-panels", {"TIMEOUT": 300,
                                                    "OPTIONS": {"MAX_ENTRIES": 1000}})


def connect_signals() -> None:
    from secretariat.models import Administration, AdministrationName

    ADMINISTRATIONS.connect([Administration, AdministrationName])


def panels_for(request) -> list[dict]:
    """Each app caches its own panel (per audience and data version): they are plain dicts
    of text, cheap to read back."""
    return [p for p in (panel(request) for panel in HOME_PANELS) if p]


def panels_html(panels: list[dict]) -> str:
    """The panels rendered, without running the template again for panels already seen."""
    key = hashlib.sha256(repr(panels).encode()).hexdigest()
    html = _rendered.get(key)
    if html is None:
        html = render_to_string("secretariat/_home_panels.html", {"panels": panels})
        _rendered.set(key, html)
    return html


def administrations_html() -> str:
    """The "Member administrations" table: the same for everyone, per day (the names in
    force, membership) for the administrations' data version."""
    from secretariat.selectors import administrations_with_names

    return ADMINISTRATIONS.cached(
        ("home-table", timezone.localdate().isoformat()),
        lambda: render_to_string("secretariat/_home_administrations.html",
                                 {"administrations": administrations_with_names()}))


# --- Profile lines (issue 11) -----------------------------------------------------------------
# Facts about the viewer that apps above the core compute ("Chair of the DG meeting until
# 31 May 2027"): ``fn(request) -> list[str]``, shown on the profile page.
PROFILE_LINES = Slot("profile lines")  # (request) -> list[str]
register_profile_lines = PROFILE_LINES.register


def profile_lines_for(request) -> list[str]:
    return [line for source in PROFILE_LINES for line in source(request)]
