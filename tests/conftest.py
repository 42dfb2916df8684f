"""Shared fixtures: the named personas every permission test uses.

- ``secretariat``: ASEAN Secretariat staff (admin access)
- ``chair``: staff of Viet Nam, which holds an open-ended DG chair term
- ``delegate``: a delegate of Malaysia; ``delegate_b``: a delegate of Thailand
- ``partner``: a dialogue partner of the WCO; ``partner_b``: of Japan Customs
- ``outsider``: a logged-in account with no role (e.g. a profile not yet set up)
"""

import os

import pytest

from secretariat.models import Role
from tests.factories import TEST_PASSWORD, AdministrationFactory, PartnerFactory, make_person

# Playwright's sync API runs an event loop in the test thread (microsoft/playwright-pytest#29).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache is a real Redis shared across tests: start each test with it empty, so that
    throttle counters and cached pages never leak from one test into the next."""
    from django.core.cache import caches

    caches["default"].clear()
    caches["pages"].clear()


@pytest.fixture(autouse=True)
def _second_factor_done_on_test_logins(request, monkeypatch):
    """Sessions made with the test client's ``login``/``force_login`` are past the second
    factor (tests/mfa.py says why); ``@pytest.mark.real_second_factor`` tests go without."""
    if request.node.get_closest_marker("real_second_factor") is None:
        from tests.mfa import mark_verified_on_login

        mark_verified_on_login(monkeypatch)


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture
def vietnam(db):
    return AdministrationFactory(code="VN", country="Viet Nam", time_zone="Asia/Ho_Chi_Minh")


@pytest.fixture
def malaysia(db):
    return AdministrationFactory(code="MY", country="Malaysia", time_zone="Asia/Kuala_Lumpur")


@pytest.fixture
def thailand(db):
    return AdministrationFactory(code="TH", country="Thailand", time_zone="Asia/Bangkok")


@pytest.fixture
def wco(db):
    return PartnerFactory(slug="wco", name="World Customs Organization", short_name="WCO")


@pytest.fixture
def japan_customs(db):
    return PartnerFactory(slug="japan-customs", name="Japan Customs", short_name="Japan Customs")


@pytest.fixture
def secretariat(db):
    return make_person("sec.staff", Role.SECRETARIAT)


@pytest.fixture
def chair(vietnam):
    """Staff of Viet Nam, whose administration chairs the DG meeting in an open-ended term:
    the rights come from the term (``workgroups.access.ChairRights``), not from the label."""
    import datetime as dt

    from tests.workgroups.factories import ChairTermFactory
    from workgroups.models import Body

    dg, _ = Body.objects.get_or_create(
        code="DG", defaults={"name": "ASEAN Directors-General of Customs Meeting",
                             "kind": Body.Kind.DG_MEETING},
    )
    ChairTermFactory(body=dg, administration=vietnam, start_on=dt.date(2000, 1, 1), end_on=None)
    return make_person("chair.staff", Role.CHAIR, administration=vietnam)


@pytest.fixture
def delegate(malaysia):
    return make_person("delegate.a", Role.DELEGATE, administration=malaysia)


@pytest.fixture
def delegate_b(thailand):
    return make_person("delegate.b", Role.DELEGATE, administration=thailand)


@pytest.fixture
def partner(wco):
    return make_person("partner.a", Role.PARTNER, partner=wco)


@pytest.fixture
def partner_b(japan_customs):
    return make_person("partner.b", Role.PARTNER, partner=japan_customs)


@pytest.fixture
def outsider(db):
    from tests.factories import UserFactory

    return UserFactory(username="outsider")


@pytest.fixture
def personas(secretariat, chair, delegate, delegate_b, partner, partner_b):
    """Every role by name, for permission matrices. ``anonymous`` is ``None``."""
    return {
        "anonymous": None,
        "secretariat": secretariat,
        "chair": chair,
        "delegate": delegate,
        "delegate_b": delegate_b,
        "partner": partner,
        "partner_b": partner_b,
    }


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client logged in as ``user`` (or anonymous for None)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session; skipped where Chromium is not installed."""
    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context per test; records CSP violations in ``page.csp_violations``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda msg: page.csp_violations.append(msg.text)
        if "Content Security Policy" in msg.text else None,
    )
    yield page
    context.close()


@pytest.fixture
def axe_page(browser):
    """A page whose context ignores the CSP, so that axe-core can be injected (T22)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


# --- Object storage (issue 15): a real S3-compatible server on loopback ---------------------


@pytest.fixture(scope="session")
def moto_server():
    from tests.s3 import MotoServer

    server = MotoServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def bucket_storage(settings, moto_server, monkeypatch):
    """Papers go to a fresh private bucket on the moto server for this test; returns its name."""
    from secretariat.env import parse_storage_url

    for name, value in moto_server.environment().items():
        monkeypatch.setenv(name, value)
    bucket = moto_server.new_bucket()
    settings.STORAGES = {
        **settings.STORAGES, "default": parse_storage_url(moto_server.storage_url(bucket))
    }
    return bucket
