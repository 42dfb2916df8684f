"""The record pages in a real Chromium: screenshots at 1280 and 375 px, no page-level
horizontal scroll on a phone, no serious or critical axe-core violation (T22)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from meetings.models import Meeting
from tests.browser import axe_violations, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pages(dg33, dg34, session):
    return {
        "secretariat": [
            ("record", f"/meetings/{dg33.pk}/record/"),
            ("attendance", f"/meetings/{dg33.pk}/sessions/{session.pk}/attendance/"),
            ("participants", f"/meetings/{dg33.pk}/participants/"),
        ],
        "delegate.my": [
            ("record-delegate", f"/meetings/{dg33.pk}/record/"),
            ("meeting-34-arising", f"/meetings/{dg34.pk}/"),
            ("notices", "/accounts/notices/"),
            ("home-delegate", "/"),
        ],
        None: [("record-public", f"/meetings/{dg33.pk}/record/")],
    }


def test_record_pages_look_finished_and_pass_axe(axe_page, live_server, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False
    dg33 = Meeting.objects.get(body__code="DG", ordinal=33)
    dg34 = Meeting.objects.get(body__code="DG", ordinal=34)
    session = dg33.sessions.order_by("starts_at").first()
    problems = {}
    for username, pages in _pages(dg33, dg34, session).items():
        axe_page.context.clear_cookies()
        if username:
            login(axe_page, live_server, get_user_model().objects.get(username=username),
                  settings.DEMO_PASSWORD)
        for name, path in pages:
            response = axe_page.goto(f"{live_server.url}{path}")
            if response.status != 200:
                problems[path] = [f"HTTP {response.status}"]
                continue
            for width in (1280, 375):
                screenshot(axe_page, name, width=width)
                if width == 375:
                    overflow = axe_page.evaluate(
                        "document.documentElement.scrollWidth > window.innerWidth")
                    if overflow:
                        problems.setdefault(path, []).append("horizontal scroll at 375 px")
            found = axe_violations(axe_page)
            if found:
                problems.setdefault(path, []).extend(found)
    assert problems == {}
