"""Send-time decisions of the reminder emails (registered with the outbox)."""

from django.utils import timezone

from secretariat import outbox
from workgroups.reporting.models import (
    ProgressReport,
    ReminderDispatch,
    ReportingCycle,
    ReportState,
)
from workgroups.reporting.reminders import PURPOSE, reminder_context


@outbox.preparer(PURPOSE)
def prepare_reminder(message) -> outbox.Prepared:
    """Cancel the reminder if the report was submitted or the cycle is no longer open; else
    the context as it is now (days left, what is still missing). Four queries."""
    dispatch = (ReminderDispatch.objects.select_related("cycle", "administration")
                .filter(pk=message.object_id).first())
    if dispatch is None or dispatch.cycle.status != ReportingCycle.Status.OPEN:
        raise outbox.Cancel("Not sent: the cycle is not open.")
    report = ProgressReport.objects.filter(
        cycle_id=dispatch.cycle_id, administration_id=dispatch.administration_id).first()
    if report is None or report.state == ReportState.SUBMITTED:
        raise outbox.Cancel("Not sent: the report was submitted.")
    return outbox.Prepared(context=reminder_context(dispatch, report, timezone.now()))
