"""Optional Sentry (issue 15): off without SENTRY_DSN; with it, events reach the DSN's server.

The "Sentry" here is a plain HTTP server on loopback that records what the SDK posts.
"""

import gzip
import http.server
import os
import subprocess
import sys
import threading

from django.conf import settings

from tests.reporting.smtp_sink import free_port

SCRIPT = """
import django, sentry_sdk
django.setup()
client = sentry_sdk.get_client()
print("active" if client.is_active() else "inactive", sorted(client.integrations))
if client.is_active():
    sentry_sdk.capture_message("portal sentry probe")
    sentry_sdk.flush(10)
"""


def _run(extra_env: dict[str, str]) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings",
           "SECRET_KEY": settings.SECRET_KEY, **extra_env}
    if "SENTRY_DSN" not in extra_env:
        env.pop("SENTRY_DSN", None)
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120, check=True)
    return result.stdout


def test_sentry_is_off_without_a_dsn():
    import sentry_sdk

    assert not settings.SENTRY_DSN  # the test suite's own process has none
    assert not sentry_sdk.get_client().is_active()


def test_with_a_dsn_errors_are_sent_with_the_django_and_celery_integrations():
    received: list[tuple[str, bytes]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            encoding = self.headers.get("Content-Encoding")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "br":  # the SDK prefers brotli once it is installed (WeasyPrint)
                import brotli

                body = brotli.decompress(body)
            received.append((self.path, body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        output = _run({"SENTRY_DSN": f"http://publickey@127.0.0.1:{port}/42"})
    finally:
        server.shutdown()
        thread.join()

    assert output.startswith("active")
    assert "'django'" in output and "'celery'" in output
    assert any(path == "/api/42/envelope/" and b"portal sentry probe" in body
               for path, body in received)
