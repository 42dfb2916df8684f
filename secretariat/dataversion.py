"""Cached fragments for logged-in pages, invalidated by a per-app "data version" (issue 14).

The one implementation for every app (the Strategic Plan's ``workgroups.caching``, the
meetings', the records'...): a ``DataVersion("meetings")`` is a random token in the shared
cache (Redis) that every write to the data it covers replaces, and ``cached(parts, build)``
keeps ``build()``'s value under a key that includes the token. So a cached copy is never
older than the last write, on any process: the next request anywhere reads the new token and
misses.

* Replaced twice: at once (the writer's own transaction, and a test, never read the old
  entry) and again after commit (an entry computed between from pre-commit data is never
  read again). Random, so a rolled-back write cannot make an old token mean new data.
* ``connect(models)`` bumps on every ORM save/delete of those models (admin, services,
  shell); ``QuerySet.update()`` sends no signal, so services that use it call ``bump()``.
  ``batch()`` turns the bumps of a bulk write into one, at its end.
* ``parts`` must name everything the value depends on besides the covered data: who is
  looking (their audience, not their id, so that entries are shared), the day, the active
  time zone, the query string. What changes at an instant rather than a day (a deadline
  passing, an embargo lifting) goes through ``cached_until``: the entry says until when it
  holds.
* Entries live in Redis (shared) and in this process's memory (no round trip on a hit);
  the version in the key is what keeps the process tier from serving an outdated copy.
  With Redis unreachable nothing is cached.
* Within one GET/HEAD request (``secretariat.request_memo``) the tokens of every data
  version are read once, in one round trip: a page whose panels read five apps' data asks
  Redis once. A request is one instant; a bump inside it is seen at once all the same.
"""

import contextlib
import contextvars
import functools
import hashlib
import time
import uuid
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone

from secretariat.request_memo import forget, memo

ENTRY_SECONDS = 300
# Bounded by count: entries are page fragments (the plan's public pages up to ~200 KB), and
# every write leaves the previous version's entries behind to expire.
process_cache = LocMemCache("secretariat-dataversion", {"TIMEOUT": ENTRY_SECONDS,
                                                        "OPTIONS": {"MAX_ENTRIES": 500}})
# Anonymous copies (``public_page``) may trail a write made on *another* process by this
# long; this process's own writes show at once. Saves a Redis round trip per public hit.
PUBLIC_VERSION_SECONDS = 1.0

_ALL: dict[str, "DataVersion"] = {}
_MEMO_KEY = ("secretariat.dataversion",)


def _tokens() -> dict[str, str]:
    """Every data version's token, in one round trip (memoised for the request)."""
    keys = {v.key: v for v in _ALL.values()}
    found = cache.get_many(list(keys))
    return {v.name: found.get(key) for key, v in keys.items()}


_ALL: dict[str, "DataVersion"] = {}


# model label -> the versions ``connect`` made it bump (``BumpsWatchersOnUpdate``).
_WATCHING: dict[str, set["DataVersion"]] = {}


class BumpsWatchersOnUpdate:
    """A QuerySet mixin: ``update()`` sends no signal, so it bumps every version connected to
    the model itself (a bulk rename of administrations must reach the cached pages and the
    users each process keeps, as a save would)."""

    def update(self, **kwargs):
        changed = super().update(**kwargs)
        for version in _WATCHING.get(self.model._meta.label_lower, ()):
            version.bump()
        return changed


class DataVersion:
    def __init__(self, name: str, *, key: str | None = None):
        self.name = name
        # ``key``: where an older implementation kept its token (the plan's), so that a deploy
        # does not orphan it.
        self.key = key or f"dataversion:{name}"
        self._batching = contextvars.ContextVar(f"dataversion_{name}_batch", default=False)
        self._seen: tuple[float, str] | None = None  # public_page's recent read of the token
        _ALL[name] = self

    def _new(self) -> None:
        token = uuid.uuid4().hex
        cache.set(self.key, token, timeout=None)
        self._seen = (time.monotonic(), token)
        forget(_MEMO_KEY)

    def bump(self) -> None:
        """Make every cached fragment of this scope unreachable, now and after commit
        (inside ``batch()``: once, when the batch ends)."""
        if self._batching.get():
            return
        self._new()
        transaction.on_commit(self._new, robust=True)

    @contextlib.contextmanager
    def batch(self):
        """The writes inside bump the version once, at the end, if they all succeeded: a bulk
        apply of thousands of rows would otherwise pay two Redis writes per row. Enter it
        outside the transaction, so that the bump follows the commit."""
        if self._batching.get():
            yield
            return
        token = self._batching.set(True)
        try:
            yield
        finally:
            self._batching.reset(token)
        self.bump()

    def current(self) -> str | None:
        """The current token, or None when the cache cannot be reached."""
        version = memo(_MEMO_KEY, _tokens).get(self.name)
        if version is None:
            candidate = uuid.uuid4().hex
            # ``add`` so that two first readers agree on one token; re-read when another won.
            version = candidate if cache.add(self.key, candidate, timeout=None) else cache.get(
                self.key)
            forget(_MEMO_KEY)
        return version

    def _key(self, version: str, parts: tuple) -> str:
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
        return f"dataversion:{self.name}:{version}:{digest}"

    def cached(self, parts: tuple, build: Callable[[], object], *,
               also: Iterable["DataVersion"] = ()) -> object:
        """``build()``'s value (not None) for the current version of this scope and ``parts``.
        Keep values small and plain (text, tuples, dicts of text): unpickling model
        instances costs more than the queries they save.

        ``also``: other scopes the value depends on (the year calendar shows meetings and
        consultations); a write to any of them makes the entry unreachable. Every token is
        read in the request's one round trip (``current``).
        """
        version = self._tokens([self, *also])
        if version is None:
            return build()
        key = self._key(version, parts)
        value = process_cache.get(key)
        if value is not None:
            return value
        value = cache.get(key)
        if value is None:
            value = build()
            cache.set(key, value, ENTRY_SECONDS)
        process_cache.set(key, value, ENTRY_SECONDS)
        return value

    def cached_until(self, parts: tuple, build: Callable[[], tuple[object, object]]) -> object:
        """Like ``cached``, for a value that changes at an instant without any write (a
        deadline passing, the next consultation starting): ``build()`` returns
        ``(value, until)``, ``until`` an aware datetime or None, and from that instant on the
        entry is built again."""
        now = timezone.now()
        version = self.current()
        if version is None:
            return build()[0]
        key = self._key(version, ("until", *parts))
        for tier in (process_cache, cache):
            entry = tier.get(key)
            if entry is not None and (entry[1] is None or now < entry[1]):
                if tier is cache:
                    process_cache.set(key, entry, ENTRY_SECONDS)
                return entry[0]
        entry = build()
        cache.set(key, entry, ENTRY_SECONDS)
        process_cache.set(key, entry, ENTRY_SECONDS)
        return entry[0]

    @staticmethod
    def _tokens(versions: list["DataVersion"]) -> str | None:
        tokens = [v.current() for v in versions]
        return None if None in tokens else ".".join(tokens)

    def connect(self, models: Iterable, m2m: Iterable = ()) -> None:
        """Bump on every ORM write to ``models`` (call from ``AppConfig.ready``)."""

        def on_change(sender, **kwargs):
            self.bump()

        # Signals hold receivers weakly: keep every call's receiver, so that a second
        # ``connect`` (another app adding its models to the same version) leaves the first
        # call's models connected.
        self._receivers = [*getattr(self, "_receivers", []), on_change]
        for model in models:
            label = model._meta.label_lower
            _WATCHING.setdefault(label, set()).add(self)
            post_save.connect(on_change, sender=model, dispatch_uid=f"dv-{self.name}-s-{label}")
            post_delete.connect(on_change, sender=model, dispatch_uid=f"dv-{self.name}-d-{label}")
        for through in m2m:
            m2m_changed.connect(on_change, sender=through,
                                dispatch_uid=f"dv-{self.name}-m-{through._meta.label_lower}")

    def _public_version(self) -> str | None:
        seen = self._seen
        if seen is not None and time.monotonic() - seen[0] < PUBLIC_VERSION_SECONDS:
            return seen[1]
        version = self.current()
        if version is not None:
            self._seen = (time.monotonic(), version)
        return version

    def public_page(self, view):
        """For anonymous visitors without a session: the whole response from this process's
        memory, for the current version of this scope and the day. Unlike
        ``secretariat.caching``'s copies (up to a minute old), never older than this
        process's last write, and at most ``PUBLIC_VERSION_SECONDS`` older than another
        process's. Everyone else goes to the view."""
        from secretariat.caching import _is_plain_visitor

        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method != "GET" or not _is_plain_visitor(request):
                return view(request, *args, **kwargs)
            version = self._public_version()
            if version is None:
                return view(request, *args, **kwargs)
            day = timezone.localdate().isoformat()
            path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
            hit = process_cache.get(f"dataversion:{self.name}:public:{version}:{day}:{path}")
            if hit is not None:
                content, content_type = hit
                return HttpResponse(content, content_type=content_type)
            # A miss builds the page: under the token read now, before the build (the recent
            # one may be outdated), so that the copy is never filed under a newer version
            # than its data.
            version = self.current()
            response = view(request, *args, **kwargs)
            if version is not None and response.status_code == 200 and not response.streaming:
                self._seen = (time.monotonic(), version)
                process_cache.set(f"dataversion:{self.name}:public:{version}:{day}:{path}",
                                  (response.content, response["Content-Type"]), ENTRY_SECONDS)
            return response

        return wrapped
