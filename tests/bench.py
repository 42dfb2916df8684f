"""``make bench``: throughput of the portal's hot pages, as ratios of a ceiling in the same run.

Serves the demo data (on PostgreSQL and Redis, as in production) with gunicorn, 2 sync
workers, and loads each page with wrk. The ceiling is ``/healthz/live``, the cheapest view
through the whole middleware stack. Numbers are relative: wrk shares the 2 cores with the
server. Never asserted in tests; reported in closing notes.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PORT = int(os.environ.get("BENCH_PORT", "8799"))
BASE = f"http://127.0.0.1:{PORT}"
DURATION = os.environ.get("BENCH_SECONDS", "10")
ADMIN_URL = os.environ.get("BENCH_ADMIN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = "portal_bench"

# (name, path, who): who is "anonymous", "session" (chair.vn logged in) or "token" (API).
TARGETS = [
    ("ceiling: /healthz/live", "/healthz/live", "anonymous"),
    ("home, anonymous", "/", "anonymous"),
    ("home, logged in", "/", "session"),
    ("dashboard, logged in", "/plan/", "session"),
    ("dashboard, anonymous (cached tier)", "/plan/", "anonymous"),
    ("DRF list of 50 milestones", "/api/v1/milestones/?limit=50", "token"),
    ("DRF list of meetings", "/api/v1/meetings/?limit=50", "token"),
    ("DRF list of consultations", "/api/v1/consultations/?limit=50", "token"),
    ("public consultation schedule", "/consultations/", "anonymous"),
    ("public meeting list", "/meetings/", "anonymous"),
    ("meeting list, logged in", "/meetings/", "session"),
]

CREDENTIALS = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from rest_framework.authtoken.models import Token
user = get_user_model().objects.get(username="chair.vn")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "secretariat.auth.PortalModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key, Token.objects.get_or_create(user=user)[0].key)
"""


def env() -> dict:
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": f"{ADMIN_URL.rsplit('/', 1)[0]}/{DB_NAME}",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "STATIC_MANIFEST": "false",
        "LOG_LEVEL": "WARNING",
    }


def manage(*args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env(), check=True,
        capture_output=True, text=True,
    ).stdout


def wrk(path: str, header: str | None) -> tuple[float, str]:
    command = ["wrk", "-t2", "-c16", f"-d{DURATION}s", "--latency"]
    if header:
        command += ["-H", header]
    output = subprocess.run([*command, BASE + path], capture_output=True, text=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    note = f"p99 {p99.group(1) if p99 else '?'}"
    if errors:
        note += f", {errors.group(1)} non-2xx"
    return (float(rate.group(1)) if rate else 0.0), note


def status_of(path: str, header: str | None) -> int:
    request = urllib.request.Request(BASE + path)  # noqa: S310 (loopback http only)
    if header:
        name, value = header.split(": ", 1)
        request.add_header(name, value)
    try:
        return urllib.request.urlopen(request, timeout=10).status  # noqa: S310 (loopback)
    except urllib.error.HTTPError as error:
        return error.code


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 1
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    manage("migrate", "--noinput")
    manage("load_demo", "--force")
    session_key, token = manage("shell", "-v", "0", "-c", CREDENTIALS).split()
    headers = {
        "anonymous": None,
        "session": f"Cookie: sessionid={session_key}",
        "token": f"Authorization: Token {token}",
    }
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "secretariat.wsgi", "-w", "2",
         "-b", f"127.0.0.1:{PORT}", "--log-level", "warning"],
        cwd=ROOT, env=env(), start_new_session=True,
    )
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen(f"{BASE}/healthz/live", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        results = []
        for name, path, who in TARGETS:
            status = status_of(path, headers[who])
            if status != 200:
                results.append((name, path, None, f"skipped: HTTP {status}"))
                continue
            rate, note = wrk(path, headers[who])
            results.append((name, path, rate, note))
        ceiling = results[0][2] or 1.0
        print(f"\n{'page':34} {'req/s':>8} {'ratio':>6}  notes")
        for name, path, rate, note in results:
            if rate is None:
                print(f"{name:34} {'-':>8} {'-':>6}  {path} {note}")
            else:
                print(f"{name:34} {rate:8.0f} {rate / ceiling:6.2f}  {path} ({note})")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
