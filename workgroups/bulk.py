"""Bulk update of a body's milestones through an XLSX round-trip.

Download -> edit in a spreadsheet -> upload -> row-by-row preview (changes, conflicts with
newer edits, errors) -> apply. Nothing is written before "apply", and "apply" runs every row
through ``milestone_update`` inside ONE transaction: a conflict or error in any row rolls back
all of them, so a bad file changes nothing. Each applied row records its own history entry.
"""

import datetime as dt
import io
import zipfile
import zlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from secretariat import filecheck
from secretariat.exports import xlsx_mark_text
from workgroups import caching
from workgroups.access import EditRights
from workgroups.models import Body, Milestone, MilestoneStatus
from workgroups.services import clean_milestone_changes, milestone_update

HEADER = ["ID", "Code", "Title", "Status", "Progress (%)", "Start date", "Due date",
          "Version", "Comment"]
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
LABEL_TO_STATUS = {label.lower(): value for value, label in MilestoneStatus.choices}


def body_workbook(body: Body, milestones) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Milestones"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    grey = PatternFill("solid", fgColor="EEEEEE")
    for m in milestones:
        # Titles and codes are typed by users: written as text, never as a live formula.
        sheet.append([m.pk, m.code, m.title, m.get_status_display(), m.progress, m.start_date,
                      m.due_date, m.version, ""])
        xlsx_mark_text(sheet[sheet.max_row])
        for column in (1, 2, 3, 8):  # what the upload ignores or checks, never changes
            sheet.cell(row=sheet.max_row, column=column).fill = grey
    statuses = DataValidation(
        type="list", formula1='"' + ",".join(MilestoneStatus.labels) + '"', allow_blank=False
    )
    sheet.add_data_validation(statuses)
    statuses.add(f"D2:D{max(2, sheet.max_row)}")
    for column, width in zip("ABCDEFGHI", [8, 18, 60, 14, 12, 12, 12, 9, 40], strict=True):
        sheet.column_dimensions[column].width = width
    about = workbook.create_sheet("About")
    about.append([f"Milestones of {body.code}. Edit Status, Progress, Start date, Due date "
                  "and Comment; leave ID and Version as they are."])
    about.append(["A status change needs a comment (or the comment given on upload)."])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@dataclass
class PreviewRow:
    line: int
    code: str = ""
    milestone_id: int | None = None
    version: int | None = None
    kind: str = "unchanged"  # unchanged | change | conflict | error
    changes: dict = field(default_factory=dict)
    display: list = field(default_factory=list)
    comment: str = ""
    errors: list = field(default_factory=list)
    current: Milestone | None = None


@dataclass
class Preview:
    rows: list[PreviewRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(
            r.kind in {"error", "conflict"} for r in self.rows)

    @property
    def change_rows(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.kind == "change"]

    def counts(self) -> dict:
        result = {"change": 0, "conflict": 0, "error": 0, "unchanged": 0}
        for row in self.rows:
            result[row.kind] += 1
        return result

    def as_session(self) -> list[dict]:
        return [
            {"id": r.milestone_id, "version": r.version, "comment": r.comment,
             "changes": {k: v.isoformat() if isinstance(v, dt.date) else v
                         for k, v in r.changes.items()}}
            for r in self.change_rows
        ]


def _as_date(value, label: str, errors: list):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors.append(f"{label}: '{value}' is not a date (YYYY-MM-DD).")
        return None


def _as_int(value, label: str, errors: list):
    if isinstance(value, bool):
        errors.append(f"{label}: not a number.")
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        errors.append(f"{label}: '{value}' is not a whole number.")
        return None


def _as_status(value, errors: list):
    text = str(value or "").strip()
    if text in MilestoneStatus.values:
        return text
    status = LABEL_TO_STATUS.get(text.lower())
    if status is None:
        errors.append(f"Status: '{text}' is not one of {', '.join(MilestoneStatus.labels)}.")
    return status


# The downloaded file is a few hundred KB; these bound what a crafted one can cost before the
# spreadsheet library builds a single cell (secretariat.filecheck counts them while inflating).
BULK_LIMITS = filecheck.ZipLimits(
    entries=100, expanded=40 * 1024 * 1024, ratio=200, cells=(MAX_ROWS + 1) * 2 * len(HEADER)
)
NOT_OURS = "This is not an XLSX file downloaded from this page."


def _read_rows(upload) -> list[tuple]:
    """The first ``MAX_ROWS + 2`` rows of the Milestones sheet, or ``ValidationError``.

    Every step that reads the file is inside the ``try``: a truncated or malformed part
    surfaces while rows are iterated, long after ``load_workbook`` returned.
    """
    if upload.size > MAX_BYTES:
        raise ValidationError(f"The file is larger than the limit of {MAX_BYTES // 2**20} MB.")
    try:
        if filecheck.inspect_ooxml(upload, size=upload.size, limits=BULK_LIMITS) != "xlsx":
            raise ValidationError(NOT_OURS)
        workbook = load_workbook(upload, read_only=True, data_only=True)
        try:
            if "Milestones" not in workbook.sheetnames:
                raise ValidationError("The file has no 'Milestones' sheet.")
            sheet = workbook["Milestones"]
            return list(sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=len(HEADER),
                                        values_only=True))
        finally:
            workbook.close()
    except ValidationError:
        raise
    except (InvalidFileException, zipfile.BadZipFile, zlib.error, EOFError, KeyError,
            ValueError, TypeError, IndexError, OSError, SyntaxError) as error:
        # SyntaxError covers both XML parsers' ParseError (ElementTree's and lxml's).
        raise ValidationError(NOT_OURS) from error


def preview_upload(*, actor, body: Body, upload, default_comment: str) -> Preview:
    """Parse and check an uploaded file against the database, writing nothing."""
    preview = Preview()
    try:
        sheet_rows = _read_rows(upload)
    except ValidationError as error:
        preview.file_errors.extend(error.messages)
        return preview
    rows = iter(sheet_rows)
    header = [str(c).strip() if c is not None else "" for c in next(rows, [])][:len(HEADER)]
    if header != HEADER:
        preview.file_errors.append("The columns are not those of the downloaded file: "
                                   + ", ".join(HEADER) + ".")
        return preview
    milestones = {m.pk: m for m in Milestone.objects.filter(body=body)}
    rights = EditRights(actor)
    seen: set[int] = set()
    for line, values in enumerate(rows, start=2):
        if line > MAX_ROWS + 1:
            preview.file_errors.append(f"More than {MAX_ROWS} rows.")
            break
        values = list(values) + [None] * (len(HEADER) - len(values))
        if all(v in (None, "") for v in values[:len(HEADER)]):
            continue
        row = PreviewRow(line=line, code=str(values[1] or ""))
        preview.rows.append(row)
        mid = _as_int(values[0], "ID", row.errors)
        milestone = milestones.get(mid)
        if milestone is None:
            row.errors.append(f"No milestone of {body.code} has ID {values[0]}.")
            row.kind = "error"
            continue
        if mid in seen:
            row.errors.append("This milestone appears twice in the file.")
            row.kind = "error"
            continue
        seen.add(mid)
        if not rights.milestone(milestone):
            row.errors.append("You cannot edit this milestone.")
        row.milestone_id, row.code, row.current = mid, milestone.code, milestone
        row.version = _as_int(values[7], "Version", row.errors)
        requested = {
            "status": _as_status(values[3], row.errors),
            "progress": _as_int(values[4], "Progress", row.errors),
            "start_date": _as_date(values[5], "Start date", row.errors),
            "due_date": _as_date(values[6], "Due date", row.errors),
        }
        row.comment = str(values[8] or "").strip() or default_comment
        if row.errors:
            row.kind = "error"
            continue
        try:
            row.changes = clean_milestone_changes(milestone, requested, row.comment)
        except ValidationError as error:
            row.errors.extend(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            row.kind = "error"
            continue
        if not row.changes:
            continue
        row.display = [(k.replace("_", " ").capitalize(), getattr(milestone, k), v)
                       for k, v in row.changes.items()]
        row.kind = "conflict" if row.version != milestone.version else "change"
    return preview


def apply_preview(*, actor, rows: list[dict]) -> int:
    """Apply the change rows of a preview, all or nothing; returns how many were applied.

    Raises ``Conflict`` or ``ValidationError`` from the first failing row, after which the
    transaction is rolled back and no row has changed.
    """
    rights = EditRights(actor)
    with caching.one_bump_for_all(), transaction.atomic():
        for row in rows:
            changes = {
                k: dt.date.fromisoformat(v) if k.endswith("_date") and v else v
                for k, v in row["changes"].items()
            }
            milestone_update(
                actor=actor, milestone_id=row["id"], expected_version=row["version"],
                changes=changes, comment=row["comment"], rights=rights,
            )
    return len(rows)
