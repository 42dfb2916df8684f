"""Behind the real front proxy (issue 10): Debian's nginx with deploy/nginx/portal.conf in front
of gunicorn, clients on distinct loopback addresses.

Given nginx trusted by the portal (``TRUSTED_PROXIES=127.0.0.1/32``, nginx connects from
127.0.0.1) and clients at 127.0.0.10 (attacker) and 127.0.0.20 (victim): throttles count the
real client whatever ``X-Forwarded-For`` it forges, lockouts hit only the attacker, and the
download log records the client, not the proxy.
"""

import json
import urllib.parse

import pytest
from django.conf import settings

from meetings.models import AccessLevel, DownloadLog
from tests.factories import TEST_PASSWORD, make_person
from tests.meetings.factories import DocumentFactory
from tests.nginx import Gunicorn, Nginx, request_from

ATTACKER, VICTIM = "127.0.0.10", "127.0.0.20"


@pytest.fixture
def stack(transactional_db, tmp_path):
    redis_db = settings.CACHES["default"]["LOCATION"]
    env = {
        "TRUSTED_PROXIES": "127.0.0.1/32",
        "FILE_DELIVERY": "nginx",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "REDIS_URL": redis_db,
    }
    with Gunicorn(env=env) as app, Nginx(upstream=app.address,
                                          media_root=settings.MEDIA_ROOT) as proxy:
        yield app, proxy


def _token(proxy, source, username, password, forged=None):
    headers = {"Content-Type": "application/json"}
    if forged:
        headers["X-Forwarded-For"] = forged
    return request_from(
        source, proxy.url + "/api/v1/auth/token/", method="POST", headers=headers,
        body=json.dumps({"username": username, "password": password}),
    )


def test_rotating_x_forwarded_for_does_not_bypass_the_token_throttle(stack):
    _, proxy = stack
    rate = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"].split("/")[0])
    statuses = [
        _token(proxy, ATTACKER, f"nobody{i}", "wrong", forged=f"198.51.100.{i}").status
        for i in range(rate + 5)
    ]
    assert statuses[:rate] == [400] * rate
    assert set(statuses[rate:]) == {429}
    # Another client behind the same proxy has its own allowance.
    assert _token(proxy, VICTIM, "nobody", "wrong").status == 400


def test_rotating_x_forwarded_for_does_not_bypass_the_feed_throttle(stack):
    _, proxy = stack
    statuses = [
        request_from(ATTACKER, proxy.url + "/consultations/calendar.ics",
                     headers={"X-Forwarded-For": f"203.0.113.{i % 250}"}).status
        for i in range(70)
    ]
    assert 429 in statuses
    assert statuses.index(429) == 60
    assert request_from(VICTIM, proxy.url + "/consultations/calendar.ics").status == 200


def _login(proxy, source, username, password):
    page = request_from(source, proxy.url + "/accounts/login/")
    cookie = page.headers["set-cookie"].split(";", 1)[0]
    csrf = cookie.split("=", 1)[1]
    return request_from(
        source, proxy.url + "/accounts/login/", method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
                 "X-Forwarded-For": "192.0.2.1"},
        body=urllib.parse.urlencode({"username": username, "password": password,
                                     "csrfmiddlewaretoken": csrf}),
    )


def test_failed_logins_lock_the_attacker_not_a_victim_behind_the_same_proxy(stack, malaysia):
    from secretariat.models import Role

    make_person("victim.my", Role.DELEGATE, administration=malaysia)
    _, proxy = stack
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [_login(proxy, ATTACKER, "victim.my", "not-the-password").status
                for _ in range(limit)]
    # The form is shown again after each failure; the failure that reaches the limit locks.
    assert statuses == [200] * (limit - 1) + [429]
    # The attacker is now locked out even with the right password...
    assert _login(proxy, ATTACKER, "victim.my", TEST_PASSWORD).status == 429
    # ...while the victim, behind the same nginx, logs in.
    response = _login(proxy, VICTIM, "victim.my", TEST_PASSWORD)
    assert response.status == 302, response.body[:500]
    assert response.headers["location"] == "/"


def test_download_goes_through_x_accel_redirect_and_logs_the_client(stack):
    _, proxy = stack
    document = DocumentFactory(access_level=AccessLevel.PUBLIC, title="Public paper")
    version = document.current_version
    response = request_from(VICTIM, proxy.url + f"/documents/{document.pk}/download/",
                            headers={"X-Forwarded-For": "10.9.9.9"})
    assert response.status == 200, response.body[:300]
    assert response.body == version.file.open("rb").read()
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "sandbox"
    assert "x-accel-redirect" not in response.headers
    log = DownloadLog.objects.get(version=version)
    assert log.ip == VICTIM
    # The internal location cannot be asked for directly.
    direct = request_from(VICTIM, proxy.url + "/protected-media/" + version.file.name)
    assert direct.status == 404
