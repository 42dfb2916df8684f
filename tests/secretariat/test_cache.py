"""A Redis outage degrades the cache to misses; it never turns pages into 500s."""

import logging

import pytest
from django.core.cache import caches

DEAD = "redis://127.0.0.1:1/0"


@pytest.fixture
def dead_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "secretariat.cache.ResilientRedisCache",
            "LOCATION": DEAD,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    yield caches["default"]


def test_reads_miss_and_writes_are_dropped_with_a_warning(dead_cache, caplog):
    caplog.set_level(logging.WARNING, logger="secretariat.cache")
    assert dead_cache.get("roll-up", "fallback") == "fallback"
    assert dead_cache.get("roll-up") is None
    dead_cache.set("roll-up", 42)
    assert dead_cache.get_many(["a", "b"]) == {}
    assert dead_cache.add("k", 1) is False
    assert [r.message for r in caplog.records].count("cache_unavailable") == 5


def test_a_live_redis_still_works_as_a_cache(settings):
    cache = caches["default"]
    cache.set("portal-test", {"progress": 55})
    assert cache.get("portal-test") == {"progress": 55}


@pytest.mark.django_db
def test_pages_and_throttled_api_answer_while_redis_is_down(client, dead_cache, delegate,
                                                            password):
    assert client.get("/").status_code == 200
    response = client.post("/api/v1/auth/token/",
                           {"username": delegate.username, "password": password})
    assert response.status_code == 200
    assert "token" in response.json()
