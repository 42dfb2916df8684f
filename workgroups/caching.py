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
at that instant) the entries still expire after ``ENTRY_SECONDS``. With Redis down every read
is a miss and the page is computed from the database, as before caching.
"""

import hashlib
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "workgroups:plan-data-version"
# Upper bound on staleness if a bump is lost; also keeps junk filter combinations from piling up.
ENTRY_SECONDS = 300


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def bump_plan_data_version() -> None:
    """Make every cached roll-up unreachable, now and again once the transaction commits."""
    _new_version()
    transaction.on_commit(_new_version, robust=True)


def plan_data_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        candidate = uuid.uuid4().hex
        # ``add`` so that two first readers agree on one token.
        version = candidate if cache.add(VERSION_KEY, candidate, timeout=None) else (
            cache.get(VERSION_KEY) or candidate)
    return version


def cached(scope: str, parts: tuple, build: Callable[[], object]) -> tuple[object, bool]:
    """``build()``'s value (text, or plain data), cached for the current plan data version;
    returns (value, was_hit). ``build`` must not return None.

    ``parts`` must name everything the value depends on besides the plan data: the viewer's
    scope (what they may see and edit), the day, the query string.
    """
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"workgroups:{scope}:{plan_data_version()}:{digest}"
    value = cache.get(key)
    if value is not None:
        return value, True
    value = build()
    cache.set(key, value, ENTRY_SECONDS)
    return value, False


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
