"""Many nodes, one truth (issue 15): two app servers and two Celery workers on one PostgreSQL,
one Redis and one bucket, as on several hosts behind a load balancer; and exactly one beat.

Each app server has its own MEDIA_ROOT (another host's disk), so whatever the other node sees
came through the shared database, Redis or the bucket.
"""

import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

from meetings import samples
from meetings.models import Document
from secretariat.beat import LOCK_KEY
from secretariat.models import DeliveryState
from secretariat.tasks import send_message
from tests.factories import AdministrationFactory
from tests.meetings.factories import MeetingFactory
from tests.mfa import code_for, login_through_pages
from tests.nginx import Gunicorn, request_from
from tests.reporting.conftest import wait_until
from tests.reporting.factories import ALWAYS_OPEN, delegates, open_cycle
from tests.reporting.processes import PrivateRedis, WorkerProcess, broker, database_url_for_tests
from tests.reporting.smtp_sink import SmtpSink
from workgroups.reporting import reminders

pytestmark = pytest.mark.chaos
CLIENT = "127.0.0.40"


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sink():
    server = SmtpSink()
    server.controller.start()
    yield server
    server.controller.stop()


def _cookies(response) -> dict[str, str]:
    found = {}
    for name, value in response.headers.items():
        if name == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            found[key.strip()] = val.strip()
    return found


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def _login(node, username: str, password: str) -> dict[str, str]:
    """Log in through the real pages of ``node`` (password, then the second factor the
    secretariat must use); returns the cookies the session holds."""
    session = login_through_pages(node.url, username, password, source=CLIENT)
    return dict(part.split("=", 1) for part in session["cookie"].split("; ") if part)


def _multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[str, bytes]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def _reminders_due_now(actor):
    """14 administrations, each with a delegate and one reminder due now (real time: the
    workers are other processes). Codes QM..QZ are ISO's user-assigned range, so no national
    holiday of any real country can move a reminder out of its working window today."""
    from django.utils import timezone

    adms = {code: AdministrationFactory(code=code, country=f"Member {code}",
                                        time_zone="Asia/Jakarta")
            for code in (f"Q{chr(c)}" for c in range(ord("M"), ord("Z") + 1))}
    delegates(adms)
    now = timezone.now()
    return open_cycle(actor, adms, milestones_each=1, now=now,
                      due_at=now + dt.timedelta(hours=12), remind_days_before=[1],
                      remind_at_deadline=False, overdue_every_days=0, **ALWAYS_OPEN)


def test_two_app_servers_and_two_workers_share_one_truth(transactional_db, tmp_path, password,
                                                         private_redis, sink, moto_server,
                                                         secretariat):
    """Given app servers A and B and workers W1 and W2 (own disks; one database, Redis and
    bucket); when a user logs in on A, uploads a paper on A and 30 due messages are each
    offered twice to the broker; then B knows the session and serves the paper from the
    bucket, a worker extracted its text, the token throttle counts across both servers, and
    every reminder was sent exactly once, by two workers between them."""
    bucket = moto_server.new_bucket()
    shared = {
        "REDIS_URL": private_redis.url,
        "STORAGE_URL": moto_server.storage_url(bucket),
        **moto_server.environment(),
        **sink.env(),
    }
    meeting = MeetingFactory()
    nodes = [Gunicorn(env={**shared, "MEDIA_ROOT": str(tmp_path / name)}, workers=1)
             for name in ("a", "b")]
    workers = [WorkerProcess(private_redis.url, {**shared, "MEDIA_ROOT": str(tmp_path / name)})
               for name in ("w1", "w2")]
    with contextlib.ExitStack() as stack:
        for node in nodes:
            stack.enter_context(node)
        for worker in workers:
            worker.start()
            stack.callback(worker.stop)
        a, b = nodes

        # A session made on A is a session on B (sessions live in the shared database).
        cookies = _login(a, secretariat.username, password)
        profile = request_from(CLIENT, b.url + "/accounts/profile/",
                               headers={"Cookie": _cookie_header(cookies)})
        assert profile.status == 200
        assert secretariat.username.encode() in profile.body

        # A paper uploaded through A: stored in the bucket, read through B, indexed by a worker.
        token = json.loads(request_from(
            CLIENT, a.url + "/api/v1/auth/token/", method="POST",
            headers={"Content-Type": "application/json"},
            body=json.dumps({"username": secretariat.username, "password": password,
                             "otp": code_for(secretariat)})).body
        )["token"]
        content = samples.make_pdf("Transit report", ["ACTS guarantee across borders"])
        content_type, body = _multipart(
            {"meeting": str(meeting.pk), "title": "Transit report", "kind": "working_paper",
             "access_level": "members"}, "transit.pdf", content)
        created = request_from(CLIENT, a.url + "/api/v1/documents/", method="POST", body=body,
                               headers={"Content-Type": content_type,
                                        "Authorization": f"Token {token}"})
        assert created.status == 201, created.body[:500]
        document_id = json.loads(created.body)["id"]
        download = request_from(CLIENT, f"{b.url}/api/v1/documents/{document_id}/download/",
                                headers={"Authorization": f"Token {token}"})
        assert download.status == 200
        assert download.body == content
        assert not any((tmp_path / "a").rglob("*.pdf")) and not any((tmp_path / "b").rglob("*"))
        assert wait_until(lambda: "ACTS guarantee" in Document.objects.get(
            pk=document_id).search_text)

        # The token endpoint's throttle is one counter in Redis, whichever node is asked.
        rate = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"].split("/")[0])
        statuses = [
            request_from(CLIENT, (a if n % 2 else b).url + "/api/v1/auth/token/",
                         method="POST", headers={"Content-Type": "application/json"},
                         body=json.dumps({"username": "nobody", "password": "x"})).status
            for n in range(rate + 2)
        ]
        assert statuses.count(429) >= 2  # the first token above counted too

        # 14 reminders due now, handed to the outbox by the planner and then every message
        # offered twice more (a second planner, a double beat tick): across both workers one
        # claim wins per message.
        cycle = _reminders_due_now(secretariat)
        with broker(private_redis.url):
            assert reminders.plan_due().messages == 14
            sent = reminders.messages_of(list(cycle.dispatches.values_list("pk", flat=True)))
            for _ in range(2):
                for message in sent:
                    send_message.delay(message.pk)
        assert wait_until(lambda: sent.filter(state=DeliveryState.SENT).count() == 14,
                          timeout=90), list(sent.exclude(state="sent").values_list(
                              "recipient", "state", "due_at", "last_error"))
        assert wait_until(lambda: len(sink.messages) >= 14)
        logs = [Path(worker.log.name).read_text(errors="replace") for worker in workers]

    assert sorted(sink.message_ids) == sorted(sent.values_list("message_id", flat=True))
    assert len(sink.messages) == 14 and sink.duplicates() == {}
    assert set(sent.values_list("attempts", flat=True)) == {1}
    # Both workers took tasks (the broker spread 42 offers over them).
    assert all("secretariat.tasks.send_message" in log for log in logs)


class Beat:
    def __init__(self, redis_url: str, folder: Path, lock_seconds: int = 3):
        self.folder = folder
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="beat-", suffix=".log", delete=False)
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings",
                    "DATABASE_URL": database_url_for_tests(), "REDIS_URL": redis_url,
                    "SECRET_KEY": settings.SECRET_KEY, "BEAT_LOCK_SECONDS": str(lock_seconds)}
        self.process: subprocess.Popen | None = None

    def start(self) -> "Beat":
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "secretariat", "beat", "-l", "INFO",
             "--schedule", str(self.folder / f"schedule-{uuid.uuid4().hex[:6]}")],
            cwd=settings.BASE_DIR, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def text(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


def test_a_second_beat_refuses_to_start_and_a_dead_ones_lock_expires(transactional_db,
                                                                      tmp_path, private_redis):
    client = redis.Redis(port=private_redis.port)
    first = Beat(private_redis.url, tmp_path).start()
    beats = [first]
    try:
        assert wait_until(lambda: client.get(LOCK_KEY) is not None, timeout=30), first.text()
        holder = client.get(LOCK_KEY)

        second = Beat(private_redis.url, tmp_path).start()
        beats.append(second)
        assert second.process.wait(30) == 2
        assert "beat_refused" in second.text()
        assert first.process.poll() is None, first.text()
        assert client.get(LOCK_KEY) == holder

        # The first dies without releasing; once its lock expires, a new beat takes over.
        first.kill()

        def replacement_takes_over() -> bool:
            beat = Beat(private_redis.url, tmp_path).start()
            beats.append(beat)
            # Either it exits (the old lock still held) or the lock becomes its own.
            wait_until(lambda: beat.process.poll() is not None
                       or client.get(LOCK_KEY) not in (None, holder), timeout=30)
            return beat.process.poll() is None

        assert wait_until(replacement_takes_over, timeout=60)
        assert client.get(LOCK_KEY) not in (None, holder)
    finally:
        for beat in beats:
            beat.kill()
            Path(beat.log.name).unlink(missing_ok=True)


def test_without_redis_beat_runs_unlocked(settings):
    from celery import current_app

    from secretariat.beat import SingleBeatScheduler

    settings.REDIS_URL = ""
    with tempfile.TemporaryDirectory() as folder:
        scheduler = SingleBeatScheduler(app=current_app,
                                        schedule_filename=str(Path(folder) / "schedule"))
        assert scheduler.lock is None

