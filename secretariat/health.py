"""Readiness checks of the parts the portal depends on. Each answers within seconds."""

import time

import redis
from django.conf import settings
from django.db import connection


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ready"
        return False, type(exc).__name__
    return True, connection.vendor


def check_redis() -> tuple[bool, str]:
    timeout = settings.REDIS_SOCKET_TIMEOUT
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout
        )
        try:
            client.ping()
        finally:
            client.close()
    except redis.RedisError as exc:
        return False, type(exc).__name__
    return True, "ping"


def outbox_backlog_seconds() -> int:
    """Seconds the oldest due but unsent outbox message (a reminder, a notice) has waited."""
    from secretariat.metrics import oldest_due_unsent

    waited = oldest_due_unsent()
    return int(waited.total_seconds()) if waited else 0


def readiness() -> dict:
    """``{"ok": bool, "checks": {name: {"ok", "detail", "ms"}}, "oldest_due_unsent_seconds"}``.

    Redis is checked only when configured. The outbox is down when a due message has waited
    past ``HEALTH_MAX_UNSENT_SECONDS``: workers or beat are stopped, or tasks are being lost
    faster than the sweeper re-offers them.
    """
    backlog: list[int] = []

    def check_outbox() -> tuple[bool, str]:
        try:
            backlog.append(outbox_backlog_seconds())
        except Exception as exc:  # the database check says why; here we cannot tell
            return False, type(exc).__name__
        return backlog[0] <= settings.HEALTH_MAX_UNSENT_SECONDS, f"oldest due {backlog[0]}s"

    checks = {"database": check_database}
    if settings.REDIS_URL:
        checks["redis"] = check_redis
    checks["outbox"] = check_outbox
    results = {}
    for name, check in checks.items():
        started = time.monotonic()
        ok, detail = check()
        results[name] = {
            "ok": ok,
            "detail": detail,
            "ms": round((time.monotonic() - started) * 1000, 1),
        }
    return {"ok": all(r["ok"] for r in results.values()), "checks": results,
            "oldest_due_unsent_seconds": backlog[0] if backlog else None}
