"""``secretariat.dataversion``: a version connected from two apps keeps both connections, and
a value cached under two scopes (``also=``) is rebuilt after a write to either (issue 14)."""

import gc

import pytest

from secretariat.dataversion import DataVersion
from secretariat.models import Administration, Partner

pytestmark = pytest.mark.django_db


def _counter():
    calls = []

    def build():
        calls.append(1)
        return len(calls)

    return build, calls


def test_a_second_connect_keeps_the_first(malaysia, wco):
    version = DataVersion("test-two-connects")
    version.connect([Administration])
    version.connect([Partner])
    gc.collect()  # signals hold receivers weakly
    build, _calls = _counter()
    assert version.cached(("x",), build) == 1
    malaysia.save()
    assert version.cached(("x",), build) == 2
    wco.save()
    assert version.cached(("x",), build) == 3
    assert version.cached(("x",), build) == 3


def test_a_value_under_two_scopes_follows_both():
    first, second = DataVersion("test-scope-a"), DataVersion("test-scope-b")
    build, _calls = _counter()
    assert first.cached(("x",), build, also=[second]) == 1
    assert first.cached(("x",), build, also=[second]) == 1
    second.bump()
    assert first.cached(("x",), build, also=[second]) == 2
    first.bump()
    assert first.cached(("x",), build, also=[second]) == 3
    # Not the same entry as the value under one scope.
    assert first.cached(("x",), build) == 4
