# ruff: noqa: E501  (the page-side check is JavaScript, kept readable as one block)
"""A look at every page (issue 13, item 6): every HTML page of the route matrix, as each role
that may read it, at 375 px (a phone) and 1280 px, in a real Chromium.

At both widths: the page body never scrolls sideways (a wide table may scroll inside its own
box), and no text is cut by an ``overflow: hidden`` box or pushed out of the viewport without
a scrollbar to reach it. Each page is saved as a screenshot under ``$VAR_DIR/page-walk`` (or
``var/screenshots/page-walk``) to look at.

Built to be quick: one browser, one context and one reused page per role (the session cookie
comes from the test client's ``force_login``, so no login form is typed), each page fetched
once and measured at both widths by resizing, only GET routes the matrix gives the role a 200
for, no downloads, feeds or API routes, and first-screen screenshots unless
``PAGE_WALK_FULL=1``.
"""

import os
import re
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from secretariat.models import Partner, Role
from tests.factories import make_person
from tests.route_matrix import EXPECTED
from tests.route_matrix_harness import ROLES, USERNAMES, concrete, demo_objects, walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (375, 1280)
# Not HTML for a person to look at: data, files, feeds, machine endpoints, library pages.
NOT_PAGES = re.compile(
    r"^(api:|api-docs$|schema$|healthz|metrics$|logout)"
    r"|(export_|_xlsx$|_pdf$|download|_ics$|feed$|:pack$|_csv$)"
)
FULL_PAGES = os.environ.get("PAGE_WALK_FULL") == "1"
SHOTS = Path(os.environ.get("VAR_DIR") or "var") / "page-walk"

# What a person would call a problem, measured in the page itself:
# - the document wider than the window (the whole page scrolls sideways);
# - a visible element with text that reaches past the window's right edge while no ancestor
#   scrolls sideways to reach it (hidden off-screen);
# - a box with overflow hidden/clip whose text is wider than the box (a cut word), except the
#   visually-hidden helpers (1 px boxes for screen readers) and deliberate ellipses.
PROBLEMS_JS = """() => {
  const out = [];
  const doc = document.documentElement;
  const width = doc.clientWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : '');
  if (doc.scrollWidth > width + 1) {
    let widest = null;
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right > width + 1 && (!widest || r.right > widest.getBoundingClientRect().right)) widest = el;
    }
    out.push(`page scrolls sideways: ${doc.scrollWidth} > ${width}` + (widest ? ` (widest: ${name(widest)})` : ''));
  }
  const scrolls = el => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && a !== doc && a !== document.body) return true;
    }
    return false;
  };
  const text = el => (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
  for (const el of document.querySelectorAll('main *, header *')) {
    const rect = el.getBoundingClientRect();
    if (rect.width < 2 || rect.height < 2) continue;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden') continue;
    const ownText = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (ownText && rect.right > width + 1 && !scrolls(el) && !el.closest('.collapse:not(.show)')) {
      out.push(`off-screen: ${name(el)} "${text(el)}" right=${Math.round(rect.right)}`);
    }
    const clips = ['hidden', 'clip'].includes(s.overflowX);
    if (clips && ownText && s.textOverflow !== 'ellipsis' && el.scrollWidth > el.clientWidth + 1
        && !el.closest('.visually-hidden, .visually-hidden-focusable')) {
      out.push(`text cut: ${name(el)} "${text(el)}" ${el.scrollWidth} > ${el.clientWidth}`);
    }
  }
  return [...new Set(out)].slice(0, 8);
}"""


def _pages_for(role: str, objects: dict) -> list[tuple[str, str]]:
    pages = []
    for name, route in walk():
        if NOT_PAGES.search(name) or name not in EXPECTED:
            continue
        if EXPECTED[name][0][ROLES.index(role)] != 200:
            continue
        pages.append((name, concrete(name, route, objects)))
    return pages


def _session_cookie(user, url: str) -> list[dict]:
    client = Client()
    client.force_login(user)  # past the second factor, as every test login (tests/mfa.py)
    from django.conf import settings

    return [{"name": settings.SESSION_COOKIE_NAME,
             "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": url}]


def test_every_page_fits_a_phone_and_a_laptop_for_every_role(browser, live_server, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.DEBUG = False
    # The session is handed to the browser as a cookie (no login form per context); the
    # __Host- prefix and Secure flag are for production and tested elsewhere.
    settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_NAME = False, "walk-session"
    make_person("partner.japan-customs", Role.PARTNER,
                partner=Partner.objects.get(slug="japan-customs"))
    objects = demo_objects()
    users = get_user_model().objects
    problems, looked_at = {}, 0
    started = time.monotonic()
    for role in ROLES:
        pages = _pages_for(role, objects)
        cookies = (_session_cookie(users.get(username=USERNAMES[role]), live_server.url)
                   if role != "anonymous" else [])
        # One context and one page per role: each page is fetched once and looked at in
        # both widths (the HTML is the same; only the layout changes), alternating the order
        # so that no resize is wasted.
        context = browser.new_context(viewport={"width": WIDTHS[0], "height": 800},
                                      accept_downloads=False)
        if cookies:
            context.add_cookies(cookies)
        page = context.new_page()
        widths = list(WIDTHS)
        for width in widths:
            (SHOTS / f"{role}-{width}").mkdir(parents=True, exist_ok=True)
        for name, path in pages:
            response = page.goto(f"{live_server.url}{path}", wait_until="load")
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            if response.status != 200:
                problems[f"{role} {path}"] = [f"HTTP {response.status}"]
                continue
            for width in widths:
                if page.viewport_size["width"] != width:
                    page.set_viewport_size({"width": width, "height": 800})
                    # Two frames: resize observers (charts) redraw as they would for a person.
                    page.evaluate("() => new Promise(r => requestAnimationFrame("
                                  "() => requestAnimationFrame(r)))")
                looked_at += 1
                found = page.evaluate(PROBLEMS_JS)
                if found:
                    problems[f"{role} {width} {path}"] = found
                shot = SHOTS / f"{role}-{width}" / f"{name.replace(':', '-')}.jpg"
                # The first screen by default; PAGE_WALK_FULL=1 saves whole pages (slower:
                # a phone-width plan page is 10,000 px tall).
                page.screenshot(path=str(shot), full_page=FULL_PAGES, type="jpeg", quality=70)
            widths.reverse()
        context.close()
        print(f"walk: {role}, {len(pages)} pages, {time.monotonic() - started:.0f} s")
    (SHOTS / "problems.txt").write_text(
        "".join(f"{where}: {found}\n" for where, found in sorted(problems.items())))
    assert problems == {}
    assert looked_at > 300  # the walk covers the portal, not a sample
