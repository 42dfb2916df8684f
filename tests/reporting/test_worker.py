"""Functional: a real Celery worker (in a thread) on the real Redis broker, a real SMTP server.

The due reminders are delivered once through the outbox; the planner run twice, concurrently,
or the send tasks delivered several times, sends nothing new.
"""

import threading

import pytest
from celery.contrib.testing.worker import start_worker
from celery.worker import state as worker_state
from django.db import connection

from secretariat.celery import app as celery_app
from secretariat.tasks import send_message
from tests.reporting.conftest import wait_until
from tests.reporting.factories import due_now_cycle
from workgroups.reporting import reminders

pytestmark = pytest.mark.django_db(transaction=True)


def _queue_is_drained() -> bool:
    with celery_app.connection_for_write() as conn:
        waiting = conn.default_channel.client.llen("celery")
    return not waiting and not worker_state.active_requests and not worker_state.reserved_requests


@pytest.fixture
def worker(settings):
    assert not celery_app.conf.task_always_eager, "the test needs a real broker (REDIS_URL)"
    celery_app.control.purge()
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30) as running:
        yield running


def _messages(cycle):
    return reminders.messages_of(list(cycle.dispatches.values_list("pk", flat=True)))


def test_due_reminders_are_delivered_once(secretariat, smtp_sink, worker):
    cycle, adms = due_now_cycle(secretariat, 5)

    plan = reminders.plan_due()

    assert len(plan.queued) == 5 and plan.messages == 5
    assert wait_until(lambda: len(smtp_sink.messages) == 5)
    assert wait_until(lambda: _messages(cycle).filter(state="sent").count() == 5)
    # Run again: nothing is due any more, nothing is queued, nothing is sent.
    assert reminders.plan_due().queued == []
    # Deliver every task again, as a broker redelivery or a duplicated message would.
    for message in _messages(cycle):
        send_message.delay(message.pk)
        send_message.delay(message.pk)
    assert wait_until(_queue_is_drained)
    assert len(smtp_sink.messages) == 5
    assert smtp_sink.duplicates() == {}
    assert sorted(m.envelope_to[0] for m in smtp_sink.messages) == sorted(
        f"delegate.{code.lower()}@example.org" for code in adms)


def test_two_planners_at_once_send_each_reminder_once(secretariat, smtp_sink, worker):
    """Two planners racing on the same due rows: one hands each reminder over, the outbox's
    unique key and claim keep every email single."""
    cycle, _ = due_now_cycle(secretariat, 8)
    barrier = threading.Barrier(2)
    queued = []

    def planner():
        try:
            barrier.wait()
            queued.append(len(reminders.plan_due().queued))
        finally:
            connection.close()

    threads = [threading.Thread(target=planner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sum(queued) == 8  # each reminder handed over by exactly one of the two
    assert wait_until(lambda: _messages(cycle).filter(state="sent").count() == 8)
    assert wait_until(_queue_is_drained)
    assert len(smtp_sink.messages) == 8
    assert smtp_sink.duplicates() == {}
    assert set(smtp_sink.message_ids) == set(_messages(cycle).values_list("message_id",
                                                                           flat=True))
