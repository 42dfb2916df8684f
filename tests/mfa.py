"""The second factor in tests (issue 10).

- ``HARNESS_DEVICE`` / ``mark_verified_on_login``: the suite logs personas in with
  ``client.force_login`` (and ``client.login``) in many places. The autouse fixture in
  ``tests/conftest.py`` wraps Django's test client so that every such session is already past
  the second factor, as if the person had typed their code: this is the ONE place that does
  it. Tests of the enforcement itself opt out with ``@pytest.mark.real_second_factor``.
- ``code_for(user)``: a TOTP code the user's device has not accepted yet, computed the way
  the authenticator app would (for tests that log in through the real pages).
- ``login_through_pages``: log in over HTTP to a served portal (gunicorn, nginx), completing
  enrolment or the code step when the portal asks for it.
"""

import re
import urllib.parse

from django_otp import DEVICE_ID_SESSION_KEY

from tests.nginx import request_from

# What django-otp stores in a verified session is a device's persistent id; the harness stores
# a value no device has, so no test data (devices, queries) is added to any test.
HARNESS_DEVICE = "tests.harness/verified"


def mark_verified_on_login(monkeypatch) -> None:
    from django.test import Client

    original = Client._login

    def _login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = HARNESS_DEVICE
        session.save()

    monkeypatch.setattr(Client, "_login", _login)


def code_for(user) -> str:
    """The next TOTP code the user's confirmed device will accept (time steps already used
    are refused, so a second login within 30 s takes the next step, which the device's
    tolerance of one step allows)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-id").first()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = totp.t()
    for step in (now, now + 1):
        if step > device.last_t:
            totp.time = device.t0 + step * device.step + 1
            return str(totp.token()).zfill(device.digits)
    raise AssertionError("every code of this window was used; wait for the next one")


def code_from_key(key: bytes) -> str:
    """What an authenticator app shows now for ``key`` (30 s steps, 6 digits)."""
    from django_otp.oath import TOTP

    return str(TOTP(key).token()).zfill(6)


def key_from_setup_page(html: str) -> bytes:
    """The secret the setup page shows as text (what a person types into the app)."""
    import base64

    match = re.search(r'font-monospace fs-6 text-break mb-0">([A-Z2-7 ]+)<', html)
    return base64.b32decode(match.group(1).replace(" ", ""))


def _cookies(response, jar: dict) -> None:
    for name, value in response.headers.items():
        if name == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            jar[key] = val


def _cookie_header(jar: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def _form_post(base, path, jar, fields, source):
    return request_from(
        source, base + path, method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Cookie": _cookie_header(jar), "Referer": base + path},
        body=urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": jar["csrftoken"]}),
    )


def login_through_pages(base: str, username: str, password: str, *, source="127.0.0.1") -> dict:
    """Log in through ``/accounts/login/`` (and the second factor when asked); returns
    {"cookie": header, "csrf": token}."""
    from django.contrib.auth import get_user_model

    jar: dict = {}
    page = request_from(source, base + "/accounts/login/")
    _cookies(page, jar)
    response = _form_post(base, "/accounts/login/", jar,
                          {"username": username, "password": password}, source)
    _cookies(response, jar)
    if response.status != 302:
        raise AssertionError(f"login failed: {response.status} "
                             f"{re.sub(rb'<[^>]+>', b' ', response.body)[:300]!r}")
    probe = request_from(source, base + "/accounts/profile/",
                         headers={"Cookie": _cookie_header(jar)})
    location = probe.headers.get("location", "")
    user = get_user_model().objects.get(username=username)
    if location.startswith("/accounts/two-factor/setup/"):
        page = request_from(source, base + "/accounts/two-factor/setup/",
                            headers={"Cookie": _cookie_header(jar)})
        _cookies(page, jar)
        # Typed into the app from the key the page shows, as a person would.
        code = code_from_key(key_from_setup_page(page.body.decode()))
        step = _form_post(base, "/accounts/two-factor/setup/", jar, {"code": code}, source)
        assert step.status == 200 and b"recovery codes" in step.body.lower(), step.status
        _cookies(step, jar)
    elif location.startswith("/accounts/two-factor/verify/"):
        step = _form_post(base, "/accounts/two-factor/verify/", jar, {"code": code_for(user)},
                          source)
        assert step.status == 302, step.status
        _cookies(step, jar)
    return {"cookie": _cookie_header(jar), "csrf": jar["csrftoken"]}


__all__ = ["HARNESS_DEVICE", "code_for", "login_through_pages", "mark_verified_on_login"]
