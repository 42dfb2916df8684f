"""Cached roll-ups of the Strategic Plan, invalidated by a "plan data version".

The dashboard and the milestones API list are the plan's most visited reads, and what they show
(per plan/body/goal means, status counts, the member-state matrix, the list rows) changes only
when someone edits the plan. So it is kept in the default cache, rendered, under a key that
includes ``plan_data_version()``, a random token that every write replaces:

* Writes through ``workgroups.services`` call ``bump_plan_data_version()`` explicitly (their
  ``QuerySet.update()`` sends no signal); every other save or delete of the models the pages
  read (admin edits, the demo loader, the shell) is caught by the receivers below.
* The token is replaced twice: at once, so that the writer's own transaction (and a test,
  which runs inside one) never reads the old entry, and again after commit, so that an entry
  a reader computed from the pre-commit data in between is never read again.
* A token is random, not a counter, so a rolled-back write can never make an old token mean
  new data.

Stale reads are therefore impossible while Redis works; if a bump is lost (Redis unreachable
at that instant) the entries still expire after ``ENTRY_SECONDS``. With Redis down nothing is
cached and every page is computed from the database, as before caching. Without Redis at all
(the SQLite demo) the default cache is per process, which is only right for one process, as
``make run`` has.
"""

import contextlib
import contextvars
import functools
import hashlib
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone

from secretariat import dataversion, request_memo
from secretariat.caching import _is_plain_visitor

VERSION_KEY = "workgroups:plan-data-version"
# Upper bound on staleness if a bump is lost; also keeps junk filter combinations from piling up.
ENTRY_SECONDS = 300
dataversion.watch(VERSION_KEY)
_batching: contextvars.ContextVar[bool] = contextvars.ContextVar("plan_data_batch", default=False)
# This process's own tier. Bounded by count, as entries are whole pages (up to ~200 KB at
# 2,000 milestones) and every write leaves the previous version's entries behind to expire.
process_cache = LocMemCache("workgroups-rollups", {"TIMEOUT": ENTRY_SECONDS,
                                                   "OPTIONS": {"MAX_ENTRIES": 200}})


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    dataversion.forget_versions()


def bump_plan_data_version() -> None:
    """Make every cached roll-up unreachable, now and again once the transaction commits."""
    if _batching.get():
        return
    _new_version()
    transaction.on_commit(_new_version, robust=True)


@contextlib.contextmanager
def one_bump_for_all():
    """The writes inside bump the version once, at the end, if they all succeeded: a bulk
    apply of thousands of rows would otherwise pay two Redis writes per row. Enter it
    outside the transaction, so that the bump follows the commit."""
    if _batching.get():
        yield
        return
    token = _batching.set(True)
    try:
        yield
    finally:
        _batching.reset(token)
    bump_plan_data_version()


def plan_data_version() -> str | None:
    """The current token, or None when the cache cannot be reached (then nothing is cached)."""
    # Read with the other data versions, once per request (``secretariat.dataversion``),
    # when they live in the same cache (a test that takes this module's cache away does not).
    if request_memo.active() and cache is dataversion.cache:
        version = dataversion.request_versions().get(VERSION_KEY)
        if version is not None:
            return version
    version = cache.get(VERSION_KEY)
    if version is None:
        candidate = uuid.uuid4().hex
        # ``add`` so that two first readers agree on one token; re-read when another won.
        version = candidate if cache.add(VERSION_KEY, candidate, timeout=None) else cache.get(
            VERSION_KEY)
    return version


def cached(scope: str, parts: tuple, build: Callable[[], object]) -> tuple[object, bool]:
    """``build()``'s value (text, or plain data), cached for the current plan data version;
    returns (value, was_hit). ``build`` must not return None.

    ``parts`` must name everything the value depends on besides the plan data: the viewer's
    scope (what they may see and edit), the day, the query string. Entries live in Redis,
    shared by all processes, and in this process's memory (``process_cache``): the
    version in the key is what keeps that tier from ever serving an outdated copy, and it
    saves the transfer of the entry on most reads.
    """
    version = plan_data_version()
    if version is None:
        return build(), False
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"workgroups:{scope}:{version}:{digest}"
    value = process_cache.get(key)
    if value is not None:
        return value, True
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, ENTRY_SECONDS)
    process_cache.set(key, value, ENTRY_SECONDS)
    return value, False


def public_page(view):
    """For anonymous visitors without a session: the whole response from this process's
    memory, for the current plan data version (unlike ``secretariat.caching``'s time-bounded
    copies, never older than the last write). Everyone else goes to the view."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "GET" or not _is_plain_visitor(request):
            return view(request, *args, **kwargs)
        version = plan_data_version()
        if version is None:
            return view(request, *args, **kwargs)
        day = timezone.localdate().isoformat()
        key = f"workgroups:public:{version}:{day}:" + hashlib.sha256(
            request.get_full_path().encode()).hexdigest()[:32]
        hit = process_cache.get(key)
        if hit is not None:
            content, content_type = hit
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            process_cache.set(key, (response.content, response["Content-Type"]), ENTRY_SECONDS)
        return response

    return wrapped


def _on_change(sender, **kwargs) -> None:
    bump_plan_data_version()


def connect_signals() -> None:
    """Bump on any ORM write to what the cached pages show (called from ``AppConfig.ready``)."""
    from secretariat.models import Administration, AdministrationName
    from workgroups.models import (
        ActionLine,
        Body,
        BodyChairTerm,
        Milestone,
        NationalImplementation,
        Plan,
        StrategicGoal,
    )

    for model in (Administration, AdministrationName, ActionLine, Body, BodyChairTerm,
                  Milestone, NationalImplementation, Plan, StrategicGoal):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"wg-cache-save-{model}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"wg-cache-del-{model}")
    m2m_changed.connect(_on_change, sender=Milestone.lead_administrations.through,
                        dispatch_uid="wg-cache-leads")
