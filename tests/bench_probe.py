"""A quick look at one page's cost, in this process, against a bench database (issue 14).

``make bench`` measures throughput under load; this answers the question asked while changing
code: how many milliseconds and queries does one request of this page take, next to the
ceiling view, at a real year's data? Runs each path through Django's full middleware stack
(the test client, so no sockets), warm, and prints the median time, the queries per request
on a warm cache and the ratio of the ceiling's time to the page's (roughly what ``make
bench`` reports as the page's ratio). ``--profile`` prints a pyinstrument profile instead.

    BENCH_DB=portal_bench python -m tests.bench_probe chair /meetings/{meeting}/ [...]
    python -m tests.bench_probe --profile token /api/v1/milestones/?limit=50

Who: anonymous, chair, delegate, partner, staff, token (as in ``tests.bench``). The database must be
seeded (``make bench`` does it, or ``tests.bench.prepare``).
"""

import os
import statistics
import sys
import time

from tests import bench


def main(argv: list[str]) -> int:
    profile = "--profile" in argv
    argv = [a for a in argv if a != "--profile"]
    if len(argv) < 2 or len(argv) % 2:
        print(__doc__, file=sys.stderr)
        return 2
    os.environ.update(bench.env(bench.DB_NAME))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    namespace: dict = {}
    from contextlib import redirect_stdout
    from io import StringIO

    out = StringIO()
    with redirect_stdout(out):
        exec(bench.CREDENTIALS, namespace)  # noqa: S102 (our own code: sessions and a token)
    chair, delegate, staff, partner, token, meeting = out.getvalue().split()
    extra = {
        "anonymous": {},
        "chair": {"HTTP_COOKIE": f"sessionid={chair}"},
        "delegate": {"HTTP_COOKIE": f"sessionid={delegate}"},
        "staff": {"HTTP_COOKIE": f"sessionid={staff}"},
        "partner": {"HTTP_COOKIE": f"sessionid={partner}"},
        "token": {"HTTP_AUTHORIZATION": f"Token {token}"},
    }
    client = Client(HTTP_HOST="127.0.0.1")

    def get(path, who):
        client.cookies.clear()
        return client.get(path, **extra[who])

    def timed(path, who, seconds=1.5):
        for _ in range(3):
            response = get(path, who)
        if response.status_code != 200:
            return response.status_code, None, None
        times = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline or len(times) < 5:
            started = time.perf_counter()
            get(path, who)
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            get(path, who)
        return 200, statistics.median(times), len(queries)

    pairs = [(argv[i + 1].format(meeting=meeting), argv[i]) for i in range(0, len(argv), 2)]
    if profile:
        from pyinstrument import Profiler

        for path, who in pairs:
            for _ in range(3):
                get(path, who)
            profiler = Profiler(interval=0.0005)
            with profiler:
                for _ in range(20):
                    get(path, who)
            print(profiler.output_text(unicode=True, color=False, show_all=False))
        return 0
    _, ceiling, _ = timed("/healthz/live", "anonymous")
    print(f"{'who':10} {'path':50} {'status':>6} {'ms':>7} {'queries':>7} {'ratio':>6}")
    print(f"{'anonymous':10} {'/healthz/live':50} {200:6} {ceiling:7.2f} {'':7} {1:6.2f}")
    for path, who in pairs:
        status, ms, count = timed(path, who)
        if ms is None:
            print(f"{who:10} {path:50} {status:6}")
            continue
        print(f"{who:10} {path:50} {status:6} {ms:7.2f} {count:7} {ceiling / ms:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
