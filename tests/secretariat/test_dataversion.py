"""``secretariat.dataversion``: the one data-version implementation (issue 14)."""

import datetime as dt

import pytest
import time_machine
from django.http import HttpResponse
from django.test import RequestFactory

from secretariat import dataversion
from secretariat.dataversion import DataVersion
from secretariat.request_memo import RequestMemoMiddleware

# Inside the test's transaction, as writers are: the after-commit bump waits.
pytestmark = pytest.mark.django_db

A = DataVersion("test-a")
B = DataVersion("test-b")


def _in_a_get_request(fn):
    RequestMemoMiddleware(lambda request: fn() or HttpResponse())(RequestFactory().get("/"))


def test_a_request_reads_every_token_in_one_round_trip(monkeypatch):
    A.current(), B.current()  # both exist
    calls = []
    real = dataversion.cache.get_many
    monkeypatch.setattr(dataversion.cache, "get_many",
                        lambda keys: calls.append(keys) or real(keys))
    seen = []
    _in_a_get_request(lambda: seen.extend([A.current(), B.current(), A.current()]))
    assert len(calls) == 1 and seen[0] == seen[2]


def test_a_bump_inside_a_request_is_seen_at_once():
    seen = []

    def view():
        seen.append(A.current())
        A.bump()
        seen.append(A.current())

    _in_a_get_request(view)
    assert seen[0] != seen[1]


def test_a_batch_bumps_once_at_its_end(monkeypatch):
    bumps = []
    monkeypatch.setattr(A, "_new", lambda: bumps.append(1))
    with A.batch():
        A.bump()
        with A.batch():  # nested: still the outer one's single bump
            A.bump()
        assert bumps == []
    assert bumps == [1]  # the after-commit one waits for a commit that a test never makes
    B.bump()  # other versions are not held back by A's batch
    assert bumps == [1]


def test_a_batch_that_fails_does_not_bump(monkeypatch):
    bumps = []
    monkeypatch.setattr(A, "_new", lambda: bumps.append(1))
    with pytest.raises(RuntimeError), A.batch():
        A.bump()
        raise RuntimeError
    assert bumps == []


def test_cached_until_builds_again_from_the_instant_given():
    builds = []
    boundary = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)

    def build():
        builds.append(1)
        return f"built {len(builds)}", boundary

    with time_machine.travel(boundary - dt.timedelta(seconds=1), tick=False):
        assert A.cached_until(("x",), build) == "built 1"
        assert A.cached_until(("x",), build) == "built 1"
    with time_machine.travel(boundary, tick=False):
        assert A.cached_until(("x",), build) == "built 2"


def test_cached_is_keyed_by_its_parts_and_the_version():
    assert A.cached(("p", 1), lambda: "one") == "one"
    assert A.cached(("p", 1), lambda: "other") == "one"
    assert A.cached(("p", 2), lambda: "two") == "two"
    A.bump()
    assert A.cached(("p", 1), lambda: "after") == "after"
