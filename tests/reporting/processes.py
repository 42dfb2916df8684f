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


def database_url_for_tests() -> str:
    """The test database (``test_<name>``) as a URL for a subprocess."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    """``celery -A secretariat worker -c 2`` in its own session, so that its whole process
    group (the main process and its pool children) can be SIGKILLed at once. ``command``
    runs something else the same way (a beat, a web server)."""

    command = ["worker", "-c", "2", "--without-mingle", "--without-gossip",
               "--without-heartbeat", "-l", "INFO"]

    def __init__(self, redis_url: str, extra_env: dict[str, str], *, name: str = "worker"):
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": database_url_for_tests(),
            "REDIS_URL": redis_url,
            "SECRET_KEY": settings.SECRET_KEY,
            **extra_env,
        }
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix=f"reporting-{name}-", suffix=".log", delete=False)

    def argv(self) -> list[str]:
        return [sys.executable, "-m", "celery", "-A", "secretariat", *self.command]

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.argv(), cwd=BASE_DIR, env=self.env, stdout=self.log,
            stderr=subprocess.STDOUT, start_new_session=True,
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


class BeatProcess(WorkerProcess):
    """``celery -A secretariat beat`` with its own schedule file (two beats never share one)."""

    def __init__(self, redis_url: str, extra_env: dict[str, str]):
        super().__init__(redis_url, extra_env, name="beat")
        self.schedule = Path(tempfile.mkdtemp(prefix="beat-")) / "schedule"
        self.command = ["beat", "-s", str(self.schedule), "--pidfile=", "-l", "INFO"]


class WebProcess(WorkerProcess):
    """The portal under gunicorn (2 sync workers) on a free loopback port."""

    def __init__(self, redis_url: str, extra_env: dict[str, str]):
        super().__init__(redis_url, extra_env, name="web")
        self.port = free_port()

    def argv(self) -> list[str]:
        return [sys.executable, "-m", "gunicorn", "secretariat.wsgi", "-b",
                f"127.0.0.1:{self.port}", "-w", "2", "--timeout", "30"]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


PG_BIN = Path("/usr/lib/postgresql/15/bin")


class PrivatePostgres:
    """A PostgreSQL cluster of its own (``initdb`` in a temp dir, ``pg_ctl`` on a free port),
    so a test may restart it without touching the shared server. Runs as the ``postgres``
    system user when the test runs as root (PostgreSQL refuses to run as root)."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="private-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def url(self, name: str = "portal") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *argv: str) -> None:
        # Never a pipe: the server started by pg_ctl inherits it, and reading it to the end
        # would wait for the server to exit.
        subprocess.run([*self.prefix, *argv], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=120)

    def init(self) -> None:
        if self.prefix:
            subprocess.run(["chown", "-R", "postgres", str(self.dir)], check=True)
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "--no-sync")

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 "
                   f"-c unix_socket_directories={self.dir} -c fsync=off")
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w",
                  "-o", options, "start")

    def restart(self) -> None:
        """``pg_ctl restart -m fast``: every connection is cut, then the server comes back."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-m",
                  "fast", "-w", "restart")

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")

    def accepts_connections(self) -> bool:
        result = subprocess.run(
            [str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-t", "1"],
            capture_output=True, check=False)
        return result.returncode == 0

    def copy_schema_from(self, source_url: str, name: str = "portal") -> None:
        """Create database ``name`` with the schema and rows of ``source_url`` (the test
        database, already migrated): much faster than migrating again."""
        subprocess.run(["createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                        name], check=True, timeout=60)
        dump = subprocess.run(["pg_dump", "--no-owner", "--no-privileges", source_url],
                              check=True, capture_output=True, timeout=120).stdout
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", self.url(name)], input=dump,
                       check=True, capture_output=True, timeout=120)
