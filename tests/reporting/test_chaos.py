"""Chaos tests (QUALITY.md T16, T17, T19, T20): real processes, broken on purpose.

Each starts what it breaks: a private ``redis-server`` (no persistence), real ``celery
worker`` subprocesses in their own session, an aiosmtpd SMTP server in a thread. The whole
set runs in about a minute.
"""

import datetime as dt
import io
import logging
import random
import socket
import threading
import time

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from secretariat.celery import app as celery_app
from tests.reporting.conftest import wait_until
from tests.reporting.factories import due_now_cycle
from tests.reporting.processes import PrivateRedis, WorkerProcess, broker
from workgroups.reporting import dispatch
from workgroups.reporting.models import DispatchStatus, ReminderDispatch

pytestmark = [pytest.mark.chaos, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def private_redis():
    redis = PrivateRedis()
    redis.start()
    yield redis
    redis.stop()


# --- T16: kill -9 mid-batch --------------------------------------------------------------

# The window itself is a few milliseconds (server accepts -> "250" on the wire -> our UPDATE);
# 0.2 s leaves room for a loaded CI machine while still catching a duplicate from any other
# cause (a lease too short, a claim not honoured), whose first copy would be seconds older.
# Observed: 2 duplicates in about 60 kills before this check existed, none in 24 since.
RESIDUAL_WINDOW = 0.2

@pytest.mark.parametrize("run", [1, 2, 3])
def test_t16_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(
    run, secretariat, smtp_sink, private_redis, settings
):
    """Given 60 due reminders and a real ``celery worker -c 2``,
    when its whole process group is SIGKILLed after about 20 sends, it is restarted and the
    sweeper runs with a 2-second lease,
    then the SMTP server holds 60 distinct Message-IDs (none lost), every row is ``sent``, and
    there is no duplicate except one proven to fall in the residual window (server accepted,
    kill before the ``sent`` UPDATE), which the test prints."""
    settings.REPORTING_LEASE_SECONDS = 2
    # Each send spends ~0.1 s in the SMTP conversation before the message exists, so most
    # kills land mid-send; what remains is the real window between the server's "250" and
    # the ``sent`` UPDATE (a few ms).
    smtp_sink.rcpt_delay = 0.1
    cycle, _ = due_now_cycle(secretariat, 60)
    worker = WorkerProcess(private_redis.url, smtp_sink.env())
    try:
        with broker(private_redis.url):
            worker.start()
            assert len(dispatch.plan_and_enqueue().to_queue) == 60
            assert wait_until(lambda: len(smtp_sink.messages) >= 15 + 5 * run, timeout=60), (
                f"worker sent {len(smtp_sink.messages)}; log {worker.log.name}")
            # A random offset, so that the kill is not synchronised with a message arriving.
            time.sleep(random.uniform(0, 0.1))
            killed = time.time()
            worker.kill()
            killed_at = len(smtp_sink.messages)
            assert killed_at < 60, "the batch finished before the kill; widen rcpt_delay"

            worker.start()

            def swept_and_done():
                dispatch.plan_and_enqueue()  # the beat's sweeper, run as often as we like
                return not cycle.dispatches.exclude(status=DispatchStatus.SENT).exists()

            assert wait_until(swept_and_done, timeout=90, interval=1.0), (
                list(cycle.dispatches.exclude(status=DispatchStatus.SENT).values(
                    "pk", "status", "attempts", "due_at", "enqueued_at", "last_error")),
                worker.log.name)
    finally:
        worker.stop()
    assert wait_until(lambda: len(smtp_sink.messages) >= 60, timeout=5)
    ids = smtp_sink.message_ids
    assert len(set(ids)) == 60, f"lost {60 - len(set(ids))} (killed after {killed_at})"
    # The one known way to send twice (QUALITY.md): the server accepted the message just
    # before the kill and the ``sent`` UPDATE never ran. Each duplicate must be explained that
    # way from the evidence: its first copy reached the server at most RESIDUAL_WINDOW before
    # the kill, and its row was claimed a second time. Anything else fails.
    unexplained = {}
    for message_id, count in smtp_sink.duplicates().items():
        first = min(smtp_sink.accepted_at(message_id))
        row = ReminderDispatch.objects.get(message_id=message_id)
        if not (count == 2 and row.attempts >= 2 and 0 <= killed - first <= RESIDUAL_WINDOW):
            unexplained[message_id] = (count, row.attempts, killed - first)
    assert unexplained == {}, f"unexplained duplicates {unexplained}; log {worker.log.name}"
    assert len(ids) - len(smtp_sink.duplicates()) == 60
    if smtp_sink.duplicates():
        print(f"run {run}: {len(smtp_sink.duplicates())} duplicate(s) inside the residual "
              f"window (first copy accepted {killed - first:.3f} s before the kill)")
    assert set(ids) == set(cycle.dispatches.values_list("message_id", flat=True))


# --- T17: Redis stopped ---------------------------------------------------------------------

def test_t17_redis_down_pages_stay_up_and_everything_is_sent_once_after_restart(
    secretariat, delegate, smtp_sink, private_redis, client, caplog
):
    """Given due reminders and the broker stopped,
    when pages are browsed, "remind now" is clicked and the beat ticks,
    then no response is a 5xx or slow, the actions say "queued", one ERROR is logged per
    failed enqueue; after Redis restarts one planner run sends each due reminder once."""
    cycle, adms = due_now_cycle(secretariat, 5)
    malaysia_report = cycle.reports.first()
    with broker(private_redis.url):
        private_redis.stop()
        client.force_login(secretariat)
        pages = [reverse("reporting:cycle_list"), reverse("reporting:cycle", args=[cycle.pk]),
                 reverse("reporting:report", args=[malaysia_report.pk]), reverse("home"),
                 f"/api/v1/reports/?cycle={cycle.pk}"]
        latencies = []
        for _ in range(4):
            for url in pages:
                started = time.monotonic()
                response = client.get(url)
                latencies.append(time.monotonic() - started)
                assert response.status_code == 200, url
        with caplog.at_level(logging.ERROR, logger="workgroups.reporting.dispatch"):
            for report in cycle.reports.order_by("pk")[:3]:
                started = time.monotonic()
                response = client.post(reverse("reporting:remind_now", args=[report.pk]),
                                       follow=True)
                latencies.append(time.monotonic() - started)
                assert response.status_code == 200
                assert "queued" in response.content.decode()
            tick = dispatch.plan_and_enqueue()  # a beat tick while the broker is down
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 4  # three clicks, one planner run
        assert tick.to_queue  # it tried...
        assert ReminderDispatch.objects.filter(enqueued_at__isnull=False).count() == 0  # ...
        assert max(latencies) < 3.0
        assert sorted(latencies)[int(len(latencies) * 0.95) - 1] < 1.0
        assert smtp_sink.messages == []

        private_redis.start()
        with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
            dispatch.plan_and_enqueue()
            assert wait_until(lambda: not ReminderDispatch.objects.filter(
                status__in=[DispatchStatus.PENDING, DispatchStatus.SENDING]).exists())
            dispatch.plan_and_enqueue()  # a second tick after the catch-up adds nothing
            time.sleep(0.5)
    sent = ReminderDispatch.objects.filter(status=DispatchStatus.SENT)
    # One email per administration: the three clicked got the manual reminder (the most
    # recent due, so their T-1 was superseded), the other two their T-1.
    assert sorted(sent.values_list("administration__code", flat=True)) == sorted(adms)
    assert sent.filter(kind__startswith="manual-").count() == 3
    assert len(smtp_sink.messages) == 5 and smtp_sink.duplicates() == {}


# --- T19: SMTP failures ---------------------------------------------------------------------

def _run_at(moment: dt.datetime) -> str:
    out = io.StringIO()
    call_command("send_reminders", "--at", moment.isoformat(), stdout=out)
    return out.getvalue()


def test_t19_smtp_421_three_times_is_retried_with_growing_delays_and_delivered_once(
    secretariat, smtp_sink
):
    cycle, _ = due_now_cycle(secretariat, 1)
    smtp_sink.script.extend(["421 4.3.2 Service not available, try later"] * 3)
    row = cycle.dispatches.get(kind="T-1")
    moment = timezone.now()
    delays = []
    for _ in range(3):
        assert "pending" in _run_at(moment)
        row.refresh_from_db()
        assert row.status == DispatchStatus.PENDING and "421" in row.last_error
        delays.append(row.due_at - moment)
        # Before the backoff is over, nothing is tried.
        assert "0 reminder(s) sent" in _run_at(row.due_at - dt.timedelta(seconds=1))
        moment = row.due_at
    assert "1 reminder(s) sent" in _run_at(moment)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DispatchStatus.SENT, 4)
    assert delays[0] < delays[1] < delays[2]
    assert len(smtp_sink.refused) == 3 and len(smtp_sink.messages) == 1
    # The retries were the same message each time.
    assert set(smtp_sink.refused) == {row.message_id} == set(smtp_sink.message_ids)


def test_t19_permanent_550_marks_the_reminder_failed_and_logs_an_error(
    secretariat, smtp_sink, caplog, client
):
    cycle, _ = due_now_cycle(secretariat, 1)
    smtp_sink.script.append("550 5.1.1 Mailbox unavailable")
    with caplog.at_level(logging.ERROR, logger="workgroups.reporting.dispatch"):
        assert "failed" in _run_at(timezone.now())
    row = cycle.dispatches.get(kind="T-1")
    assert (row.status, row.attempts) == (DispatchStatus.FAILED, 1)
    assert "550" in row.last_error
    assert any("failed after 1 attempt" in r.getMessage() for r in caplog.records)
    # Nothing silently dropped: the secretariat sees it on the cycle page.
    client.force_login(secretariat)
    page = client.get(reverse("reporting:cycle", args=[cycle.pk])).content.decode()
    assert "1 reminder failed" in page and "550" in page
    # And it is never retried.
    assert "0 reminder(s) sent" in _run_at(timezone.now() + dt.timedelta(hours=2))


def test_t19_stalled_smtp_server_fails_after_the_timeout(secretariat, settings):
    """A server that accepts the connection but never greets: the send gives up after the
    mailer's timeout and the row goes back to pending for a later attempt."""
    cycle, _ = due_now_cycle(secretariat, 1)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings.MAILERS = {"default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": silent.getsockname()[1], "timeout": 1},
        }}
        started = time.monotonic()
        _run_at(timezone.now())
        elapsed = time.monotonic() - started
    row = cycle.dispatches.get(kind="T-1")
    assert row.status == DispatchStatus.PENDING and "timed out" in row.last_error.lower()
    assert elapsed < 5


# --- T20: beat duplicates and gaps ----------------------------------------------------------

def test_t20_two_planners_at_once_and_a_stopped_beat(secretariat, smtp_sink):
    """Two ``send_reminders`` running at the same moment send each reminder once; after the
    beat was stopped over several due times, one run sends what is due now."""
    cycle, _ = due_now_cycle(secretariat, 12)
    barrier = threading.Barrier(2)
    outputs = []

    def planner():
        try:
            barrier.wait()
            outputs.append(_run_at(timezone.now()))
        finally:
            connection.close()

    threads = [threading.Thread(target=planner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(smtp_sink.messages) == 12 and smtp_sink.duplicates() == {}
    assert cycle.dispatches.filter(status=DispatchStatus.SENT).count() == 12

    # The beat stops for a month: T+7, T+14... would all have been due. One run afterwards
    # sends each administration the one reminder due now.
    cycle.overdue_every_days, cycle.overdue_until_days = 7, 28
    cycle.save()
    from workgroups.reporting.services import cycle_open

    cycle_open(actor=secretariat, cycle_id=cycle.pk)  # idempotent: adds the new kinds only
    with time_machine.travel(cycle.due_at + dt.timedelta(days=30), tick=False):
        _run_at(timezone.now())
    latest = cycle.dispatches.filter(status=DispatchStatus.SENT, kind="T+28-escalation")
    assert latest.count() == 12
    assert cycle.dispatches.filter(status=DispatchStatus.SKIPPED).count() == 12 * 3
    assert len(smtp_sink.messages) == 24 and smtp_sink.duplicates() == {}
    # An escalation: no head of administration on file, so the delegates, with the
    # secretariat in copy.
    escalation = smtp_sink.messages[-1]
    assert escalation["Subject"].startswith("Escalation: ")
    assert escalation["Cc"] == secretariat.email
