"""Cached fragments for logged-in pages, invalidated by a per-app "data version" (issue 14).

The same scheme as the Strategic Plan's (``workgroups.caching``), for any app: a
``DataVersion("meetings")`` is a random token in the shared cache (Redis) that every write
to the data it covers replaces, and ``cached(parts, build)`` keeps ``build()``'s value under
a key that includes the token. So a cached copy is never older than the last write, on any
process: the next request anywhere reads the new token and misses.

* Replaced twice: at once (the writer's own transaction, and a test, never read the old
  entry) and again after commit (an entry computed between from pre-commit data is never
  read again). Random, so a rolled-back write cannot make an old token mean new data.
* ``connect(models)`` bumps on every ORM save/delete of those models (admin, services,
  shell); ``QuerySet.update()`` sends no signal, so services that use it call ``bump()``.
* ``parts`` must name everything the value depends on besides the covered data: who is
  looking (their audience, not their id, so that entries are shared), the day, the active
  time zone, the query string.
* Entries live in Redis (shared) and in this process's memory (no round trip on a hit);
  the version in the key is what keeps the process tier from serving an outdated copy.
  With Redis unreachable nothing is cached.
* A GET request reads the tokens once (``secretariat.request_memo``), all of them in one
  round trip: a page and its sections ask several versions, some several times, and a
  request is one instant. A bump in the request forgets the memoised token.
"""

import contextvars
import hashlib
import uuid
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from secretariat.request_memo import forget, memo

ENTRY_SECONDS = 300
# Bounded by count: entries are page fragments, and every write leaves the previous version's
# entries behind to expire.
process_cache = LocMemCache("secretariat-dataversion", {"TIMEOUT": ENTRY_SECONDS,
                                                        "OPTIONS": {"MAX_ENTRIES": 500}})


_ALL: dict[str, "DataVersion"] = {}


class DataVersion:
    def __init__(self, name: str):
        self.name = name
        self.key = f"dataversion:{name}"
        self._batching = contextvars.ContextVar(f"dataversion_{name}_batch", default=False)
        _ALL[name] = self

    def _new(self) -> None:
        cache.set(self.key, uuid.uuid4().hex, timeout=None)
        forget(("dataversion", self.key))

    def bump(self) -> None:
        """Make every cached fragment of this scope unreachable, now and after commit."""
        self._new()
        transaction.on_commit(self._new, robust=True)

    def current(self) -> str | None:
        """The current token, or None when the cache cannot be reached."""
        return memo(("dataversion", self.key), self._read)

    def _read(self) -> str | None:
        # One MGET for every scope: the other tokens are memoised for the rest of the request.
        found = cache.get_many([scope.key for scope in _ALL.values()])
        for scope in _ALL.values():
            if scope is not self and scope.key in found:
                memo(("dataversion", scope.key), lambda token=found[scope.key]: token)
        version = found.get(self.key)
        if version is None:
            candidate = uuid.uuid4().hex
            version = candidate if cache.add(self.key, candidate, timeout=None) else cache.get(
                self.key)
        return version

    def cached(self, parts: tuple, build: Callable[[], object]) -> object:
        """``build()``'s value (not None) for the current version of this scope and ``parts``."""
        version = self.current()
        if version is None:
            return build()
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
        key = f"dataversion:{self.name}:{version}:{digest}"
        value = process_cache.get(key)
        if value is not None:
            return value
        value = cache.get(key)
        if value is None:
            value = build()
            cache.set(key, value, ENTRY_SECONDS)
        process_cache.set(key, value, ENTRY_SECONDS)
        return value

    def connect(self, models: Iterable, m2m: Iterable = ()) -> None:
        """Bump on every ORM write to ``models`` (call from ``AppConfig.ready``)."""

        def on_change(sender, **kwargs):
            self.bump()

        self._receiver = on_change  # signals hold receivers weakly
        for model in models:
            label = model._meta.label_lower
            post_save.connect(on_change, sender=model, dispatch_uid=f"dv-{self.name}-s-{label}")
            post_delete.connect(on_change, sender=model, dispatch_uid=f"dv-{self.name}-d-{label}")
        for through in m2m:
            m2m_changed.connect(on_change, sender=through,
                                dispatch_uid=f"dv-{self.name}-m-{through._meta.label_lower}")
