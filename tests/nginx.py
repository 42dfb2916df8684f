"""The portal as production serves it: Debian's nginx in front of gunicorn, both on loopback.

Reusable by any test that needs the real front proxy (trusted-proxy addresses, X-Accel-Redirect
downloads, large files, compose parity). The nginx configuration is the one the project ships,
``deploy/nginx/portal.conf``, rendered with this test's values; only a small main file
(pid, logs, temp paths, ``events {}``) is written around it.

Interface::

    from tests.nginx import Gunicorn, Nginx, request_from

    with Gunicorn(env={"TRUSTED_PROXIES": "127.0.0.1/32", "FILE_DELIVERY": "nginx",
                       "MEDIA_ROOT": str(media)}) as app, \\
         Nginx(upstream=app.address, media_root=media) as proxy:
        response = request_from("127.0.0.10", proxy.url + "/healthz/live")
        response.status, response.headers, response.body
        app.worker_pids()        # pids of gunicorn's workers now (read from /proc)
        proxy.access_log()       # nginx's access log lines so far

- ``Gunicorn(env=..., workers=2, timeout=30)``: ``gunicorn secretariat.wsgi`` in its own
  session on a free loopback port, with ``DJANGO_SETTINGS_MODULE=tests.settings``, DEBUG off
  and the *test* database (so a test using it needs ``transactional_db``: rows must be
  committed for another process to see them). ``env`` adds to or overrides the environment.
  ``.address`` is "127.0.0.1:<port>", ``.url`` its base URL, ``.log_text()`` its output.
- ``Nginx(upstream=..., media_root=..., static_root=None, client_max_body_size="60m",
  proxy_timeout=60)``: ``/usr/sbin/nginx`` (``NGINX`` env var to override) in the foreground,
  master + 1 worker, everything (pid, logs, temp dirs) under a private temp prefix, so it runs
  as any user. Listens on 127.0.0.1:<free port>; ``.url``, ``.port``, ``.error_log()``.
  Skips the test when nginx is not installed.
- ``request_from(source_ip, url, method="GET", headers=None, body=None)``: one HTTP request
  whose TCP connection starts from ``source_ip`` (any 127.x.y.z works on Linux loopback), so a
  test can play several clients behind the same proxy. Returns ``Response(status, headers,
  body)`` with lower-case header names; never follows redirects.

nginx connects to gunicorn from 127.0.0.1, so ``TRUSTED_PROXIES=127.0.0.1/32`` trusts exactly
the proxy while clients use other loopback addresses (127.0.0.10, 127.0.0.20, ...).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.reporting.smtp_sink import free_port

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "deploy" / "nginx" / "portal.conf"
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
_PLACEHOLDER = re.compile(r"\$\{(PORTAL_[A-Z_]+)\}")


def render(template: str, values: dict[str, str]) -> str:
    """Replace the ``${PORTAL_...}`` placeholders, and only those; a missing value is an error
    (nginx's own ``$variables`` are left alone, as envsubst with a variable list does)."""

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"{CONFIG.name} needs a value for {name}")
        return str(values[name])

    return _PLACEHOLDER.sub(replace, template)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


def request_from(
    source_ip: str, url: str, method: str = "GET", headers: dict | None = None,
    body: bytes | str | None = None, timeout: float = 30,
) -> Response:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=timeout, source_address=(source_ip, 0)
    )
    try:
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        connection.request(method, target, body=body, headers=headers or {})
        raw = connection.getresponse()
        data = raw.read()
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, data)
    finally:
        connection.close()


def _wait_for(url: str, process: subprocess.Popen, what: str, log) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{log()}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if request_from("127.0.0.1", url, timeout=2).status < 500:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer {url} within 60 s:\n{log()}")


class Gunicorn:
    """``gunicorn secretariat.wsgi`` on the test database (see the module docstring)."""

    def __init__(self, env: dict[str, str] | None = None, *, workers: int = 2, timeout: int = 30):
        from tests.reporting.processes import database_url_for_tests

        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.url = f"http://{self.address}"
        self.workers = workers
        self.timeout = timeout
        self.log_file = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="gunicorn-", suffix=".log", delete=False)
        from django.conf import settings

        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DEBUG": "false",
            "DATABASE_URL": database_url_for_tests(),
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "STATIC_MANIFEST": "false",
            "DATABASE_CONN_MAX_AGE": "0",
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> Gunicorn:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "secretariat.wsgi", "--bind", self.address,
             "--workers", str(self.workers), "--timeout", str(self.timeout),
             "--graceful-timeout", "5", "--log-level", "warning"],
            cwd=ROOT, env=self.env, stdout=self.log_file, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait_for(self.url + "/healthz/live", self.process, "gunicorn", self.log_text)
        return self

    def worker_pids(self) -> set[int]:
        """The pids whose parent is gunicorn's master, read from /proc (Linux)."""
        pids = set()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                # Field 4 is the parent pid; the command name (field 2) may contain spaces.
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                if ppid == self.process.pid:
                    pids.add(int(entry.name))
        return pids

    def log_text(self) -> str:
        return Path(self.log_file.name).read_text(errors="replace")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
        Path(self.log_file.name).unlink(missing_ok=True)


class Nginx:
    """Debian's nginx with ``deploy/nginx/portal.conf`` (see the module docstring)."""

    def __init__(
        self, *, upstream: str, media_root: str | Path, static_root: str | Path | None = None,
        client_max_body_size: str = "60m", proxy_timeout: int = 60,
    ):
        if not os.path.exists(NGINX):
            pytest.skip(f"nginx not installed at {NGINX} (apt-get install nginx)")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.prefix = Path(tempfile.mkdtemp(prefix="nginx-"))
        static_root = Path(static_root) if static_root else self.prefix / "static"
        static_root.mkdir(parents=True, exist_ok=True)
        self.values = {
            "PORTAL_UPSTREAM": upstream,
            "PORTAL_LISTEN": f"127.0.0.1:{self.port}",
            "PORTAL_STATIC_ROOT": str(Path(static_root).resolve()),
            "PORTAL_MEDIA_ROOT": str(Path(media_root).resolve()),
            "PORTAL_CLIENT_MAX_BODY_SIZE": client_max_body_size,
            "PORTAL_PROXY_TIMEOUT": str(proxy_timeout),
        }
        self.process: subprocess.Popen | None = None

    def _main_config(self) -> str:
        p = self.prefix
        # As root, workers would switch to "nobody" and could not read the private temp
        # dirs; run them as the current user instead (the directive is ignored otherwise).
        user = "user root;" if os.geteuid() == 0 else ""
        return f"""
daemon off;
master_process on;
worker_processes 1;
{user}
pid {p}/nginx.pid;
error_log {p}/error.log info;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {p}/client_body;
    proxy_temp_path {p}/proxy;
    fastcgi_temp_path {p}/fastcgi;
    uwsgi_temp_path {p}/uwsgi;
    scgi_temp_path {p}/scgi;
    log_format portal '$remote_addr "$http_x_forwarded_for" "$request" $status $body_bytes_sent';
    access_log {p}/access.log portal;
    include {p}/portal.conf;
}}
"""

    def start(self) -> Nginx:
        (self.prefix / "portal.conf").write_text(render(CONFIG.read_text(), self.values))
        (self.prefix / "nginx.conf").write_text(self._main_config())
        self.process = subprocess.Popen(
            [NGINX, "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf"),
             "-e", str(self.prefix / "error.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
        )
        _wait_for(self.url + "/healthz/live", self.process, "nginx", self.error_log)
        return self

    def error_log(self) -> str:
        path = self.prefix / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def access_log(self) -> list[str]:
        path = self.prefix / "access.log"
        return path.read_text(errors="replace").splitlines() if path.exists() else []

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            # SIGQUIT: graceful shutdown of master and worker; nginx's own group only.
            os.killpg(self.process.pid, signal.SIGQUIT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
        shutil.rmtree(self.prefix, ignore_errors=True)
