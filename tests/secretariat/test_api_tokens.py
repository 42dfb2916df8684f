"""API tokens (issue 10, item 5): hashed, expiring, revoked with the password, listed and
revocable on the profile page."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from secretariat.models import ApiToken
from tests.factories import TEST_PASSWORD

ME = "/api/v1/me/"
TOKEN = "/api/v1/auth/token/"


def _token(client, user, **extra) -> dict:
    response = client.post(TOKEN, {"username": user.username, "password": TEST_PASSWORD,
                                   **extra}, content_type="application/json")
    assert response.status_code == 200, response.json()
    return response.json()


def _me(client, token):
    client.logout()
    return client.get(ME, headers={"Authorization": f"Token {token}"})


def test_token_exchange_keeps_its_shape_and_the_token_is_stored_hashed(delegate, client):
    body = _token(client, delegate, name="Malaysia customs system")
    assert set(body) == {"token", "expiry"}
    expiry = dt.datetime.fromisoformat(body["expiry"])
    assert dt.timedelta(days=29) < expiry - timezone.now() <= dt.timedelta(days=30)
    row = ApiToken.objects.get(user=delegate)
    assert row.name == "Malaysia customs system"
    assert body["token"] not in (row.digest, row.token_key)
    assert body["token"].startswith(row.token_key)
    assert _me(client, body["token"]).json()["username"] == delegate.username


def test_each_login_is_its_own_token(delegate, client):
    first, second = _token(client, delegate)["token"], _token(client, delegate)["token"]
    assert first != second
    assert ApiToken.objects.filter(user=delegate).count() == 2


def test_an_expired_token_is_refused(delegate, client):
    token = _token(client, delegate)["token"]
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        response = _me(client, token)
    assert response.status_code == 401
    assert not ApiToken.objects.filter(user=delegate).exists()  # knox deletes it


def test_old_tokens_stop_working_after_a_password_change(delegate, client):
    token = _token(client, delegate)["token"]
    assert _me(client, token).status_code == 200
    client.force_login(delegate)
    response = client.post(reverse("password_change"), {
        "old_password": TEST_PASSWORD, "new_password1": "a new long passphrase 2026",
        "new_password2": "a new long passphrase 2026"})
    assert response.status_code == 302
    assert _me(client, token).status_code == 401


def test_deactivation_revokes_tokens(delegate, client):
    token = _token(client, delegate)["token"]
    delegate.is_active = False
    delegate.save()
    delegate.is_active = True
    delegate.save()
    assert _me(client, token).status_code == 401


def test_logout_everywhere_ends_sessions_and_tokens(delegate, client):
    from django.test import Client

    token = _token(client, delegate)["token"]
    other_browser = Client()
    other_browser.force_login(delegate)
    assert other_browser.get("/accounts/profile/").status_code == 200
    client.force_login(delegate)
    response = client.post(reverse("logout_everywhere"))
    assert response.status_code == 302
    assert other_browser.get("/accounts/profile/").status_code == 302
    assert client.get("/accounts/profile/").status_code == 302
    assert _me(client, token).status_code == 401


def test_profile_lists_tokens_with_last_use_and_revokes_one(delegate, client):
    kept = _token(client, delegate, name="Kept")["token"]
    revoked = _token(client, delegate, name="Revoked")["token"]
    assert _me(client, kept).status_code == 200
    client.force_login(delegate)
    page = client.get(reverse("profile")).content.decode()
    assert "Kept" in page and "Revoked" in page
    assert "Last used never" in page  # "Revoked" was never used
    assert page.count("Last used never") == 1
    row = ApiToken.objects.get(name="Revoked")
    response = client.post(reverse("token_revoke"), {"digest": row.digest})
    assert response.status_code == 302
    assert _me(client, revoked).status_code == 401
    assert _me(client, kept).status_code == 200


def test_nobody_revokes_someone_elses_token(delegate, delegate_b, client):
    token = _token(client, delegate)["token"]
    client.force_login(delegate_b)
    row = ApiToken.objects.get(user=delegate)
    assert client.post(reverse("token_revoke"), {"digest": row.digest}).status_code == 404
    assert _me(client, token).status_code == 200


@pytest.mark.parametrize("header", ["Token not-a-token", "Token " + "0" * 64, "Token"])
def test_bad_tokens_are_401(header, client, db):
    assert client.get(ME, headers={"Authorization": header}).status_code == 401
