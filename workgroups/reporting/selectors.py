"""Reads of reporting shared by pages, the API and the home panel, already scoped."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from secretariat.models import DeliveryState
from workgroups.reporting.models import (
    DispatchStatus,
    ProgressReport,
    ReminderDispatch,
    ReportEntry,
    ReportingCycle,
    ReportState,
)
from workgroups.reporting.reminders import messages_of, next_send_time, utc_offset


def cycles_with_counts():
    """Every cycle with its expected and submitted report counts (one query)."""
    return ReportingCycle.objects.select_related("body", "plan").annotate(
        expected=Count("reports", distinct=True),
        submitted=Count("reports", filter=Q(reports__state=ReportState.SUBMITTED),
                        distinct=True),
    )


@dataclass
class ReminderLine:
    """One reminder handed to the outbox, summarised from its messages (one per recipient)."""

    dispatch: ReminderDispatch
    messages: list = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(m.state for m in self.messages))

    @property
    def sent_at(self):
        return max((m.sent_at for m in self.messages if m.sent_at), default=None)

    @property
    def failed(self) -> list:
        return [m for m in self.messages if m.state == DeliveryState.FAILED]

    @property
    def summary(self) -> str:
        """"sent to 4 of 5" / "waiting for the working day" / "not needed": plain words."""
        if self.dispatch.status == DispatchStatus.FAILED:
            return "not sent: nobody to send it to"
        counts = self.counts
        total = len(self.messages)
        sent = counts.get(DeliveryState.SENT, 0)
        waiting = counts.get(DeliveryState.PENDING, 0) + counts.get(DeliveryState.SENDING, 0)
        parts = []
        if sent:
            parts.append(f"sent to {sent} of {total}")
        if waiting:
            parts.append(f"{waiting} waiting")
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        if not parts:
            parts.append("not needed any more")
        return ", ".join(parts)


def cycle_matrix(cycle: ReportingCycle, now=None) -> list[ProgressReport]:
    """The cycle's reports, each with ``reminders`` (``ReminderLine`` per reminder handed to
    the outbox), ``skipped_count`` and ``next_reminder`` with ``next_at``, the instant it will
    actually go (inside the administration's working window). Three queries whatever the
    number of administrations."""
    now = now or timezone.now()
    reports = list(
        ProgressReport.objects.filter(cycle=cycle).select_related("administration", "cycle")
        .order_by("administration__country")
    )
    by_adm: dict[int, list[ReminderDispatch]] = {}
    rows = list(ReminderDispatch.objects.filter(cycle=cycle).order_by("scheduled_for", "pk"))
    for row in rows:
        row.cycle = cycle
        by_adm.setdefault(row.administration_id, []).append(row)
    handed = [r.pk for r in rows if r.status in (DispatchStatus.QUEUED, DispatchStatus.FAILED)]
    messages: dict[int, list] = {}
    if handed:
        for message in messages_of(handed).order_by("recipient"):
            messages.setdefault(message.object_id, []).append(message)
    for report in reports:
        rows = by_adm.get(report.administration_id, [])
        for row in rows:
            row.administration = report.administration
        # What happened or is happening; skipped and cancelled rows are only counted.
        report.reminders = [ReminderLine(r, messages.get(r.pk, [])) for r in rows
                            if r.status in (DispatchStatus.QUEUED, DispatchStatus.FAILED)]
        report.skipped_count = sum(r.status == DispatchStatus.SKIPPED for r in rows)
        report.next_reminder = None
        report.next_at = None
        for row in rows:
            if row.status == DispatchStatus.PENDING:
                moment = next_send_time(row, now)
                if moment is not None:
                    report.next_reminder, report.next_at = row, moment
                    report.next_at_local = moment.astimezone(report.administration.zoneinfo)
                    report.next_at_offset = utc_offset(report.next_at_local)
                    break
        report.failed_reminders = [line for line in report.reminders
                                   if line.failed or line.dispatch.status == DispatchStatus.FAILED]
    return reports


def reports_visible_to(user):
    return ProgressReport.objects.visible_to(user).select_related("cycle", "administration")


def report_with_entries(user, report_id: int) -> ProgressReport | None:
    """One report the user may see, with its entries and milestones; None otherwise."""
    return (
        reports_visible_to(user)
        .prefetch_related(Prefetch(
            "entries",
            queryset=ReportEntry.objects.select_related("milestone__body").order_by(
                "milestone__due_date", "milestone__code"),
        ))
        .filter(pk=report_id)
        .first()
    )
