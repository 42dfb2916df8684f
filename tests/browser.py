"""Real-browser helpers: Debian's Chromium driven by Playwright (no browser download).

Use the ``page`` fixture from ``tests/conftest.py`` with pytest-django's ``live_server``;
``login(page, live_server, user)`` logs a persona in through the real login form.
"""

import os
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Root + a closed network: no sandbox, and no background calls that the network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", "var/screenshots"))


def login(page, live_server, user, password):
    """Log in through the real form; where the portal asks for the second factor, enrol or
    type the code as the person would (tests/mfa.py computes what their app shows)."""
    from tests.mfa import code_for, code_from_key, key_from_setup_page

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")
    if "/accounts/two-factor/setup/" in page.url:
        page.get_by_label("Code").fill(code_from_key(key_from_setup_page(page.content())))
        page.get_by_role("button", name="Confirm and continue").click()
        page.get_by_role("link", name="I have saved them — continue").click()
        page.wait_for_load_state("networkidle")
    elif "/accounts/two-factor/verify/" in page.url:
        page.get_by_label("Code").fill(code_for(user))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state("networkidle")


def screenshot(page, name: str, *, width: int = 1280):
    """Save a full-page screenshot at ``width`` px (375 for a phone) to look at."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    path = SCREENSHOT_DIR / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page, *, impacts=("serious", "critical")) -> list[str]:
    """Run axe-core (WCAG 2.1 A/AA) on the current page; the page's context must have been
    made with ``bypass_csp=True`` since axe is injected as a script."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s), e.g. "
        f"{v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in impacts
    ]
