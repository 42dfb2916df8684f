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


def readiness() -> dict:
    """``{"ok": bool, "checks": {name: {"ok", "detail", "ms"}}}``; Redis only when configured."""
    checks = {"database": check_database}
    if settings.REDIS_URL:
        checks["redis"] = check_redis
    results = {}
    for name, check in checks.items():
        started = time.monotonic()
        ok, detail = check()
        results[name] = {
            "ok": ok,
            "detail": detail,
            "ms": round((time.monotonic() - started) * 1000, 1),
        }
    return {"ok": all(r["ok"] for r in results.values()), "checks": results}
