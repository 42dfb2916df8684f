"""Log in and out, login throttling (T8), session lifetime (T9) and the password policy (T10)."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from secretariat.models import Role
from tests.factories import AdministrationFactory, make_person

LOGIN = "/accounts/login/"
START = dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC)
LONG_PASSPHRASE = ("the joint media statement is adopted by all members " * 3)[:128]


def post_login(client, username, password, ip="203.0.113.10"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def session_cookie(client):
    from django.conf import settings

    return client.cookies.get(settings.SESSION_COOKIE_NAME)


@pytest.mark.django_db
def test_login_then_logout(client, delegate, password):
    response = post_login(client, delegate.username, password)
    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 302  # back to the login page


@pytest.mark.django_db
def test_wrong_password_shows_an_error_and_does_not_log_in(client, delegate):
    response = post_login(client, delegate.username, "not the password")
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_after_the_failure_limit_even_with_the_right_password(client, delegate, password,
                                                                     settings):
    """T8: N wrong passwords from one IP lock that username/IP pair; attempt N+1 is 429."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert post_login(client, delegate.username, "wrong password").status_code == 200
    # The N-th failure locks the pair at once.
    assert post_login(client, delegate.username, "wrong password").status_code == 429
    response = post_login(client, delegate.username, password)
    assert response.status_code == 429
    assert b"Too many failed log-in attempts" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_attacker_elsewhere_cannot_lock_the_delegate_out(client, delegate, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, delegate.username, "wrong password", ip="198.51.100.66")
    response = post_login(client, delegate.username, password, ip="203.0.113.10")
    assert response.status_code == 302


@pytest.mark.django_db
def test_lockout_ends_after_the_cool_off(client, delegate, password, settings):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            post_login(client, delegate.username, "wrong password")
        assert post_login(client, delegate.username, password).status_code == 429
        traveller.shift(settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=1))
        assert post_login(client, delegate.username, password).status_code == 302


@pytest.mark.django_db
def test_lockouts_are_visible_to_the_secretariat_in_the_admin(client, delegate, secretariat,
                                                              settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, delegate.username, "wrong password")
    client.force_login(secretariat)
    secretariat.is_superuser = True  # the admin list needs the axes view permission
    secretariat.save()
    response = client.get("/admin/axes/accessattempt/")
    assert response.status_code == 200
    assert delegate.username.encode() in response.content


@pytest.mark.django_db
def test_token_endpoint_is_locked_out_like_the_login_page(client, delegate, password, settings):
    url = "/api/v1/auth/token/"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": delegate.username, "password": "wrong"},
                               REMOTE_ADDR="203.0.113.10")
        assert response.status_code == 400
    client.post(url, {"username": delegate.username, "password": "wrong"},
                REMOTE_ADDR="203.0.113.10")
    response = client.post(url, {"username": delegate.username, "password": password},
                           REMOTE_ADDR="203.0.113.10")
    assert response.status_code == 429
    assert "token" not in response.json()
    assert "Too many failed log-in attempts" in response.json()["detail"]


@pytest.mark.django_db
def test_admin_login_is_locked_out_too(client, secretariat, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": secretariat.username, "password": "wrong"})
    response = client.post("/admin/login/", {"username": secretariat.username,
                                              "password": password})
    assert response.status_code == 429


# --- Sessions (T9) ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_session_id_changes_at_login(client, delegate, password):
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    post_login(client, delegate.username, password)
    assert client.session.session_key != before


@pytest.mark.django_db
def test_a_replayed_cookie_after_logout_is_anonymous(client, delegate, password, settings):
    post_login(client, delegate.username, password)
    old_cookie = session_cookie(client).value
    client.post("/accounts/logout/")
    client.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    assert client.get("/accounts/profile/").status_code == 302


@pytest.mark.django_db
def test_idle_session_ends_after_30_minutes(client, delegate, password):
    with time_machine.travel(START, tick=False) as traveller:
        post_login(client, delegate.username, password)
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get("/accounts/profile/").status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        assert client.get("/accounts/profile/").status_code == 302


@pytest.mark.django_db
def test_active_session_ends_12_hours_after_login(client, delegate, password):
    with time_machine.travel(START, tick=False) as traveller:
        post_login(client, delegate.username, password)
        for _ in range(24):  # active every 29 minutes for 11 h 36 min
            traveller.shift(dt.timedelta(minutes=29))
            assert client.get("/accounts/profile/").status_code == 200
        traveller.shift(dt.timedelta(minutes=25))  # 12 h 01 min after login
        assert client.get("/accounts/profile/").status_code == 302


@pytest.mark.django_db
def test_deactivated_user_is_anonymous_at_the_next_request(client, delegate, password):
    post_login(client, delegate.username, password)
    get_user_model().objects.filter(pk=delegate.pk).update(is_active=False)
    assert client.get("/accounts/profile/").status_code == 302


@pytest.mark.django_db
def test_password_change_ends_the_other_sessions(client, delegate, password):
    other = Client()
    post_login(other, delegate.username, password)
    post_login(client, delegate.username, password)
    new_password = "a much longer passphrase for ASEAN customs"
    response = client.post("/accounts/password_change/", {
        "old_password": password, "new_password1": new_password, "new_password2": new_password,
    })
    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200  # this session carries on
    assert other.get("/accounts/profile/").status_code == 302  # the other one is gone


# --- Password policy (T10) ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("candidate", "accepted"),
    [
        ("Kx9#mPq2$vL", False),  # 11 characters
        ("password1234", False),  # on the common-password list
        ("Asean2026!", False),
        (LONG_PASSPHRASE, True),
        ("Hải quan ASEAN họp tại Phú Quốc", True),  # non-Latin passphrase
    ],
)
@pytest.mark.django_db
def test_password_policy(client, delegate, password, candidate, accepted):
    assert len(LONG_PASSPHRASE) == 128
    client.force_login(delegate)
    response = client.post("/accounts/password_change/", {
        "old_password": password, "new_password1": candidate, "new_password2": candidate,
    })
    if accepted:
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        assert response.context["form"].errors["new_password2"]


@pytest.mark.django_db
def test_password_reset_by_email_and_the_link_expires(client, settings):
    user = make_person("reset.me", Role.DELEGATE, administration=AdministrationFactory(code="ID"))
    response = client.post("/accounts/password_reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as traveller:
        token = default_token_generator.make_token(user)
        traveller.shift(dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60))
        response = client.get(f"/accounts/reset/{uid}/{token}/", follow=True)
    assert b"This link is no longer valid" in response.content


@pytest.mark.django_db
def test_an_active_session_is_written_at_most_once_a_minute(client, delegate, password,
                                                           django_assert_num_queries):
    with time_machine.travel(START, tick=False) as traveller:
        post_login(client, delegate.username, password)
        client.get("/accounts/profile/")
        # the session from Redis, the user from this process (issue 14): no query at all, and
        # no write while the last refresh is under a minute old
        with django_assert_num_queries(0):
            client.get("/healthz/live")
        traveller.shift(dt.timedelta(seconds=61))
        with django_assert_num_queries(3):  # the refresh (UPDATE inside a savepoint pair)
            client.get("/healthz/live")
