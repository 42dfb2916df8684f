"""The reporting matrix as a spreadsheet (issue 12, item 6): what the secretariat sees on a
cycle's page, one row per administration, and every report's entries on a second sheet.

Narratives, reminder errors and names are typed by people, so every string goes through
``secretariat.exports.text_workbook`` (a string cell, never a formula). Instants are written
as text with their zone named (Excel has no time zones; openpyxl refuses aware datetimes).
"""

import datetime as dt

from secretariat.exports import text_workbook
from workgroups.reporting.models import ProgressReport, ReportEntry, ReportingCycle

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MATRIX_HEADER = ["Administration", "Report", "Submitted at (UTC)", "Reminders sent",
                 "Reminders failed", "Next reminder", "Next reminder (UTC)",
                 "Next reminder (local time)"]
ENTRIES_HEADER = ["Administration", "Report", "Milestone", "Milestone title", "Body", "Role",
                  "Status", "Progress (%)", "Narrative"]


def _utc(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") if moment else ""


def _reminders_sent(report) -> str:
    return "; ".join(f"{line.dispatch.kind}: {line.summary}" for line in report.reminders)


def matrix_rows(reports: list[ProgressReport], now: dt.datetime) -> list[list]:
    """Rows of the matrix sheet from ``selectors.cycle_matrix`` (already annotated)."""
    rows = []
    for report in reports:
        local = ""
        if report.next_at is not None:
            local = (f"{report.next_at_local:%Y-%m-%d %H:%M} "
                     f"{report.administration.country} (UTC{report.next_at_offset})")
        failed = "; ".join(f"{m.recipient}: {m.last_error}" for line in report.failed_reminders
                           for m in line.failed)
        rows.append([
            report.administration.country, report.state_label(now), _utc(report.submitted_at),
            _reminders_sent(report), failed,
            report.next_reminder.kind if report.next_reminder else "", _utc(report.next_at),
            local,
        ])
    return rows


def entry_rows(cycle: ReportingCycle, now: dt.datetime) -> list[list]:
    """One row per (administration, milestone) of the cycle's reports. One query."""
    entries = (
        ReportEntry.objects.filter(report__cycle=cycle)
        .select_related("report__administration", "report__cycle", "milestone__body")
        .order_by("report__administration__country", "milestone__due_date", "milestone__code")
    )
    rows = []
    for entry in entries:
        report = entry.report
        # A draft's values are shown as the report page shows them to the secretariat; the
        # "Report" column says it is a draft.
        rows.append([
            report.administration.country, report.state_label(now), entry.milestone.code,
            entry.milestone.title, entry.milestone.body.code,
            "Leads" if entry.leads else "Implements",
            entry.get_status_display() if entry.status else "", entry.progress,
            entry.narrative,
        ])
    return rows


def matrix_xlsx(cycle: ReportingCycle, reports: list[ProgressReport], now: dt.datetime) -> bytes:
    return text_workbook([("Matrix", MATRIX_HEADER, matrix_rows(reports, now)),
                          ("Entries", ENTRIES_HEADER, entry_rows(cycle, now))])
