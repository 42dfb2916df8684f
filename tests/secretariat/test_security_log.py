"""Security events as JSON log lines (T21)."""

import json
import logging

import pytest
from rest_framework.throttling import ScopedRateThrottle

from secretariat.logging import JsonFormatter, RequestIdFilter

SECRET = "correct horse battery staple"


def events(caplog):
    return [r for r in caplog.records if r.name == "secretariat.security"]


def formatted(record) -> str:
    RequestIdFilter().filter(record)
    return JsonFormatter().format(record)


@pytest.mark.django_db
def test_failed_and_successful_logins_are_logged_without_the_password(client, delegate, caplog):
    caplog.set_level(logging.INFO, logger="secretariat.security")
    client.post("/accounts/login/", {"username": delegate.username, "password": "wrong-" + SECRET},
                REMOTE_ADDR="203.0.113.7")
    client.post("/accounts/login/", {"username": delegate.username, "password": SECRET},
                REMOTE_ADDR="203.0.113.7")
    records = events(caplog)
    assert [r.event for r in records] == ["login_failed", "login_succeeded"]
    for record in records:
        line = json.loads(formatted(record))
        assert line["user"] == delegate.username
        assert line["ip"] == "203.0.113.7"
        assert line["time"].endswith("+00:00")
        assert len(line["request_id"]) == 32
        assert SECRET not in formatted(record)


@pytest.mark.django_db
def test_denied_access_and_throttling_are_logged(client, partner, caplog, monkeypatch):
    caplog.set_level(logging.INFO, logger="secretariat.security")
    client.force_login(partner)
    response = client.get("/admin/")  # a partner is not staff: the admin refuses with a redirect
    assert response.status_code == 302
    client.logout()
    assert client.get("/api/v1/me/").status_code == 401
    # DRF reads the rates when the throttle class is defined, so patch the class.
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token": "1/min"})
    client.post("/api/v1/auth/token/", {"username": "x", "password": "y"})
    response = client.post("/api/v1/auth/token/", {"username": "x", "password": "y"})
    assert response.status_code == 429
    names = [r.event for r in events(caplog)]
    assert "access_denied" in names
    assert "throttled" in names


@pytest.mark.django_db
def test_a_username_with_a_newline_cannot_forge_a_log_line(client, caplog):
    caplog.set_level(logging.INFO, logger="secretariat.security")
    forged = 'mallory\n{"level":"info","event":"login_succeeded"}'
    client.post("/accounts/login/", {"username": forged, "password": "x"})
    [record] = events(caplog)
    line = formatted(record)
    assert "\n" not in line
    assert json.loads(line)["user"] == forged


@pytest.mark.django_db
def test_the_request_id_comes_back_in_a_header(client):
    response = client.get("/", headers={"X-Request-ID": "proxy-abc-12345"})
    assert response["X-Request-ID"] == "proxy-abc-12345"
    junk = client.get("/", headers={"X-Request-ID": "bad id\nwith newline"})
    assert junk["X-Request-ID"] != "bad id\nwith newline"
    assert len(junk["X-Request-ID"]) == 32
