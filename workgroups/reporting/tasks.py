"""Celery tasks of reporting: thin wrappers that take ids and call ``dispatch``."""

import logging

from celery import shared_task
from django.utils import timezone

from workgroups.reporting import dispatch
from workgroups.reporting.models import DispatchStatus, ReminderDispatch

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def plan_reminders() -> int:
    """Beat task (every 15 minutes): queue one ``send_reminder`` per due reminder.

    Safe to run twice at once or after a long stop: it only reads and conditionally updates
    rows (see ``dispatch.plan_due``). Returns how many sends it queued.
    """
    plan = dispatch.plan_and_enqueue()
    if plan.skipped or plan.released:
        logger.info("Reminder planner: %d queued, %d skipped (catch-up), %d released",
                    len(plan.to_queue), len(plan.skipped), plan.released)
    return len(plan.to_queue)


@shared_task(acks_late=True, ignore_result=True)
def send_reminder(dispatch_id: int) -> str:
    """Send one reminder; idempotent (a redelivered or duplicate task sends nothing).

    After a transient failure the row is back to ``pending`` with a later ``due_at``; a delayed
    copy of this task is queued for then, and if that copy is lost the planner still finds the
    row. Returns the row's new state.
    """
    outcome = dispatch.dispatch_send(dispatch_id)
    if outcome.retry_at is not None:
        delay = max((outcome.retry_at - timezone.now()).total_seconds(), 0) + 1
        try:
            send_reminder.apply_async((dispatch_id,), countdown=delay)
        except Exception as exc:  # the planner re-queues it once the broker is back
            logger.error("Could not queue the retry of reminder %s: %r", dispatch_id, exc)
        else:
            # The planner leaves it to the delayed task unless that task is lost.
            ReminderDispatch.objects.filter(
                pk=dispatch_id, status=DispatchStatus.PENDING
            ).update(enqueued_at=timezone.now())
    return str(outcome.status)
