"""Claim, finish, back off, sweep: the machinery under the outbox and the jobs.

Works on any concrete subclass of ``secretariat.models.Delivery``. Nothing here knows about
email or about any feature; ``secretariat.outbox`` and ``secretariat.jobs`` are its only users.

* ``claim`` takes a row with one conditional UPDATE (``pending`` and due, or ``sending`` with an
  expired lease) that writes a fresh random ``claim_token`` and a lease. Exactly one caller
  wins; the row it returns carries the token.
* ``finish`` writes the outcome with an UPDATE that matches the token as well as the state: a
  worker that outlived its lease (another worker re-claimed the row since) changes nothing and
  is told so (``False``).
* ``offerable`` is the sweeper's question: which rows need a task on the broker now.
"""

import datetime as dt
import logging
import random
import time
import uuid

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.db.models import F, Q
from django.utils import timezone

from secretariat.models import DeliveryState

logger = logging.getLogger(__name__)


def lease() -> dt.timedelta:
    """How long a claim protects a row. Longer than Celery's hard time limit, so a live worker
    never loses its row to the sweeper; a dead worker's row is offered again after it."""
    return dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def backoff(attempts: int) -> dt.timedelta:
    """Exponential backoff with jitter: base, 2x, 4x, 8x ... plus up to a quarter more, so a
    batch that failed together (an SMTP server restarting) does not retry together."""
    delay = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=delay * (1 + random.random() / 4))  # noqa: S311


def claimable(now: dt.datetime) -> Q:
    return Q(state=DeliveryState.PENDING, due_at__lte=now) | Q(
        state=DeliveryState.SENDING, lease_until__lt=now
    )


def claim(model, pk: int, *, now: dt.datetime):
    """Take row ``pk`` of ``model`` for one attempt; None if it is not ours to take.

    Not ours: another worker holds a live lease, the row is final, or it is not due yet (a
    stray duplicate task cannot cut a backoff short).
    """
    token = uuid.uuid4()
    won = model.objects.filter(claimable(now), pk=pk).update(
        state=DeliveryState.SENDING, claim_token=token, claimed_at=now,
        lease_until=now + lease(), attempts=F("attempts") + 1,
    )
    if not won:
        return None
    return model.objects.filter(pk=pk, claim_token=token).first()


def finish(row, state: str, *, retry_database_for: float | None = None, **fields) -> bool:
    """Record the outcome of the attempt ``row`` holds; True if the row was still ours.

    ``state`` ``pending`` hands the row back (a retry later, or a deferral). The UPDATE
    matches ``claim_token``: after a lost lease it changes nothing and returns False.

    ``retry_database_for`` (seconds): after an email has been accepted, losing the "sent"
    UPDATE to a database restart would mean a resend once the lease expires, so the caller
    may ask to keep trying while the database comes back (well inside the lease).
    """
    values = {"state": state, "claim_token": None, "lease_until": None, **fields}
    if state != DeliveryState.PENDING:
        values.setdefault("finished_at", timezone.now())
    deadline = time.monotonic() + (retry_database_for or 0)
    while True:
        try:
            changed = type(row).objects.filter(
                pk=row.pk, state=DeliveryState.SENDING, claim_token=row.claim_token
            ).update(**values)
            break
        except DatabaseError as exc:
            if time.monotonic() >= deadline:
                raise
            logger.warning("Recording %s of %s #%s failed (%r); retrying", state,
                           type(row).__name__, row.pk, exc)
            # Drop the broken connection so the next try opens a new one.
            connection.close()
            close_old_connections()
            time.sleep(0.5)
    if not changed:
        logger.warning("%s #%s: lease lost before recording %s; another worker owns it",
                       type(row).__name__, row.pk, state)
        return False
    row.state = state
    for name, value in values.items():
        setattr(row, name, value)
    return True


def offerable(model, now: dt.datetime):
    """Rows that need a task now: due and never queued (or queued longer than a lease ago,
    so the task was lost with Redis or a worker), and claims whose lease expired."""
    stale = now - lease()
    return model.objects.filter(
        Q(state=DeliveryState.PENDING, due_at__lte=now)
        & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
        | Q(state=DeliveryState.SENDING, lease_until__lt=now)
    )


def offer(model, ids: list[int], task, *, now: dt.datetime | None = None) -> int:
    """Put one ``task(id)`` per row on the broker and stamp ``enqueued_at``; returns how many.

    A broker error is logged once at ERROR and never raised (a page or the beat must not fail
    because Redis is down); rows not queued keep ``enqueued_at`` empty for the sweeper.
    """
    now = now or timezone.now()
    queued: list[int] = []
    try:
        for pk in ids:
            task.delay(pk)
            queued.append(pk)
    except Exception as exc:  # kombu/redis raise many types; the rows stay for the sweeper
        logger.error("Could not queue %d %s task(s) (%r); the sweeper will offer them again",
                     len(ids) - len(queued), model.__name__, exc)
    if queued:
        model.objects.filter(pk__in=queued, state=DeliveryState.PENDING).update(enqueued_at=now)
    return len(queued)


def sweep(model, task, *, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Offer every row that needs a task (oldest due first, at most ``limit`` per run)."""
    now = now or timezone.now()
    ids = list(offerable(model, now).order_by("due_at").values_list("pk", flat=True)[:limit])
    # Stamp before queueing, so a second sweeper running at the same moment skips them; a
    # failed enqueue clears the stamp again below.
    model.objects.filter(pk__in=ids).update(enqueued_at=now)
    queued = offer(model, ids, task, now=now)
    if queued < len(ids):
        model.objects.filter(pk__in=ids[queued:], enqueued_at=now).update(enqueued_at=None)
    return queued
