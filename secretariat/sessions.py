"""Sessions read from the shared cache, written to both (issue 14).

Django's ``cached_db`` store: a logged-in request reads its session from Redis (one round
trip) instead of PostgreSQL (a query), and every write still goes to the database first, so
the table stays the record (``sessions_end_all`` reads it; Redis may be flushed at any time).

One change: a cache entry lives at most ``SESSION_CACHE_SECONDS`` (two minutes), not the
session's whole idle age. Ending a session deletes its entry; while Redis is unreachable that
delete is lost (``ResilientRedisCache`` answers "nothing"), and the entry would otherwise be
honoured again once Redis is back, for up to the idle limit. With the short lifetime a session
ended during an outage is refused from the database at most two minutes after it was last
cached. Active sessions are re-cached at least once a minute anyway
(``SessionLifetimeMiddleware`` saves them), so the short lifetime costs few misses.
"""

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.utils import timezone


class SessionStore(CachedDBStore):
    cache_key_prefix = "portal.sessions."

    def _cache_seconds(self, expiry=None) -> int:
        return max(0, min(self.get_expiry_age(expiry=expiry), settings.SESSION_CACHE_SECONDS))

    def load(self):
        try:
            entry = self._cache.get(self.cache_key)
        except Exception:  # as Django's own: a key the cache refuses is a new session
            entry = None
        # The entry carries the session's expiry, checked here as the database query checks
        # it: the idle limit holds by the clock, not only by the entry's time to live.
        if entry is not None and entry[0] > timezone.now().timestamp():
            return entry[1]
        session = self._get_session_from_db()
        if not session:
            return {}
        data = self.decode(session.session_data)
        self._cache_put(data, session.expire_date)
        return data

    def save(self, must_create=False):
        # The database first: a write that fails there must not leave a cached copy behind.
        super(CachedDBStore, self).save(must_create)
        self._cache_put(self._session, self.get_expiry_date())

    def _cache_put(self, data, expires) -> None:
        seconds = self._cache_seconds(expires)
        if seconds:
            self._cache.set(self.cache_key, (expires.timestamp(), data), seconds)


def end_session(session_key: str) -> None:
    """End one session: its row and its cached copy."""
    SessionStore(session_key).delete(session_key)
