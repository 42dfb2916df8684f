"""Spreadsheets and CSV the secretariat works with, all through ``secretariat.exports`` so a
name typed as "=HYPERLINK(...)" arrives as text, never as a live formula."""

import csv
import io

from secretariat.exports import csv_row, text_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS = {"present": "Present", "online": "Online", "absent": "Absent", "": ""}


def participants_xlsx(record) -> bytes:
    """Who was nominated, and how many sessions each attended."""
    header = ["Delegation", "Name", "Position", "Role", "Sessions attended"]
    rows = [
        [row.administration, row.member.full_name, row.member.position,
         row.member.get_role_display(), row.attended]
        for row in record.attendance
    ]
    return text_workbook([("Participants", header, rows)])


def attendance_xlsx(record) -> bytes:
    header = ["Delegation", "Name", *[s.title for s in record.sessions]]
    rows = [[row.administration, row.member.full_name, *[STATUS[m] for m in row.marks]]
            for row in record.attendance]
    return text_workbook([("Attendance", header, rows)])


def action_items_xlsx(actions) -> bytes:
    header = ["Meeting", "Action", "Owner", "Due date", "Status", "Milestone"]
    rows = [[a.meeting.display_title, a.text, a.owner_label, a.due_date, a.get_status_display(),
             a.milestone.code if a.milestone else ""] for a in actions]
    return text_workbook([("Action items", header, rows)])


def downloads_csv(document, downloads) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Downloaded at (UTC)", "User", "Version", "Channel", "Address"])
    for log in downloads:
        writer.writerow(csv_row([
            log.downloaded_at.strftime("%Y-%m-%d %H:%M:%S"),
            log.user.get_username() if log.user else "anonymous",
            log.version.number, log.get_channel_display(), log.ip or "",
        ]))
    return out.getvalue()
