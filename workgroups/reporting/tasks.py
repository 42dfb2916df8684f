"""Celery tasks of reporting: the beat's reminder planner (sending is the outbox's)."""

import logging

from celery import shared_task

from workgroups.reporting import reminders

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def plan_reminders() -> int:
    """Beat task: hand the reminders whose time has come to the outbox.

    Safe to run twice at once or after a long stop (see ``reminders.plan_due``). Returns how
    many outbox messages it queued.
    """
    plan = reminders.plan_due()
    if plan.skipped or plan.failed:
        logger.info("Reminder planner: %d handed over (%d messages), %d skipped, %d failed",
                    len(plan.queued), plan.messages, len(plan.skipped), len(plan.failed))
    return plan.messages
