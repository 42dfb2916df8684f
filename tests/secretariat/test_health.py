"""Readiness and liveness (T25)."""

import socket
import threading

import pytest

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused


@pytest.fixture
def hung_redis():
    """A server that accepts TCP connections and never answers (QUALITY.md fact 4)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


@pytest.mark.django_db
def test_ready_when_database_and_redis_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok", "checks": {"database": "ok", "redis": "ok", "outbox": "ok"},
        "oldest_due_unsent_seconds": 0,
    }


@pytest.mark.django_db
def test_not_ready_when_redis_is_down_and_no_detail_for_anonymous(client, settings):
    settings.REDIS_URL = DEAD_REDIS
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down",
                               "checks": {"database": "ok", "redis": "down", "outbox": "ok"},
                               "oldest_due_unsent_seconds": 0}


@pytest.mark.django_db
def test_secretariat_sees_the_details(client, settings, secretariat):
    settings.REDIS_URL = DEAD_REDIS
    client.force_login(secretariat)
    body = client.get("/healthz").json()
    assert body["details"]["redis"]["detail"] == "ConnectionError"
    assert body["details"]["database"]["ok"] is True


@pytest.mark.django_db
def test_a_hung_redis_fails_the_check_within_the_socket_timeout(client, settings, hung_redis):
    settings.REDIS_URL = hung_redis
    settings.REDIS_SOCKET_TIMEOUT = 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "down"


@pytest.mark.django_db
def test_without_redis_configured_only_the_database_is_checked(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "outbox": "ok"}


@pytest.mark.django_db
def test_liveness_answers_without_touching_the_database(client, settings,
                                                        django_assert_num_queries):
    settings.REDIS_URL = DEAD_REDIS
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
