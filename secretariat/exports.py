"""Exports that a spreadsheet program cannot turn into code (issue 10, item 8).

A cell a user typed ("=HYPERLINK(...)", "@SUM(...)", a leading TAB or CR that some programs
skip before reading "=") must arrive as text. In CSV that means a leading apostrophe, which
spreadsheet programs read as "this is text" and do not display; in XLSX it means a cell of
type string, never a formula. Every export of the portal goes through these helpers.
"""

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

# What makes Excel, LibreOffice or Google Sheets evaluate a cell (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_value(value):
    """``value`` for a CSV cell: text that could be read as a formula gets a leading "'"."""
    if isinstance(value, str) and value and (
        value[0] in FORMULA_TRIGGERS or value.lstrip(" \t\r\n")[:1] in FORMULA_TRIGGERS[:4]
    ):
        return "'" + value
    return value


def csv_row(values) -> list:
    return [csv_value(v) for v in values]


def xlsx_text_row(sheet, values) -> list:
    """Cells for a write-only sheet: every string is a string cell (openpyxl would write a
    string starting with "=" as a formula)."""
    cells = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cells.append(cell)
        else:
            cells.append(value)
    return cells


def text_workbook(sheets) -> bytes:
    """An XLSX of ``(title, header, rows)`` sheets, every string cell text (never a formula),
    written row by row (write-only mode: memory does not grow with the rows)."""
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])  # Excel's limit on a sheet name
        sheet.append(xlsx_text_row(sheet, header))
        for row in rows:
            sheet.append(xlsx_text_row(sheet, row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_mark_text(cells) -> None:
    """The same for cells of a normal (not write-only) sheet, after they were written."""
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"
