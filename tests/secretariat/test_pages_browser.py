"""The home page in a real Chromium, as each role: renders, no CSP violation, phone width."""

import pytest

from tests.browser import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("persona", ["anonymous", "secretariat", "chair", "delegate", "partner"])
def test_home_page_as_each_role(page, live_server, personas, persona, password):
    user = personas[persona]
    if user is not None:
        login(page, live_server, user, password)
    page.goto(f"{live_server.url}/")
    assert page.get_by_role("heading", name="ASEAN Customs Secretariat Portal").is_visible()
    if user is None:
        assert page.get_by_role("link", name="Log in").first.is_visible()
    else:
        assert page.get_by_role("button", name="Log out").is_visible()
    for width in (1280, 375):
        screenshot(page, f"home-{persona}", width=width)
    assert page.csp_violations == []


def test_login_form_is_keyboard_operable_and_labelled(page, live_server, delegate, password):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")  # the skip link comes first on every page
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.goto(f"{live_server.url}/accounts/login/")
    focused = "document.activeElement.getAttribute('name')"
    assert page.evaluate(focused) == "username"  # autofocus
    page.keyboard.type(delegate.username)
    page.keyboard.press("Tab")
    assert page.evaluate(focused) == "password"
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("button", name="Log out").is_visible()
    assert page.csp_violations == []


def test_phone_menu_opens_with_the_toggler(page, live_server):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/")
    toggler = page.get_by_role("button", name="Toggle navigation")
    assert toggler.is_visible()
    toggler.click()
    page.get_by_role("link", name="Log in").last.wait_for(state="visible")
    assert page.csp_violations == []


def test_api_docs_page_runs_under_the_csp(page, live_server, delegate, password):
    login(page, live_server, delegate, password)
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui", timeout=15000)
    assert page.csp_violations == []
