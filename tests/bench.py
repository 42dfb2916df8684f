"""``make bench``: throughput of the portal's pages at a real year's data, as ratios of a ceiling
measured in the same run (issue 14).

Seeds, once and idempotently, two databases of its own: the demo plus a year's data
(``tests.bench_seed``: 2,000 milestones, 40 meetings x 5 sessions x 30 agenda items, 2,000
documents, 100,000 download-log rows, 20,000 history rows, 500 users), and the same at one
tenth. Serves each with gunicorn (2 sync workers, DEBUG off, PostgreSQL + Redis) and loads
every page with wrk (32 connections); three repetitions, interleaved (every page once, then
again), and reports the median. The ceiling is ``/healthz/live``, the cheapest view through
the whole middleware stack. Numbers are relative: wrk shares the cores with the server (and
with whatever else the machine runs). Never asserted in tests; reported in closing notes.

Environment: BENCH_SECONDS (per measurement, default 5), BENCH_REPEAT (3), BENCH_DB
(portal_bench; the tenth is ``<BENCH_DB>_tenth``), BENCH_REDIS_URL (the bench's own keys,
``bench:*``, are deleted before each scale), BENCH_ADMIN_DATABASE_URL, BENCH_ONLY (a
substring of page names to measure), BENCH_SCALES ("full,tenth"), BENCH_JSON (a file for
the raw results).
"""

import contextlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parents[1]
PORT = int(os.environ.get("BENCH_PORT", "8799"))
BASE = f"http://127.0.0.1:{PORT}"
DURATION = os.environ.get("BENCH_SECONDS", "5")
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "32")
ADMIN_URL = os.environ.get("BENCH_ADMIN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = os.environ.get("BENCH_DB", "portal_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
SCALES = {"full": 1.0, "tenth": 0.1}

# (name, path, who): who is "anonymous", "chair" (chair.kh, chairing today, logged in),
# "delegate" (delegate.my), "partner" (partner.wco), "staff" (secretariat, past the second
# factor) or "token" (API, chair.kh). {meeting} is a seeded meeting with 5 sessions and 30
# agenda items.
TARGETS = [
    ("ceiling: /healthz/live", "/healthz/live", "anonymous"),
    # --- the table ---
    ("home, anonymous", "/", "anonymous"),
    ("meeting list, anonymous", "/meetings/", "anonymous"),
    ("consultation schedule, anonymous", "/consultations/", "anonymous"),
    ("plan dashboard, anonymous", "/plan/", "anonymous"),
    ("plan dashboard, chair", "/plan/", "chair"),
    ("plan dashboard, delegate", "/plan/", "delegate"),
    ("home, chair", "/", "chair"),
    ("meeting list, chair", "/meetings/", "chair"),
    ("meeting page, chair", "/meetings/{meeting}/", "chair"),
    ("API milestones ?limit=50", "/api/v1/milestones/?limit=50", "token"),
    ("API meetings ?limit=50", "/api/v1/meetings/?limit=50", "token"),
    ("API consultations ?limit=50", "/api/v1/consultations/?limit=50", "token"),
    # --- the other users' views of the same pages ---
    ("home, delegate", "/", "delegate"),
    ("home, partner", "/", "partner"),
    ("meeting page, delegate", "/meetings/{meeting}/", "delegate"),
    ("meeting page, partner", "/meetings/{meeting}/", "partner"),
    ("consultation schedule, partner", "/consultations/", "partner"),
    ("API documents ?limit=50", "/api/v1/documents/?limit=50", "token"),
    ("API bodies", "/api/v1/bodies/", "token"),
    # --- pages added since the issue was filed ---
    ("meeting edit, staff", "/meetings/{meeting}/edit/", "staff"),
    ("sessions page, staff", "/meetings/{meeting}/sessions/", "staff"),
    ("agenda edit, staff", "/meetings/{meeting}/agenda/edit/", "staff"),
    ("nominations, staff", "/meetings/{meeting}/nominations/", "staff"),
    ("year calendar, chair", "/meetings/calendar/", "chair"),
    ("year feed .ics, anonymous", "/meetings/calendar.ics", "anonymous"),
    ("consultations feed .ics", "/consultations/calendar.ics", "anonymous"),
    ("search 'customs', chair", "/search/?q=customs", "chair"),
    ("meeting search 'customs', chair", "/meetings/search/?q=customs", "chair"),
    ("profile, delegate", "/accounts/profile/", "delegate"),
]

CREDENTIALS = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from meetings.models import Meeting
from secretariat.tokens import token_create
users = get_user_model().objects
def session_of(username, verified=True):
    user = users.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "secretariat.auth.PortalModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if verified:  # past the code step, as secretariat.mfa.is_verified reads it
        session[DEVICE_ID_SESSION_KEY] = "bench/verified"
    session.create()
    return session.session_key
meeting = Meeting.objects.filter(title__startswith="BENCH-").order_by("pk").first()
print(session_of("chair.kh"), session_of("delegate.my"), session_of("secretariat"),
      session_of("partner.wco"), token_create(user=users.get(username="chair.kh"),
                                              name="bench")[1], meeting.pk)
"""


def env(db: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.bench_settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": f"{ADMIN_URL.rsplit('/', 1)[0]}/{db}",
        "REDIS_URL": REDIS_URL,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "STATIC_MANIFEST": "false",
        "LOG_LEVEL": "WARNING",
        "VAR_DIR": os.environ.get("VAR_DIR", str(ROOT / "var")),
    }


def manage(db: str, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env(db), check=True,
        capture_output=True, text=True,
    ).stdout


def prepare(db: str, scale: float) -> None:
    """Create, migrate and seed ``db`` unless already done (the seed is idempotent)."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone():
            conn.execute(f'CREATE DATABASE "{db}"')
    manage(db, "migrate", "--noinput")
    seeded = manage(db, "shell", "-v", "0", "-c",
                    "from workgroups.models import Plan; print(Plan.objects.exists())").strip()
    if seeded != "True":
        manage(db, "load_demo", "--force")
    print(f"{db}: " + manage(db, "shell", "-v", "0", "-c",
                             f"from tests.bench_seed import seed; print(seed({scale}))").strip(),
          flush=True)


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        return float("nan")
    value, unit = match.groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(path: str, header: str | None) -> dict:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--timeout", "30s",
               "--latency"]
    if header:
        command += ["-H", header]
    output = subprocess.run([*command, BASE + path], capture_output=True, text=True).stdout
    drain()
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if not rate or os.environ.get("BENCH_VERBOSE"):
        print(output, file=sys.stderr, flush=True)
    return {
        "rate": float(rate.group(1)) if rate else 0.0,
        "p50": _ms(p50.group(1)) if p50 else float("nan"),
        "p99": _ms(p99.group(1)) if p99 else float("nan"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def drain() -> None:
    """Wait until the server answers the ceiling view quickly again. wrk closes its sockets
    when its time is up, but requests already queued in gunicorn's backlog are still served;
    measuring the next page before they are would charge it for the previous page's work
    (on a loaded machine every page then read 0 req/s)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        started = time.monotonic()
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"{BASE}/healthz/live", timeout=30)  # noqa: S310 (loopback)
        if time.monotonic() - started < 0.2:
            return
        time.sleep(0.5)


def status_of(path: str, header: str | None) -> int:
    request = urllib.request.Request(BASE + path)  # noqa: S310 (loopback http only)
    if header:
        name, value = header.split(": ", 1)
        request.add_header(name, value)
    try:
        return urllib.request.urlopen(request, timeout=30).status  # noqa: S310 (loopback)
    except urllib.error.HTTPError as error:
        return error.code


def measure(db: str, targets: list) -> dict:
    """{name: {"rate", "ratio", "p50", "p99", "errors"} medians, or {"skipped": reason}}."""
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter("bench:*"):  # the bench's own keys only (tests.bench_settings)
        client.delete(key)
    chair, delegate, staff, partner, token, meeting = manage(
        db, "shell", "-v", "0", "-c", CREDENTIALS).split()
    headers = {
        "anonymous": None,
        "chair": f"Cookie: sessionid={chair}",
        "delegate": f"Cookie: sessionid={delegate}",
        "staff": f"Cookie: sessionid={staff}",
        "partner": f"Cookie: sessionid={partner}",
        "token": f"Authorization: Token {token}",
    }
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "secretariat.wsgi", "-w", "2",
         "-b", f"127.0.0.1:{PORT}", "--log-level", "warning"],
        cwd=ROOT, env=env(db), start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{BASE}/healthz/live", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        runs: dict[str, list] = {}
        skipped = {}
        for name, path, who in targets:
            status = status_of(path.format(meeting=meeting), headers[who])
            if status != 200:
                skipped[name] = f"HTTP {status}"
        for _ in range(REPEAT):
            ceiling = wrk("/healthz/live", None)["rate"] or 1.0
            for name, path, who in targets:
                if name in skipped:
                    continue
                result = wrk(path.format(meeting=meeting), headers[who]) if not name.startswith(
                    "ceiling") else wrk(path, None)
                result["ratio"] = result["rate"] / ceiling
                runs.setdefault(name, []).append(result)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    results = {name: {"skipped": reason} for name, reason in skipped.items()}
    for name, measured in runs.items():
        results[name] = {key: statistics.median(r[key] for r in measured)
                         for key in ("rate", "ratio", "p50", "p99", "errors")}
    return results


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 1
    only = os.environ.get("BENCH_ONLY", "")
    targets = [t for t in TARGETS if t[0].startswith("ceiling") or only in t[0]]
    scales = os.environ.get("BENCH_SCALES", "full,tenth").split(",")
    started = time.monotonic()
    by_scale = {}
    for scale in scales:
        db = DB_NAME if scale == "full" else f"{DB_NAME}_{scale}"
        prepare(db, SCALES[scale])
        by_scale[scale] = measure(db, targets)
        print(f"{scale}: measured at {time.monotonic() - started:.0f} s", flush=True)
    if out := os.environ.get("BENCH_JSON"):
        Path(out).write_text(json.dumps(by_scale, indent=1))
    print(f"\nmedian of {REPEAT} interleaved runs, wrk {CONNECTIONS} connections, {DURATION} s "
          f"each; gunicorn 2 sync workers; ratio = req/s ÷ ceiling req/s of the same repetition")
    header = f"{'page':34} {'req/s':>7} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} {'p99/50':>6}"
    if "tenth" in by_scale and "full" in by_scale:
        header += f" {'ratio@1/10':>10} {'growth':>6}"
    print(header)
    full = by_scale.get("full") or by_scale[scales[0]]
    for name, _path, _who in targets:
        row = full.get(name, {"skipped": "not measured"})
        if "skipped" in row:
            print(f"{name:34} skipped: {row['skipped']}")
            continue
        line = (f"{name:34} {row['rate']:7.0f} {row['ratio']:6.2f} {row['p50']:7.1f} "
                f"{row['p99']:7.1f} {row['p99'] / (row['p50'] or float('nan')):6.1f}")
        tenth = by_scale.get("tenth", {}).get(name)
        if tenth and "ratio" in tenth and "full" in by_scale:
            # Growth of the time per request, 10x data over 1x, each against its own ceiling.
            line += f" {tenth['ratio']:10.2f} {tenth['ratio'] / (row['ratio'] or 1):6.2f}"
        if row["errors"]:
            line += f"  ({row['errors']:.0f} non-2xx)"
        print(line)
    print(f"\nbench took {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
