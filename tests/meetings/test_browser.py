"""The meeting page in a real Chromium, on the demo data, as a delegate and as a partner."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from meetings.models import Meeting
from tests.browser import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    from meetings import demo as meetings_demo
    from secretariat import demo as core_demo
    from workgroups import demo as workgroups_demo

    for module in (core_demo, workgroups_demo, meetings_demo):
        module.load(lambda line: None)
    return Meeting.objects.get(body__code="DG", ordinal=33)


@pytest.mark.parametrize(
    ("username", "sees", "does_not_see"),
    [
        ("delegate.my", ["Annotated agenda", "Report of the CCC", "Delegations"],
         ["SPCD 2021-2025 implementation matrix", "Closed briefing"]),
        ("partner.wco", ["WCO presentation", "Provisional agenda"],
         ["Annotated agenda", "Report of the CCC", "Delegations"]),
    ],
)
def test_meeting_page(page, live_server, demo, username, sees, does_not_see):
    user = get_user_model().objects.get(username=username)
    login(page, live_server, user, settings.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/meetings/{demo.pk}/")

    assert page.get_by_role("heading", name="33rd DG Meeting").is_visible()
    assert page.get_by_role("heading", name="Timetable").is_visible()
    text = page.inner_text("main")
    for phrase in sees:
        assert phrase in text
    for phrase in does_not_see:
        assert phrase not in text
    for width in (1280, 375):
        screenshot(page, f"meeting-33rd-{username}", width=width)
    assert page.csp_violations == []


def test_meeting_list_and_printable_agenda(page, live_server, demo):
    page.goto(f"{live_server.url}/meetings/")
    assert page.get_by_role("link", name="33rd DG Meeting").is_visible()
    screenshot(page, "meeting-list-anonymous", width=1280)
    page.goto(f"{live_server.url}/meetings/{demo.pk}/agenda/")
    page.emulate_media(media="print")
    screenshot(page, "agenda-print", width=1280)
    assert page.csp_violations == []
