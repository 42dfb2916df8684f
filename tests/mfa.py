"""Logging in as a real browser would, over HTTP, for tests that talk to a served portal."""

import re
import urllib.parse

from tests.nginx import request_from


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
    """Log in through ``/accounts/login/``; returns {"cookie": header, "csrf": token}."""
    jar: dict = {}
    page = request_from(source, base + "/accounts/login/")
    _cookies(page, jar)
    response = _form_post(base, "/accounts/login/", jar,
                          {"username": username, "password": password}, source)
    _cookies(response, jar)
    if response.status != 302:
        raise AssertionError(f"login failed: {response.status} "
                             f"{re.sub(rb'<[^>]+>', b' ', response.body)[:300]!r}")
    return {"cookie": _cookie_header(jar), "csrf": jar["csrftoken"]}
