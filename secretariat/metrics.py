"""What Prometheus scrapes at ``/metrics``, and the outbox facts ``/healthz`` reports.

Where each series comes from:

* requests per view, their latencies, database query counts and durations: django-prometheus
  (its middleware pair and its database backend, chosen in settings);
* cache timings: ``portal_cache_operation_seconds``, timed in ``secretariat.cache`` around
  every Redis operation;
* Celery tasks by state: ``portal_celery_tasks_total``, counted by the workers' task signals
  in one Redis hash, so every web node reports the same totals for workers on other hosts;
* the outbox: ``portal_outbox_messages`` by state and ``portal_outbox_oldest_pending_seconds``,
  read from the database at scrape time (two small indexed queries), so they are right
  whichever node is scraped.

With several gunicorn workers, set ``PROMETHEUS_MULTIPROC_DIR`` (an empty directory per host,
wiped at start) and the per-process series are summed across workers.
"""

import contextlib
import datetime as dt
import logging
import os

import redis
from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

logger = logging.getLogger(__name__)

CACHE_SECONDS = Histogram(
    "portal_cache_operation_seconds",
    "Time spent in one cache operation on Redis, by operation.",
    ["operation"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)

TASK_COUNTS_KEY = "portal:metrics:celery-tasks"
TASK_STATES = ("started", "succeeded", "failed", "retried")
# Without Redis (the demo, eager tasks) the counts live in this process only.
_local_task_counts: dict[str, int] = {}


def _redis():
    timeout = settings.REDIS_SOCKET_TIMEOUT
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=timeout,
                                socket_timeout=timeout)


def record_task(task_name: str, state: str) -> None:
    """Count one task event. Never raises: a metric must not fail the task it describes."""
    field = f"{task_name}|{state}"
    if not settings.REDIS_URL:
        _local_task_counts[field] = _local_task_counts.get(field, 0) + 1
        return
    try:
        client = _redis()
        try:
            client.hincrby(TASK_COUNTS_KEY, field, 1)
        finally:
            client.close()
    except redis.RedisError as exc:
        logger.warning("task_metric_lost", extra={"task": task_name, "error": type(exc).__name__})


def task_counts() -> dict[tuple[str, str], int]:
    if not settings.REDIS_URL:
        raw = dict(_local_task_counts)
    else:
        try:
            client = _redis()
            try:
                raw = {k.decode(): int(v) for k, v in client.hgetall(TASK_COUNTS_KEY).items()}
            finally:
                client.close()
        except redis.RedisError:
            return {}
    counts = {}
    for field, value in raw.items():
        name, _, state = field.rpartition("|")
        counts[(name, state)] = value
    return counts


def connect_task_signals() -> None:
    """Count every task's start and end, in whichever process runs it (worker or eager)."""
    from celery import signals

    def started(sender=None, **kwargs):
        record_task(sender.name, "started")

    def succeeded(sender=None, **kwargs):
        record_task(sender.name, "succeeded")

    def failed(sender=None, **kwargs):
        record_task(sender.name, "failed")

    def retried(sender=None, request=None, **kwargs):
        record_task(getattr(request, "task", None) or sender.name, "retried")

    for signal, receiver in ((signals.task_prerun, started), (signals.task_success, succeeded),
                             (signals.task_failure, failed), (signals.task_retry, retried)):
        signal.connect(receiver, weak=False, dispatch_uid=f"portal-metrics-{receiver.__name__}")


# --- The outbox ------------------------------------------------------------------------------


def oldest_due_unsent(now: dt.datetime | None = None) -> dt.timedelta | None:
    """How long the longest-waiting message that is due has waited to be sent; None if none.

    Due and unsent: ``pending`` with ``due_at`` passed, or ``sending`` (a claim in progress
    or a worker that died holding it). Reminders are outbox messages like every email, so
    this is the reminder backlog too.
    """
    from secretariat.models import DeliveryState, OutboxMessage

    now = now or timezone.now()
    oldest = (
        OutboxMessage.objects.filter(
            state__in=[DeliveryState.PENDING, DeliveryState.SENDING], due_at__lte=now
        ).aggregate(oldest=Min("due_at"))["oldest"]
    )
    return None if oldest is None else now - oldest


def outbox_counts() -> dict[str, int]:
    from secretariat.models import OutboxMessage

    rows = OutboxMessage.objects.order_by().values("state").annotate(n=Count("pk"))
    return {row["state"]: row["n"] for row in rows}


class PortalCollector:
    """Series computed at scrape time from shared state (database, Redis)."""

    def collect(self):
        from secretariat.models import DeliveryState

        messages = GaugeMetricFamily(
            "portal_outbox_messages", "Outbox messages by state.", labels=["state"]
        )
        counts = outbox_counts()
        for state in DeliveryState.values:
            if state != DeliveryState.DONE:  # a state of jobs, never of messages
                messages.add_metric([state], counts.get(state, 0))
        yield messages

        waited = oldest_due_unsent()
        yield GaugeMetricFamily(
            "portal_outbox_oldest_pending_seconds",
            "Age of the oldest due but unsent outbox message (0 when there is none).",
            value=waited.total_seconds() if waited else 0.0,
        )

        tasks = CounterMetricFamily(
            "portal_celery_tasks", "Celery tasks by task name and state, across all workers.",
            labels=["task", "state"],
        )
        for (name, state), value in sorted(task_counts().items()):
            tasks.add_metric([name, state], value)
        yield tasks

    def describe(self):
        # Names only: registering must not query the database (it runs at start-up).
        yield GaugeMetricFamily("portal_outbox_messages", "", labels=["state"])
        yield GaugeMetricFamily("portal_outbox_oldest_pending_seconds", "")
        yield CounterMetricFamily("portal_celery_tasks", "", labels=["task", "state"])


PORTAL_COLLECTOR = PortalCollector()


def registry():
    """The registry to expose: this process's series, or in multiprocess mode those of every
    worker on the host summed, plus the shared series above."""
    from prometheus_client import REGISTRY, CollectorRegistry, multiprocess

    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY  # PORTAL_COLLECTOR is registered there once, at start-up
    target = CollectorRegistry()
    multiprocess.MultiProcessCollector(target)
    target.register(PORTAL_COLLECTOR)
    return target


def register_collector() -> None:
    from prometheus_client import REGISTRY

    with contextlib.suppress(ValueError):  # already registered (a second ready())
        REGISTRY.register(PORTAL_COLLECTOR)
