"""Processes the reliability tests start and break: a private Redis, real Celery workers."""

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from secretariat.celery import app as celery_app
from tests.reporting.smtp_sink import free_port

BASE_DIR = Path(settings.BASE_DIR)


class PrivateRedis:
    """``redis-server`` on its own free port, without persistence, so that stopping it loses
    the queue exactly like a crashed broker would."""

    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        for _ in range(100):
            with contextlib.suppress(redis.exceptions.ConnectionError):
                if client.ping():
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


def reset_producer_pools() -> None:
    """Forget broker connections made for the previous broker URL (Celery caches them)."""
    from kombu import pools

    # kombu keeps a process-wide registry of pools keyed by connection: empty it, or the
    # next acquire finds the closed pool again.
    pools.reset()
    celery_app._pool = None
    with contextlib.suppress(AttributeError, KeyError):
        celery_app.__dict__["amqp"]._producer_pool = None


@contextlib.contextmanager
def broker(url: str):
    """Point this process's Celery app at ``url`` for the duration."""
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = url
    reset_producer_pools()
    try:
        yield celery_app
    finally:
        celery_app.conf.broker_url = previous
        reset_producer_pools()


def test_database_url() -> str:
    """The test database (``test_<name>``) as a URL for a subprocess."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    """``celery -A secretariat worker -c 2`` in its own session, so that its whole process
    group (the main process and its pool children) can be SIGKILLed at once."""

    def __init__(self, redis_url: str, extra_env: dict[str, str]):
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": test_database_url(),
            "REDIS_URL": redis_url,
            "SECRET_KEY": settings.SECRET_KEY,
            **extra_env,
        }
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="reporting-worker-", suffix=".log", delete=False)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "secretariat", "worker", "-c", "2",
             "--without-mingle", "--without-gossip", "--without-heartbeat", "-l", "INFO"],
            cwd=BASE_DIR, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL the whole group: no warm shutdown, no acks, like a pulled plug."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
