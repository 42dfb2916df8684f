"""axe-core (WCAG 2.1 A/AA) on the main pages as the roles that use them (T22).

No violation of impact serious or critical is allowed. The demo data is the fixture, so the
pages are checked with real content.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.browser import axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    None: ["/", "/accounts/login/", "/meetings/", "/plan/", "/bodies/", "/consultations/",
           "/bodies/CPTFWG/", "/search/?q=transit"],
    "delegate.my": ["/", "/accounts/profile/", "/meetings/", "/plan/", "/reporting/mine/"],
    "chair.vn": ["/plan/", "/plan/initiatives/"],
    "secretariat": ["/reporting/cycles/", "/consultations/"],
    "partner.wco": ["/consultations/mine/"],
}


@pytest.mark.parametrize("username", list(PAGES))
def test_pages_have_no_serious_accessibility_violation(axe_page, live_server, settings,
                                                       username):
    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False
    if username:
        login(axe_page, live_server, get_user_model().objects.get(username=username),
              settings.DEMO_PASSWORD)
    problems = {}
    for path in PAGES[username]:
        response = axe_page.goto(f"{live_server.url}{path}")
        if response.status != 200:
            problems[path] = [f"HTTP {response.status}"]
            continue
        found = axe_violations(axe_page)
        if found:
            problems[path] = found
    assert problems == {}
