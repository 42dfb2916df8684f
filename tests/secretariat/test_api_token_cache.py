"""The verified-token copy of ``secretariat.tokens`` (issue 14): a token this process has
checked costs no query on its next request, and every change that ends or alters what it
stands for (revocation, expiry, a password change, deactivation, a new role) shows on the very
next request, here or on another process."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from knox.crypto import hash_token

from secretariat import tokens
from secretariat.models import ApiToken, Role
from secretariat.tokens import TOKENS, PortalTokenAuthentication, token_create

ME = "/api/v1/me/"


def _me(client, token):
    client.logout()
    return client.get(ME, headers={"Authorization": f"Token {token}"})


def _authenticate(token: str):
    return PortalTokenAuthentication().authenticate_credentials(token.encode())


@pytest.fixture
def token(delegate):
    _row, text = token_create(user=delegate, name="Integration")
    return text


def test_a_verified_token_costs_no_query_the_next_time(delegate, token,
                                                       django_assert_num_queries):
    # first sight: token + user + profile in one query; the first use is noted (update) and
    # the person's expired tokens are looked for (one query, nothing to delete).
    with django_assert_num_queries(3):
        user, row = _authenticate(token)
    assert user == delegate and row.user_id == delegate.pk
    # the same token again: from this process's copy, its use noted less than a minute ago.
    with django_assert_num_queries(0):
        user, row = _authenticate(token)
    assert user.username == delegate.username
    assert user.profile.role == Role.DELEGATE  # the profile came along: no query
    assert user.profile.administration_id == delegate.profile.administration_id


def test_the_copy_is_never_the_instance_of_another_request(token):
    first, _ = _authenticate(token)
    first.first_name = "Changed by a request"
    second, _ = _authenticate(token)
    assert second.first_name != "Changed by a request"


def test_a_revoked_token_is_refused_on_the_next_request(delegate, token, client):
    assert _me(client, token).status_code == 200
    assert _me(client, token).status_code == 200  # from the copy
    client.force_login(delegate)
    digest = ApiToken.objects.get(user=delegate).digest
    assert client.post(reverse("token_revoke"), {"digest": digest}).status_code == 302
    assert _me(client, token).status_code == 401


def test_an_expired_copy_is_refused_at_the_instant(delegate, token, client):
    assert _me(client, token).status_code == 200
    expiry = ApiToken.objects.get(user=delegate).expiry
    with time_machine.travel(expiry - dt.timedelta(seconds=1)):
        assert _me(client, token).status_code == 200
    with time_machine.travel(expiry + dt.timedelta(seconds=1)):
        assert _me(client, token).status_code == 401
    assert not ApiToken.objects.filter(user=delegate).exists()  # knox deletes it


def test_a_password_change_ends_the_copy(delegate, token, client):
    assert _me(client, token).status_code == 200
    delegate.set_password("a new long passphrase 2026")
    delegate.save()
    assert _me(client, token).status_code == 401


def test_deactivation_ends_the_copy(delegate, token, client):
    assert _me(client, token).status_code == 200
    delegate.is_active = False
    delegate.save(update_fields=["is_active"])
    assert _me(client, token).status_code == 401


def test_a_new_role_shows_on_the_next_request(delegate, token, client):
    assert _me(client, token).json()["role"] == Role.DELEGATE
    profile = delegate.profile
    profile.role = Role.CHAIR
    profile.save()
    assert _me(client, token).json()["role"] == Role.CHAIR


def test_a_login_elsewhere_keeps_the_copy(delegate, token, django_assert_num_queries):
    """``last_login`` is the one save of a user that changes nothing a token stands for."""
    from django.contrib.auth.models import update_last_login

    _authenticate(token)
    update_last_login(None, delegate)  # what every login does
    with django_assert_num_queries(0):
        _authenticate(token)


def test_a_revocation_on_another_process_ends_this_process_copy(delegate, token, client):
    """Another process revokes: its row delete sends no signal here, but it moves the shared
    version, which this process reads on every request."""
    assert _me(client, token).status_code == 200
    with connection.cursor() as cursor:  # the other process's delete, unseen by this one
        cursor.execute("DELETE FROM secretariat_apitoken WHERE user_id = %s", [delegate.pk])
    cache.set(TOKENS.key, "moved by the other process", timeout=None)
    assert _me(client, token).status_code == 401


def test_without_the_shared_cache_nothing_is_kept(delegate, token, client, monkeypatch):
    monkeypatch.setattr(TOKENS, "current", lambda: None)
    assert _me(client, token).status_code == 200
    assert hash_token(token) not in tokens._verified
    ApiToken.objects.filter(user=delegate).delete()
    assert _me(client, token).status_code == 401


def test_the_person_expired_tokens_are_swept_when_a_use_is_noted(delegate, token):
    old = token_create(user=delegate, name="Old")[0]
    ApiToken.objects.filter(pk=old.pk).update(expiry=timezone.now() - dt.timedelta(days=1))
    _authenticate(token)
    assert list(ApiToken.objects.filter(user=delegate).values_list("name", flat=True)) == [
        "Integration"]
