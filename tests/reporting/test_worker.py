"""Functional: a real Celery worker (in a thread) on the real Redis broker, a real SMTP server.

The due reminders are delivered once; the planner run twice, concurrently, or its messages
delivered several times, sends nothing new.
"""

import threading

import pytest
from celery.contrib.testing.worker import start_worker
from celery.worker import state as worker_state
from django.db import connection

from secretariat.celery import app as celery_app
from tests.reporting.conftest import wait_until
from tests.reporting.factories import due_now_cycle
from workgroups.reporting import dispatch
from workgroups.reporting.models import DispatchStatus, ReminderDispatch
from workgroups.reporting.tasks import send_reminder

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


def test_due_reminders_are_delivered_once(secretariat, smtp_sink, worker):
    cycle, adms = due_now_cycle(secretariat, 5)

    plan = dispatch.plan_and_enqueue()

    assert len(plan.to_queue) == 5
    assert wait_until(lambda: len(smtp_sink.messages) == 5)
    assert wait_until(lambda: cycle.dispatches.filter(status=DispatchStatus.SENT).count() == 5)
    # Run again: nothing is due any more, nothing is queued, nothing is sent.
    assert dispatch.plan_and_enqueue().to_queue == []
    # Deliver every task again, as a broker redelivery or a duplicated message would.
    for row in cycle.dispatches.all():
        send_reminder.delay(row.pk)
        send_reminder.delay(row.pk)
    assert wait_until(_queue_is_drained)
    assert len(smtp_sink.messages) == 5
    assert smtp_sink.duplicates() == {}
    assert sorted(m.envelope_to[0] for m in smtp_sink.messages) == sorted(
        f"delegate.{code.lower()}@example.org" for code in adms)


def test_two_planners_at_once_send_each_reminder_once(secretariat, smtp_sink, worker):
    """Two planners racing on the same due rows both queue them; the claim lets one send."""
    cycle, _ = due_now_cycle(secretariat, 8)
    barrier = threading.Barrier(2)
    queued = []

    def planner():
        try:
            barrier.wait()
            queued.append(len(dispatch.plan_and_enqueue().to_queue))
        finally:
            connection.close()

    threads = [threading.Thread(target=planner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sum(queued) >= 8  # both may have queued the same rows: that is the point
    assert wait_until(lambda: cycle.dispatches.filter(status=DispatchStatus.SENT).count() == 8)
    assert wait_until(_queue_is_drained)
    assert len(smtp_sink.messages) == 8
    assert smtp_sink.duplicates() == {}
    assert set(smtp_sink.message_ids) == set(
        ReminderDispatch.objects.values_list("message_id", flat=True))
