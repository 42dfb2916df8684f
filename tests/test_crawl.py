"""Walk the whole portal as each demo persona: every linked page answers without a server
error, every HTML page carries the CSP, and a browser sees no CSP violation (T3 c).

The demo data is the fixture, so a page that breaks on real data fails here.
"""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.browser import login

DEMO_USERS = ["secretariat", "chair.vn", "delegate.my", "partner.wco"]
SKIP = re.compile(r"^/(admin/|api/docs|api/schema|accounts/logout|static/)")
MAX_PAGES = 250


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def internal_links(base_path: str, html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        url = urldefrag(urljoin(base_path, href)).url
        parts = urlsplit(url)
        if parts.scheme in {"http", "https"} and parts.netloc not in {"", "testserver"}:
            continue
        if parts.scheme not in {"", "http", "https"}:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not SKIP.match(parts.path):
            found.append(path)
    return found


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False


def crawl(client):
    seen, queue, problems = {"/"}, deque(["/"]), []
    while queue and len(seen) <= MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        content_type = response.get("Content-Type", "")
        if response.status_code >= 500:
            problems.append(f"{path}: HTTP {response.status_code}")
            continue
        if not content_type.startswith("text/html") or response.status_code != 200:
            continue
        if "Content-Security-Policy" not in response:
            problems.append(f"{path}: no CSP header")
        for link in internal_links(path, response.content.decode()):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return seen, problems


@pytest.mark.parametrize("username", [None, *DEMO_USERS])
def test_every_linked_page_answers_for_every_role(client, demo, username):
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    seen, problems = crawl(client)
    assert problems == []
    assert len(seen) > 3


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("username", [None, "chair.vn", "delegate.my", "partner.wco"])
def test_browser_sees_no_csp_violation_on_linked_pages(page, live_server, settings, username):
    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False
    if username:
        user = get_user_model().objects.get(username=username)
        login(page, live_server, user, settings.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/")
    paths = {"/"}
    for href in page.eval_on_selector_all("nav a[href], main a[href]",
                                          "els => els.map(e => e.getAttribute('href'))"):
        parts = urlsplit(urljoin("/", href))
        if not parts.netloc and not SKIP.match(parts.path) and parts.path.endswith("/"):
            paths.add(parts.path)
    for path in sorted(paths)[:25]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status < 500, path
    assert page.csp_violations == []
