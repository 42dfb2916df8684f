"""Cached pages are never older than the last write, whichever process wrote (issue 14).

Two app servers (one gunicorn worker each, so two processes with their own memory tier) on
the test database and Redis. A logged-in reader warms server B's caches (the plan's lists,
the meeting list), a writer edits a milestone and a meeting through server A's API, and the
very next logged-in request to B shows the new values.
"""

import json

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY

from secretariat.mfa import sessions_end_all
from secretariat.tokens import token_create
from tests.meetings.factories import MeetingFactory
from tests.nginx import Gunicorn, request_from
from tests.workgroups.factories import MilestoneFactory


def _session_cookie(user) -> str:
    """A session past the second factor, as the login pages leave it (tests/mfa.py)."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "secretariat.auth.PortalModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = "tests.harness/verified"
    session.create()
    return f"sessionid={session.session_key}"


def _get(node, path, cookie):
    response = request_from("127.0.0.1", node.url + path, headers={"Cookie": cookie})
    assert response.status == 200, (path, response.status, response.body[:300])
    return response.body.decode()


def _patch(node, path, token, etag, body):
    response = request_from("127.0.0.1", node.url + path, method="PATCH",
                            body=json.dumps(body),
                            headers={"Authorization": f"Token {token}", "If-Match": etag,
                                     "Content-Type": "application/json"})
    assert response.status == 200, (path, response.status, response.body[:300])


@pytest.mark.usefixtures("transactional_db")
def test_a_write_on_one_process_is_read_on_the_next_request_to_another(secretariat, delegate):
    milestone = MilestoneFactory(progress=10)
    meeting = MeetingFactory(city="Vientiane")
    _, token = token_create(user=secretariat, name="writer")
    reader = _session_cookie(delegate)
    list_path = "/api/v1/milestones/?limit=50"
    with Gunicorn(workers=1) as a, Gunicorn(workers=1) as b:
        # B caches what the reader sees (and reads it twice: the second is a cache hit).
        for _ in range(2):
            rows = json.loads(_get(b, list_path, reader))["results"]
            assert [r["progress"] for r in rows if r["id"] == milestone.pk] == [10]
            assert "Vientiane" in _get(b, "/meetings/", reader)
            assert "Vientiane" in _get(b, f"/meetings/{meeting.pk}/", reader)

        _patch(a, f"/api/v1/milestones/{milestone.pk}/", token, '"1"', {"progress": 70})
        _patch(a, f"/api/v1/meetings/{meeting.pk}/", token, f'"{meeting.version}"',
               {"city": "Luang Prabang"})

        rows = json.loads(_get(b, list_path, reader))["results"]
        assert [r["progress"] for r in rows if r["id"] == milestone.pk] == [70]
        listing = _get(b, "/meetings/", reader)
        assert "Luang Prabang" in listing and "Vientiane" not in listing
        assert "Luang Prabang" in _get(b, f"/meetings/{meeting.pk}/", reader)
        assert "Luang Prabang" in _get(a, "/meetings/", reader)


@pytest.mark.usefixtures("transactional_db")
def test_a_deactivation_or_ended_session_holds_on_a_process_that_cached_the_person(
        delegate, secretariat):
    """Sessions come from Redis and users from each process's memory: both must give way at
    the very next request after the person is deactivated or their sessions are ended."""
    first, second = _session_cookie(delegate), _session_cookie(secretariat)
    with Gunicorn(workers=1) as b:
        for _ in range(2):  # the second request is served from the caches
            assert "Log out" in _get(b, "/accounts/profile/", first)
            assert "Log out" in _get(b, "/accounts/profile/", second)

        delegate.is_active = False
        delegate.save()
        sessions_end_all(user=secretariat)

        for cookie in (first, second):
            response = request_from("127.0.0.1", b.url + "/accounts/profile/",
                                    headers={"Cookie": cookie})
            assert response.status == 302, response.body[:200]
