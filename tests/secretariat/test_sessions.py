"""Sessions from the shared cache and users kept per process (issue 14): what a logged-in
request no longer asks the database must still be right at the next request."""

import pytest
from django.conf import settings
from django.core.cache import cache

from secretariat.sessions import SessionStore
from tests.secretariat.test_accounts import post_login, session_cookie


def _entry_seconds_left(session_key: str) -> int:
    key = cache.make_key(SessionStore.cache_key_prefix + session_key)
    return cache._cache.get_client(key).ttl(key)


@pytest.mark.django_db
def test_a_cached_session_lives_at_most_the_short_entry_lifetime(client, delegate, password):
    post_login(client, delegate.username, password)
    client.get("/accounts/profile/")
    seconds = _entry_seconds_left(session_cookie(client).value)
    # Far below the 30-minute idle limit: a session ended while Redis could not be told is
    # refused from the database once this entry is gone.
    assert 0 < seconds <= settings.SESSION_CACHE_SECONDS < settings.SESSION_COOKIE_AGE


@pytest.mark.django_db
def test_a_session_deleted_from_the_database_behind_the_cache_is_still_the_record(
        client, delegate, password):
    post_login(client, delegate.username, password)
    key = session_cookie(client).value
    assert client.get("/accounts/profile/").status_code == 200
    # Redis flushed (a restart without persistence): the table answers, nothing is lost.
    cache.delete(SessionStore.cache_key_prefix + key)
    assert client.get("/accounts/profile/").status_code == 200
    SessionStore(key).delete()
    assert client.get("/accounts/profile/").status_code == 302


@pytest.mark.django_db
def test_a_role_change_shows_at_the_next_request(client, delegate, password):
    post_login(client, delegate.username, password)
    assert client.get("/api/v1/me/").json()["role"] == "delegate"
    profile = delegate.profile
    profile.role = "chair"
    profile.save()
    assert client.get("/api/v1/me/").json()["role"] == "chair"


@pytest.mark.django_db
def test_nothing_one_request_sets_on_its_user_reaches_the_next(client, delegate, password):
    from secretariat import auth

    post_login(client, delegate.username, password)
    client.get("/accounts/profile/")
    backend = auth.PortalModelBackend()
    first = backend.get_user(delegate.pk)
    first.first_name = "Changed in memory only"
    assert backend.get_user(delegate.pk).first_name != "Changed in memory only"


@pytest.mark.real_second_factor
@pytest.mark.django_db
def test_a_session_short_of_the_code_step_asks_for_devices_once(client, delegate, password):
    """Most delegates never enrol, so their sessions never pass the code step and the device
    check runs on every request: once per accounts' version, not once per request. An
    enrolment (here made elsewhere: a device saved) is seen at the next request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_otp.plugins.otp_totp.models import TOTPDevice

    post_login(client, delegate.username, password)
    client.get("/meetings/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/meetings/").status_code == 200
    assert not [q for q in queries if "otp_" in q["sql"]]
    TOTPDevice.objects.create(user=delegate, name="phone", confirmed=True)
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/verify/")
