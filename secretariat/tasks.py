"""Celery tasks of the core: send one outbox message, run one job, sweep both.

Thin: they take ids, call ``secretariat.outbox`` / ``secretariat.jobs`` and re-queue a delayed
copy after a transient failure. Every one is idempotent (the claim decides who acts), so
Celery's at-least-once delivery (late acks, redelivery after a lost worker) is harmless.
"""

import logging

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from secretariat import claims, jobs, outbox
from secretariat.models import Job, OutboxMessage

logger = logging.getLogger(__name__)


def _requeue_later(task, model, pk: int, retry_at) -> None:
    """Queue a delayed copy for ``retry_at``; if that fails the sweeper still finds the row
    (``enqueued_at`` stays empty). Stamped with ``retry_at`` so the sweeper leaves it to the
    delayed copy unless that copy is lost."""
    delay = max((retry_at - timezone.now()).total_seconds(), 0) + 1
    try:
        task.apply_async((pk,), countdown=delay)
    except Exception as exc:  # broker down: the sweeper offers it once it is back
        logger.error("Could not queue the retry of %s #%s: %r", model.__name__, pk, exc)
        return
    model.objects.filter(pk=pk, state="pending").update(enqueued_at=retry_at)


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(DatabaseError,),
             retry_backoff=2, retry_backoff_max=30, max_retries=10)
def send_message(message_pk: int) -> str:
    """Send one outbox message (``outbox.deliver``); returns its new state. A database outage
    before the claim retries the task itself; the sweeper covers anything beyond."""
    outcome = outbox.deliver(message_pk)
    if outcome.retry_at is not None:
        _requeue_later(send_message, OutboxMessage, message_pk, outcome.retry_at)
    return str(outcome.state)


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(DatabaseError,),
             retry_backoff=2, retry_backoff_max=30, max_retries=10)
def run_job(job_pk: int) -> str:
    """Run one recorded job (``jobs.run``); returns its new state."""
    outcome = jobs.run(job_pk)
    if outcome.retry_at is not None:
        _requeue_later(run_job, Job, job_pk, outcome.retry_at)
    return str(outcome.state)


@shared_task(acks_late=True, ignore_result=True)
def sweep() -> dict:
    """Beat task: offer every message and job that needs a task (never queued because the
    broker was down, lost with a worker, or claimed by a worker whose lease expired)."""
    result = {"messages": outbox.sweep(), "jobs": jobs.sweep()}
    if any(result.values()):
        logger.info("Outbox sweep offered %(messages)d message(s), %(jobs)d job(s)", result)
    return result


__all__ = ["claims", "run_job", "send_message", "sweep"]
