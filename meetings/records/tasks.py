"""Thin Celery tasks of records: they call a service and return quietly."""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def plan_action_reminders() -> int:
    """Beat: queue the overdue action-item reminders (idempotent, see ``records.reminders``)."""
    from meetings.records.reminders import action_reminders_plan

    return action_reminders_plan()
