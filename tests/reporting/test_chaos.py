"""Chaos tests (QUALITY.md T16-T20): real processes, broken on purpose, around the outbox.

Each starts what it breaks: a private ``redis-server`` (no persistence), real ``celery
worker`` / ``celery beat`` / gunicorn subprocesses in their own sessions, a private PostgreSQL
cluster (T18), an aiosmtpd SMTP server in a thread. Leases and beat intervals are seconds
(set through the environment of the processes), so the whole set runs in a few minutes.
Each test prints its figures (run ``pytest -m chaos -s`` to see them).
"""

import datetime as dt
import io
import json
import logging
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zoneinfo
from collections import Counter

import psycopg
import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from secretariat import outbox
from secretariat.celery import app as celery_app
from secretariat.models import OutboxMessage
from tests.factories import AdministrationFactory
from tests.reporting.conftest import wait_until
from tests.reporting.factories import (
    ALWAYS_OPEN,
    CycleFactory,
    delegates,
    due_now_cycle,
)
from tests.reporting.processes import (
    BASE_DIR,
    BeatProcess,
    PrivatePostgres,
    PrivateRedis,
    WebProcess,
    WorkerProcess,
    broker,
    database_url_for_tests,
)
from tests.workgroups.factories import MilestoneFactory
from workgroups.reporting import reminders, services
from workgroups.reporting.models import DispatchStatus, ReminderDispatch

pytestmark = [pytest.mark.chaos, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def private_redis():
    redis = PrivateRedis()
    redis.start()
    yield redis
    redis.stop()


def _states(cycle) -> dict[str, int]:
    ids = list(cycle.dispatches.values_list("pk", flat=True))
    return dict(Counter(reminders.messages_of(ids).values_list("state", flat=True)))


# --- T16: kill -9 mid-batch, 10 rounds of 200 --------------------------------------------

# The window itself is a few milliseconds (server accepts -> "250" on the wire -> our UPDATE);
# 0.2 s leaves room for a loaded machine while still catching a duplicate from any other cause
# (a lease too short, a claim not honoured), whose first copy would be seconds older.
RESIDUAL_WINDOW = 0.2
ROUNDS = 10
REMINDERS = 200
LEASE = 4


def test_t16_worker_killed_mid_batch_ten_rounds_of_200(secretariat, smtp_sink, private_redis,
                                                       settings):
    """Given 200 due reminders and a real ``celery worker -c 2``,
    when its whole process group is SIGKILLed at a random point of the batch, it is
    restarted and the sweeper runs with a 4-second lease, ten rounds in a row,
    then every round the SMTP server holds 200 distinct Message-IDs (none lost), every
    message is ``sent``, and any duplicate is proven from the rows to fall in the residual
    window (accepted by the server just before the kill, and claimed a second time)."""
    settings.OUTBOX_LEASE_SECONDS = LEASE
    # A little time in the SMTP conversation before the message exists, so many kills land
    # mid-send; what remains is the real window between the "250" and the ``sent`` UPDATE.
    smtp_sink.rcpt_delay = 0.01
    codes = [f"{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(REMINDERS)]
    adms = {c: AdministrationFactory(code=c, country=f"Country {c}", time_zone="Asia/Jakarta")
            for c in codes}
    delegates(adms)
    for adm in adms.values():
        MilestoneFactory().lead_administrations.add(adm)
    env = {**smtp_sink.env(), "OUTBOX_LEASE_SECONDS": str(LEASE),
           "OUTBOX_RETRY_BASE_SECONDS": "1"}
    worker = WorkerProcess(private_redis.url, env)
    figures = []
    try:
        with broker(private_redis.url):
            worker.start()
            for round_no in range(1, ROUNDS + 1):
                with smtp_sink.lock:
                    smtp_sink.messages.clear()
                now = timezone.now()
                cycle = CycleFactory(due_at=now + dt.timedelta(hours=12),
                                     opens_at=now - dt.timedelta(days=1),
                                     remind_days_before=[1], remind_at_deadline=False,
                                     overdue_every_days=0, **ALWAYS_OPEN)
                services.cycle_open(actor=secretariat, cycle_id=cycle.pk)
                assert reminders.plan_due().messages == REMINDERS
                threshold = random.randint(20, 150)
                assert wait_until(lambda t=threshold: len(smtp_sink.messages) >= t,
                                  timeout=120), (len(smtp_sink.messages), worker.log.name)
                time.sleep(random.uniform(0, 0.05))  # not synchronised with a message
                killed = time.time()
                worker.kill()
                killed_at = len(smtp_sink.messages)
                worker.start()
                started = time.monotonic()

                def done(c=cycle):
                    outbox.sweep()  # the beat's sweeper, run as often as we like
                    return _states(c) == {"sent": REMINDERS}

                assert wait_until(done, timeout=120, interval=0.5), (_states(cycle),
                                                                     worker.log.name)
                recovery = time.monotonic() - started
                assert wait_until(lambda: len(smtp_sink.messages) >= REMINDERS, timeout=5)
                ids = smtp_sink.message_ids
                rows = {m.message_id: m for m in reminders.messages_of(
                    list(cycle.dispatches.values_list("pk", flat=True)))}
                assert len(set(ids)) == REMINDERS, f"round {round_no}: lost some"
                assert set(ids) == set(rows)
                unexplained = {}
                for message_id, count in smtp_sink.duplicates().items():
                    first = min(smtp_sink.accepted_at(message_id))
                    if not (count == 2 and rows[message_id].attempts >= 2
                            and 0 <= killed - first <= RESIDUAL_WINDOW):
                        unexplained[message_id] = (count, rows[message_id].attempts,
                                                   killed - first)
                assert unexplained == {}, f"round {round_no}: {unexplained}; {worker.log.name}"
                figures.append((round_no, killed_at, len(ids), len(set(ids)),
                                len(smtp_sink.duplicates()), round(recovery, 1)))
    finally:
        worker.stop()
    total = Counter(OutboxMessage.objects.values_list("state", flat=True))
    print("\nT16 rounds (round, killed after N accepted, accepted, distinct, duplicates, "
          "recovery s):")
    for line in figures:
        print("  ", line)
    print(f"T16 messages per state after {ROUNDS} rounds: {dict(total)}")
    assert total == {"sent": ROUNDS * REMINDERS}


# --- T17: Redis stopped ---------------------------------------------------------------------

def test_t17_redis_down_pages_stay_up_and_everything_is_sent_once_after_restart(
    secretariat, delegate, smtp_sink, private_redis, client, caplog
):
    """Given due reminders and the broker stopped,
    when pages are browsed, "remind now" is clicked and the beat ticks,
    then no response is a 5xx or slow, the actions say "queued", an ERROR is logged per
    failed enqueue; after Redis restarts one sweep sends each due reminder once."""
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
        with caplog.at_level(logging.ERROR, logger="secretariat.claims"):
            for report in cycle.reports.order_by("pk")[:3]:
                started = time.monotonic()
                response = client.post(reverse("reporting:remind_now", args=[report.pk]),
                                       follow=True)
                latencies.append(time.monotonic() - started)
                assert response.status_code == 200
                assert "queued" in response.content.decode()
            tick = reminders.plan_due()  # a beat tick while the broker is down
            assert outbox.sweep() == 0  # and a sweep: nothing could be queued
        errors = [r for r in caplog.records
                  if r.levelno >= logging.ERROR and r.name == "secretariat.claims"]
        assert len(errors) == 3 + len(tick.queued) + 1  # three clicks, the tick, the sweep
        assert len(tick.queued) == 2  # the other two administrations' T-1
        assert not OutboxMessage.objects.filter(enqueued_at__isnull=False).exists()
        assert max(latencies) < 3.0
        assert sorted(latencies)[int(len(latencies) * 0.95) - 1] < 1.0
        assert smtp_sink.messages == []

        private_redis.start()
        with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
            assert outbox.sweep() == 5
            assert wait_until(lambda: _states(cycle) == {"sent": 5})
            assert outbox.sweep() == 0  # a second tick after the catch-up adds nothing
    handed = ReminderDispatch.objects.filter(status=DispatchStatus.QUEUED)
    # One email per administration: the three clicked got the manual reminder (their due
    # T-1 was superseded), the other two their T-1.
    assert sorted(handed.values_list("administration__code", flat=True)) == sorted(adms)
    assert handed.filter(kind__startswith="manual-").count() == 3
    assert len(smtp_sink.messages) == 5 and smtp_sink.duplicates() == {}


# --- T18: PostgreSQL restarted while sending ----------------------------------------------

def _poll(url: str, token: str, stop: threading.Event, log: list) -> None:
    """GET ``url`` every 200 ms; record (time, status or error, seconds taken)."""
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})  # noqa: S310 (loopback http)
    while not stop.is_set():
        started = time.time()
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError as exc:
            status = f"error {exc!r}"
        log.append((started, status, time.time() - started))
        time.sleep(max(0.2 - (time.time() - started), 0))


def _private_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url, connect_timeout=5) as conn:
        rows = conn.execute("SELECT state, count(*) FROM secretariat_outboxmessage "
                            "GROUP BY state").fetchall()
    return dict(rows)


def _private_rows(url: str) -> list:
    with psycopg.connect(url, connect_timeout=5) as conn:
        return conn.execute("SELECT id, state, due_at, enqueued_at, lease_until, attempts, "
                            "last_error, now() FROM secretariat_outboxmessage "
                            "WHERE state <> 'sent'").fetchall()


def test_t18_postgresql_restart_while_sending(smtp_sink, private_redis):
    """Given a private PostgreSQL cluster, gunicorn and a real ``celery worker -c 2`` on it,
    40 due reminders being sent and a client polling an API page every 200 ms,
    when PostgreSQL is restarted (``pg_ctl restart -m fast``) in the middle of the batch,
    then the page errs only while PostgreSQL is down, every answer comes within 5 s, the
    first success is at most 5 s after PostgreSQL accepts connections again (nothing
    restarted), and every reminder reaches the SMTP server exactly once."""
    count = 40
    pg = PrivatePostgres()
    pg.init()
    pg.start()
    web = worker = None
    stop = threading.Event()
    log: list = []
    try:
        pg.copy_schema_from(database_url_for_tests())
        env = {"DATABASE_URL": pg.url(), "OUTBOX_LEASE_SECONDS": "15",
               "OUTBOX_RETRY_BASE_SECONDS": "1", "DATABASE_CONN_MAX_AGE": "60",
               **smtp_sink.env()}
        seeded = subprocess.run(
            [sys.executable, "-m", "tests.reporting.chaos_seed", str(count)], cwd=BASE_DIR,
            env={**WorkerProcess(private_redis.url, env).env}, capture_output=True, text=True,
            check=True, timeout=120)
        token = json.loads(seeded.stdout.strip().splitlines()[-1])["token"]
        web = WebProcess(private_redis.url, env)
        worker = WorkerProcess(private_redis.url, env)
        web.start()
        worker.start()
        page = f"{web.url}/api/v1/reports/"
        assert wait_until(lambda: _status(page, token) == 200, timeout=60), web.log.name
        poller = threading.Thread(target=_poll, args=(page, token, stop, log))
        poller.start()
        smtp_sink.rcpt_delay = 0.15  # the batch takes a few seconds: the restart lands in it
        with broker(private_redis.url):
            celery_app.send_task("workgroups.reporting.tasks.plan_reminders")
            assert wait_until(lambda: len(smtp_sink.messages) >= 5, timeout=60), worker.log.name
            down_at = time.time()
            pg.restart()
            up_at = time.time()  # pg_ctl -w returns once the server accepts connections
            assert pg.accepts_connections()

            def all_sent():
                celery_app.send_task("secretariat.tasks.sweep")  # the beat's sweeper
                return _private_counts(pg.url()).get("sent", 0) == count

            assert wait_until(all_sent, timeout=120, interval=1.0), (
                _private_rows(pg.url()), worker.log.name)
        time.sleep(1)
    finally:
        stop.set()
        for process in (web, worker):
            if process:
                process.stop()
        states = _private_counts(pg.url()) if pg.accepts_connections() else {}
        pg.stop()
    errors = [(t, s) for t, s, _ in log if s != 200]
    outside = [(t, s) for t, s in errors if not (down_at - 0.5 <= t <= up_at + 0.5)]
    first_ok = min((t + d for t, s, d in log if s == 200 and t >= up_at), default=None)
    print(f"\nT18: {len(log)} polls, {len(errors)} errors (all between the stop at +0 s and "
          f"PostgreSQL accepting at +{up_at - down_at:.1f} s), slowest answer "
          f"{max(d for _, _, d in log):.2f} s, first success {first_ok - up_at:.2f} s after "
          f"PostgreSQL accepted; messages per state {states}; "
          f"{len(smtp_sink.messages)} accepted, {len(set(smtp_sink.message_ids))} distinct")
    assert outside == [], outside
    assert max(d for _, _, d in log) < 5
    assert first_ok is not None and first_ok - up_at <= 5
    assert states == {"sent": count}
    assert len(set(smtp_sink.message_ids)) == count
    assert smtp_sink.duplicates() == {}


def _status(url: str, token: str):
    try:
        request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})  # noqa: S310 (loopback http)
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


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
    moment = timezone.now()
    delays = []
    for _ in range(3):
        assert "pending" in _run_at(moment)
        (message,) = reminders.messages_of(list(cycle.dispatches.values_list("pk", flat=True)))
        assert message.state == "pending" and "421" in message.last_error
        delays.append(message.due_at - moment)
        # Before the backoff is over, nothing is tried.
        assert "0 reminder email(s) sent" in _run_at(message.due_at - dt.timedelta(seconds=1))
        moment = message.due_at
    assert "1 reminder email(s) sent" in _run_at(moment)
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("sent", 4)
    assert delays[0] < delays[1] < delays[2]
    assert len(smtp_sink.refused) == 3 and len(smtp_sink.messages) == 1
    # The retries were the same message each time.
    assert set(smtp_sink.refused) == {message.message_id} == set(smtp_sink.message_ids)


def test_t19_permanent_550_marks_the_reminder_failed_and_logs_an_error(
    secretariat, smtp_sink, caplog, client
):
    cycle, _ = due_now_cycle(secretariat, 1)
    smtp_sink.script.append("550 5.1.1 Mailbox unavailable")
    with caplog.at_level(logging.ERROR, logger="secretariat.outbox"):
        assert "failed" in _run_at(timezone.now())
    (message,) = reminders.messages_of(list(cycle.dispatches.values_list("pk", flat=True)))
    assert (message.state, message.attempts) == ("failed", 1)
    assert "550" in message.last_error
    assert any("failed after 1 attempt" in r.getMessage() for r in caplog.records)
    # Nothing silently dropped: the secretariat sees it on the cycle page.
    client.force_login(secretariat)
    page = client.get(reverse("reporting:cycle", args=[cycle.pk])).content.decode()
    assert "1 reminder failed" in page and "550" in page
    # And it is never retried.
    assert "0 reminder email(s) sent" in _run_at(timezone.now() + dt.timedelta(hours=2))


def test_t19_stalled_smtp_server_fails_after_the_timeout(secretariat, settings):
    """A server that accepts the connection but never greets: the send gives up after the
    mailer's timeout and the message goes back to pending for a later attempt."""
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
    (message,) = reminders.messages_of(list(cycle.dispatches.values_list("pk", flat=True)))
    assert message.state == "pending" and "timed out" in message.last_error.lower()
    assert elapsed < 5


# --- T20: two beats, then a stopped beat ----------------------------------------------------

def _zone_near_noon() -> str:
    """A fixed-offset zone where it is about noon now, so a window opening in a minute and
    closing in an hour never straddles midnight, whenever the suite runs."""
    offset = (12 - timezone.now().hour) % 24
    offset = offset - 24 if offset > 12 else offset
    return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def test_t20_two_beats_then_a_stopped_beat(secretariat, smtp_sink, private_redis):
    """Given 24 administrations each with one reminder, due 5 s apart over two minutes, and a
    working window that opens 30 s after the first due time,
    when two ``celery beat`` processes tick every second for the first 50 s, both are
    stopped for 40 s (eight due times pass), then one is started again,
    then every reminder reaches the SMTP server exactly once, none before the window opened,
    each at or after its due time, and those due during the stop are sent after it."""
    count, spacing = 24, 5
    zone = _zone_near_noon()
    start = timezone.now() + dt.timedelta(seconds=5)
    opening = (start + dt.timedelta(seconds=30)).astimezone(zoneinfo.ZoneInfo(zone)).replace(
        microsecond=0)
    codes = [f"{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(count)]
    adms = {c: AdministrationFactory(code=c, country=f"Country {c}", time_zone=zone)
            for c in codes}
    delegates(adms)
    for adm in adms.values():
        MilestoneFactory().lead_administrations.add(adm)
    cycle = CycleFactory(due_at=start + dt.timedelta(days=2), opens_at=start - dt.timedelta(
        days=1), remind_days_before=[], remind_at_deadline=False, overdue_every_days=0,
        window_opens=opening.time(), window_weekdays=list(range(7)), window_skips_holidays=False,
        window_closes=(opening + dt.timedelta(hours=1)).time())
    services.cycle_open(actor=secretariat, cycle_id=cycle.pk)
    due = {code: start + dt.timedelta(seconds=spacing * i) for i, code in enumerate(codes)}
    ReminderDispatch.objects.bulk_create([
        ReminderDispatch(cycle=cycle, administration=adm, kind="T-2", scheduled_for=due[code])
        for code, adm in adms.items()])
    env = {**smtp_sink.env(), "OUTBOX_LEASE_SECONDS": "10", "OUTBOX_SWEEP_SECONDS": "1",
           "REPORTING_PLAN_SECONDS": "1"}
    worker = WorkerProcess(private_redis.url, env)
    beats = [BeatProcess(private_redis.url, env), BeatProcess(private_redis.url, env)]
    stopped = restarted = None
    try:
        worker.start()
        for beat in beats:
            beat.start()
        time.sleep(max((start + dt.timedelta(seconds=50) - timezone.now()).total_seconds(), 0))
        for beat in beats:
            beat.stop()
        stopped = timezone.now()
        time.sleep(40)
        restarted = timezone.now()
        beats[0].start()
        assert wait_until(lambda: _states(cycle) == {"sent": count},
                          timeout=max(count * spacing - 80, 0) + 60, interval=1.0), (
            _states(cycle), worker.log.name, beats[0].log.name)
    finally:
        for process in (*beats, worker):
            process.stop()
    messages = {m.object_id: m for m in reminders.messages_of(
        list(cycle.dispatches.values_list("pk", flat=True)))}
    rows = cycle.dispatches.select_related("administration")
    late = []
    for row in rows:
        message = messages[row.pk]
        assert message.sent_at >= max(row.scheduled_for, opening), row.administration.code
        if stopped <= row.scheduled_for < restarted:
            late.append(row)
            assert message.sent_at >= restarted
    assert len(late) >= 6
    assert len(smtp_sink.messages) == count and smtp_sink.duplicates() == {}
    print(f"\nT20: {count} reminders due {spacing} s apart from {start:%H:%M:%S}, window "
          f"opening at {opening:%H:%M:%S} ({zone}); two beats until "
          f"{stopped:%H:%M:%S}, none until {restarted:%H:%M:%S}; {len(late)} came due "
          f"during the stop and went after it; {len(smtp_sink.messages)} accepted, 0 "
          f"duplicates; messages per state {_states(cycle)}")
