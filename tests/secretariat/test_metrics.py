"""/metrics for Prometheus and the outbox backlog in /healthz (issue 15).

The scrape is parsed with prometheus_client's own parser, as Prometheus would read it.
"""

import datetime as dt

import pytest
import time_machine
from prometheus_client.parser import text_string_to_metric_families

from secretariat import outbox
from secretariat.models import DeliveryState, OutboxMessage

NOW = dt.datetime(2025, 3, 3, 3, 0, tzinfo=dt.UTC)  # a Monday, 10:00 in Jakarta


@pytest.fixture
def token(settings):
    return settings.METRICS_TOKEN


def _queue(obj, recipient: str, *, due: dt.datetime) -> OutboxMessage:
    message, _ = outbox.queue_email(purpose="reporting.reminder", obj=obj, recipient=recipient,
                                    template="emails/reminder", not_before=due)
    return message


def _scrape(client, token) -> dict:
    response = client.get("/metrics", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return {family.name: family for family in
            text_string_to_metric_families(response.content.decode())}


def _value(family, **labels) -> float:
    return sum(s.value for s in family.samples if labels.items() <= s.labels.items())


@pytest.mark.django_db
def test_anonymous_users_and_wrong_tokens_are_refused(client, secretariat, token):
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"authorization": "Bearer nope"}).status_code == 403
    assert client.get("/metrics", headers={"authorization": token}).status_code == 403
    client.force_login(secretariat)  # even the secretariat: a person is not a scraper
    assert client.get("/metrics").status_code == 403


@pytest.mark.django_db
def test_not_configured_means_no_endpoint(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_NETWORKS = []
    assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_a_scraper_network_needs_no_token(client, settings):
    settings.METRICS_NETWORKS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 403


@pytest.mark.django_db
def test_scrape_exposes_the_named_series(client, token, malaysia, thailand):
    from secretariat.tasks import sweep

    with time_machine.travel(NOW, tick=False):
        _queue(malaysia, "focal@customs.gov.my", due=NOW - dt.timedelta(hours=2))
        _queue(thailand, "focal@customs.go.th", due=NOW - dt.timedelta(minutes=5))
        sent = _queue(thailand, "head@customs.go.th", due=NOW - dt.timedelta(days=1))
        OutboxMessage.objects.filter(pk=sent.pk).update(state=DeliveryState.SENT)
        _queue(malaysia, "later@customs.gov.my", due=NOW + dt.timedelta(days=1))  # not due
        client.get("/healthz/live")
        sweep.apply()  # a task run (the outbox sweeper): counted by its signals
        families = _scrape(client, token)

    # Requests by view and their latencies (django-prometheus middleware).
    by_view = families["django_http_requests_total_by_view_transport_method"]
    assert _value(by_view, view="healthz-live", method="GET") >= 1
    latency = families["django_http_requests_latency_seconds_by_view_method"]
    assert latency.type == "histogram"
    assert _value(latency, view="healthz-live") > 0
    # Database and cache timings.
    assert families["django_db_query_duration_seconds"].type == "histogram"
    assert _value(families["django_db_execute"], vendor="postgresql") > 0
    cache = families["portal_cache_operation_seconds"]
    assert cache.type == "histogram"
    assert {s.labels["operation"] for s in cache.samples} >= {"clear"}
    # Celery tasks by state.
    tasks = families["portal_celery_tasks"]
    assert _value(tasks, task="secretariat.tasks.sweep", state="started") == 1
    assert _value(tasks, task="secretariat.tasks.sweep", state="succeeded") == 1
    # The outbox: messages by state, and the oldest due one's age (two hours, not the one of
    # the sent message or the one due tomorrow).
    messages = families["portal_outbox_messages"]
    assert _value(messages, state="pending") == 3
    assert _value(messages, state="sent") == 1
    assert _value(messages, state="failed") == 0
    oldest = families["portal_outbox_oldest_pending_seconds"]
    assert oldest.samples[0].value == 2 * 3600


@pytest.mark.django_db
def test_scrape_costs_the_same_queries_for_many_messages(client, token, malaysia,
                                                         django_assert_max_num_queries):
    for n in range(30):
        _queue(malaysia, f"focal{n}@customs.gov.my", due=NOW)
    # Two: messages grouped by state, and the oldest due one (plus the session-free request).
    with django_assert_max_num_queries(2):
        _scrape(client, token)


@pytest.mark.django_db
def test_healthz_answers_503_once_a_due_message_waits_too_long(client, settings, malaysia):
    settings.HEALTH_MAX_UNSENT_SECONDS = 3600
    with time_machine.travel(NOW, tick=False):
        _queue(malaysia, "focal@customs.gov.my", due=NOW - dt.timedelta(minutes=50))
        fresh = client.get("/healthz")
        assert fresh.status_code == 200
        assert fresh.json()["checks"]["outbox"] == "ok"
        assert fresh.json()["oldest_due_unsent_seconds"] == 50 * 60

        _queue(malaysia, "head@customs.gov.my", due=NOW - dt.timedelta(minutes=61))
        stale = client.get("/healthz")
    assert stale.status_code == 503
    assert stale.json()["checks"] == {"database": "ok", "redis": "ok", "outbox": "down"}
    assert stale.json()["oldest_due_unsent_seconds"] == 61 * 60


@pytest.mark.chaos
def test_several_gunicorn_workers_report_one_sum(transactional_db, tmp_path, token):
    """Given gunicorn with two workers sharing PROMETHEUS_MULTIPROC_DIR; when 12 requests are
    spread over them; then one scrape counts all 12, whichever worker answers it."""
    from tests.nginx import Gunicorn, request_from

    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {"PROMETHEUS_MULTIPROC_DIR": str(folder), "METRICS_TOKEN": token}
    with Gunicorn(env=env, workers=2) as app:
        for _ in range(12):
            request_from("127.0.0.1", app.url + "/healthz/live")
        scrape = request_from("127.0.0.1", app.url + "/metrics",
                              headers={"Authorization": f"Bearer {token}"})
        workers = app.worker_pids()
    families = {f.name: f for f in text_string_to_metric_families(scrape.body.decode())}
    by_view = families["django_http_requests_total_by_view_transport_method"]
    # 12 of ours; the start-up probe of the fixture may add a few more on /healthz/live.
    assert _value(by_view, view="healthz-live") >= 12
    assert len(workers) == 2
    # Each worker wrote its own file: the sum above is across processes.
    assert len(list(folder.glob("counter_*.db"))) >= 2
