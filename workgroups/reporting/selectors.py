"""Reads of reporting shared by pages, the API and the home panel, already scoped."""

from django.db.models import Count, Prefetch, Q

from workgroups.reporting.models import (
    DispatchStatus,
    ProgressReport,
    ReminderDispatch,
    ReportEntry,
    ReportingCycle,
    ReportState,
)


def cycles_with_counts():
    """Every cycle with its expected and submitted report counts (one query)."""
    return ReportingCycle.objects.select_related("body", "plan").annotate(
        expected=Count("reports", distinct=True),
        submitted=Count("reports", filter=Q(reports__state=ReportState.SUBMITTED),
                        distinct=True),
    )


def cycle_matrix(cycle: ReportingCycle) -> list[ProgressReport]:
    """The cycle's reports, each with ``reminders`` (its dispatch rows that happened or are
    in flight) and ``next_reminder``. Two queries whatever the number of administrations."""
    reports = list(
        ProgressReport.objects.filter(cycle=cycle).select_related("administration", "cycle")
        .order_by("administration__country")
    )
    by_adm: dict[int, list[ReminderDispatch]] = {}
    for row in ReminderDispatch.objects.filter(cycle=cycle).order_by("scheduled_for", "pk"):
        by_adm.setdefault(row.administration_id, []).append(row)
    for report in reports:
        rows = by_adm.get(report.administration_id, [])
        # What happened or is happening; skipped and cancelled rows are only counted.
        report.reminders = [r for r in rows if r.status in (
            DispatchStatus.SENT, DispatchStatus.FAILED, DispatchStatus.SENDING)]
        report.skipped_count = sum(r.status == DispatchStatus.SKIPPED for r in rows)
        report.next_reminder = next((r for r in rows if r.status == DispatchStatus.PENDING),
                                    None)
        report.failed_reminders = [r for r in rows if r.status == DispatchStatus.FAILED]
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
