"""Background work of the working groups: telling watchers about milestone changes."""

import logging

from celery import shared_task

from workgroups.notifications import watch_dispatches_requeue, watch_notices_send

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def notify_watchers(history_id: int) -> int:
    """Email the watchers of the milestone (or of its body) changed by history row
    ``history_id``. Safe to run twice: the ``WatchNotice`` ledger (unique per watcher and
    change) is written before sending, so a redelivered task skips what was sent."""
    return watch_notices_send(history_id=history_id)


@shared_task(ignore_result=True)
def requeue_watch_dispatches() -> int:
    """Beat, every 5 minutes: re-queue change notices still pending after 5 minutes."""
    return watch_dispatches_requeue()
