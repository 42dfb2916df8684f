"""One Celery beat for the whole deployment, enforced by a lock in Redis.

Two beats would offer every periodic job twice. The jobs survive that (each claims its rows in
the database), but a second beat is always a deployment mistake, so it is refused: the beat
takes ``portal:beat-lock`` with ``SET NX`` and a time to live, renews it on every tick, and a
second ``celery beat`` (on this host or another) that finds the lock held exits with status 2
and an ERROR line naming the holder. A beat that dies stops renewing; its lock expires after
``BEAT_LOCK_SECONDS`` and the next beat may start. A beat that finds its lock taken by another
(it was paused longer than the TTL) exits rather than run beside it.

Without Redis (the demo) there is nothing to share and no lock.
"""

import contextlib
import logging
import os
import socket
import uuid

import redis
from celery.beat import PersistentScheduler
from django.conf import settings

logger = logging.getLogger(__name__)

LOCK_KEY = "portal:beat-lock"
# Renew only if the lock is still ours; one round trip, no race between GET and EXPIRE.
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then " \
         "return redis.call('expire', KEYS[1], ARGV[2]) else return 0 end"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then " \
           "return redis.call('del', KEYS[1]) else return 0 end"


class BeatLock:
    def __init__(self, url: str, seconds: int):
        self.seconds = seconds
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        timeout = settings.REDIS_SOCKET_TIMEOUT
        self.client = redis.Redis.from_url(url, socket_connect_timeout=timeout,
                                           socket_timeout=timeout)

    def holder(self) -> str | None:
        value = self.client.get(LOCK_KEY)
        return value.decode() if value else None

    def acquire(self) -> bool:
        return bool(self.client.set(LOCK_KEY, self.token, nx=True, ex=self.seconds))

    def renew(self) -> bool:
        return bool(self.client.eval(_RENEW, 1, LOCK_KEY, self.token, self.seconds))

    def release(self) -> None:
        self.client.eval(_RELEASE, 1, LOCK_KEY, self.token)


class SingleBeatScheduler(PersistentScheduler):
    """``PersistentScheduler`` that runs only while it holds the deployment's beat lock."""

    def __init__(self, *args, **kwargs):
        self.lock = None
        # Celery also builds a lazy instance just to print its start-up banner: no lock there.
        if settings.REDIS_URL and not kwargs.get("lazy"):
            self.lock = BeatLock(settings.REDIS_URL, settings.BEAT_LOCK_SECONDS)
            if not self.lock.acquire():
                logger.error("beat_refused", extra={"holder": self.lock.holder(),
                                                    "reason": "another beat holds the lock"})
                raise SystemExit(2)
            logger.info("beat_lock_acquired", extra={"holder": self.lock.token})
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        if self.lock is not None:
            try:
                still_ours = self.lock.renew()
            except redis.RedisError as exc:
                # Redis down: no other beat can take the lock either; keep ticking (the jobs
                # only enqueue, and fail fast while the broker is down).
                logger.warning("beat_lock_unreachable", extra={"error": type(exc).__name__})
                still_ours = True
            if not still_ours:
                logger.error("beat_lock_lost", extra={"holder": self.lock.token})
                raise SystemExit(2)
        interval = super().tick(*args, **kwargs)
        # Wake up often enough to renew well before the lock expires.
        return min(interval, settings.BEAT_LOCK_SECONDS / 3)

    def close(self):
        super().close()
        if self.lock is not None:
            with contextlib.suppress(redis.RedisError):  # else it expires by itself
                self.lock.release()
