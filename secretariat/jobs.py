"""Background jobs that must happen: recorded with the write, queued after commit, swept.

``transaction.on_commit(task.delay)`` alone loses the job when the broker is down (the row is
committed, the task never queued, and the request answers 500). Here the intent is a ``Job``
row written in the same transaction as the write that needs it; the task is queued after
commit, a broker error is logged and swallowed, and the sweeper offers the row again until a
worker has run it. How to use it::

    # in <app>/jobs.py (every installed app's ``jobs`` module is imported at start-up)
    from secretariat import jobs

    @jobs.job("meetings.extract_text", max_attempts=5)
    def extract_text(*, document_id: int) -> None:
        ...   # idempotent: it may run again after a crash; re-read rows, return if gone

    # in a service, inside the write's transaction
    jobs.enqueue("meetings.extract_text", key=f"extract-text:{document.pk}",
                 document_id=document.pk)

Arguments are keyword-only and JSON-serialisable (ids, never instances). ``key`` coalesces:
while a job with the same key is still pending, enqueueing it again adds nothing (a job that
is already running does not absorb a new one, so a later write is never missed). A job that
raises is retried with exponential backoff and jitter; after ``max_attempts`` it is ``failed``
with an ERROR log. Guarantee: at least once, and exactly once unless a worker dies mid-job
(then it runs again after the lease), so job functions must be idempotent.
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from secretariat import claims
from secretariat.models import DeliveryState, Job

logger = logging.getLogger(__name__)

__all__ = ["Job", "enqueue", "job", "run", "sweep"]


@dataclass(frozen=True)
class _Registered:
    func: Callable[..., object]
    max_attempts: int


_JOBS: dict[str, _Registered] = {}


def job(name: str, *, max_attempts: int = 5) -> Callable:
    """Register ``func`` as the job ``name`` (one function per name)."""

    def register(func):
        if name in _JOBS and _JOBS[name].func is not func:
            raise ValueError(f"A job named {name!r} is already registered.")
        _JOBS[name] = _Registered(func, max_attempts)
        return func

    return register


def enqueue(name: str, *, key: str = "", not_before: dt.datetime | None = None,
            **kwargs) -> Job:
    """Record job ``name`` with ``kwargs`` and queue it once the transaction commits.

    Returns the new row, or the pending row with the same ``key`` if there is one. Raises
    ``KeyError`` for a name no module registered (a typo must fail at the write, not later).
    """
    if name not in _JOBS:
        raise KeyError(f"No job named {name!r} is registered.")
    now = timezone.now()
    due = not_before or now
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = Job.objects.create(name=name, kwargs=kwargs, key=key, due_at=due)
        except IntegrityError:
            if not key:
                raise
            pending = Job.objects.filter(key=key, state=DeliveryState.PENDING).first()
            if pending is not None:
                return pending
            row = Job.objects.create(name=name, kwargs=kwargs, key=key, due_at=due)
        if due <= now:
            transaction.on_commit(partial(_offer, [row.pk]), robust=True)
    return row


def _offer(ids: list[int]) -> None:
    from secretariat.tasks import run_job

    claims.offer(Job, ids, run_job)


def sweep(now: dt.datetime | None = None) -> int:
    from secretariat.tasks import run_job

    return claims.sweep(Job, run_job, now=now)


@dataclass
class Outcome:
    state: str
    retry_at: dt.datetime | None = None


def run(job_pk: int, *, now: dt.datetime | None = None) -> Outcome:
    """Run job ``job_pk`` once if this call wins its claim (see ``claims``)."""
    now = now or timezone.now()
    row = claims.claim(Job, job_pk, now=now)
    if row is None:
        return Outcome("busy")
    registered = _JOBS.get(row.name)
    if registered is None:
        claims.finish(row, DeliveryState.FAILED, last_error=f"No job named {row.name!r}.")
        logger.error("Job %s: no job named %r is registered", row.pk, row.name)
        return Outcome(DeliveryState.FAILED)
    try:
        registered.func(**row.kwargs)
    except Exception as exc:
        error = f"attempt {row.attempts}: {exc!r}"[:2000]
        if row.attempts < registered.max_attempts:
            retry_at = now + claims.backoff(row.attempts)
            claims.finish(row, DeliveryState.PENDING, due_at=retry_at, enqueued_at=None,
                          last_error=error)
            logger.warning("Job %s (%s) failed, retry at %s: %r", row.pk, row.name,
                           retry_at.isoformat(), exc)
            return Outcome(DeliveryState.PENDING, retry_at=retry_at)
        claims.finish(row, DeliveryState.FAILED, last_error=error)
        logger.error("Job %s (%s) failed after %d attempt(s): %r", row.pk, row.name,
                     row.attempts, exc)
        return Outcome(DeliveryState.FAILED)
    claims.finish(row, DeliveryState.DONE, last_error="", retry_database_for=30)
    return Outcome(DeliveryState.DONE)
