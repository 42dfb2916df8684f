"""Bounded inspection of files users send: PDF and Office Open XML (issue 10).

One place for the two rules every parser of user files follows:

- **Bounded work, checked before the expensive step.** A ZIP's directory (entries, expanded
  size, ratio, size of each part) is read before any part is inflated; an XLSX's cells are
  counted in a streaming pass before a spreadsheet library builds them; a PDF's page count is
  read from the page tree's ``/Count`` (one object) before anything walks the pages, and every
  walk stops at a limit and a time budget. A file over a limit is refused with a message that
  names the limit.
- **One policy for active content.** Refused: PDFs with JavaScript, launch actions or embedded
  files; OOXML packages with macros (VBA), ActiveX controls, or external relationships other
  than hyperlinks (a remote ``attachedTemplate`` fetches and runs someone else's template).
  The package's ``[Content_Types].xml`` and relationship parts are parsed with defusedxml (no
  DTDs, no entities), so character references or upper-case content types do not hide a macro.

Both ``meetings.uploads`` (papers) and ``workgroups.bulk`` (the milestone workbook) call this
module; it sits in ``secretariat`` so that neither app imports the other.
"""

from __future__ import annotations

import re
import time
import zipfile
import zlib
from dataclasses import dataclass

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

# --- Limits ------------------------------------------------------------------------------------

MAX_ZIP_ENTRIES = 2000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_XML_PART = 1024 * 1024  # [Content_Types].xml and each .rels part
MAX_RELS_PARTS = 500
MAX_SHEET_CELLS = 1_000_000
MAX_PDF_PAGES = 2000
MAX_PDF_ANNOTATIONS = 50_000
# Wall-clock budget of one inspection: far below gunicorn's timeout, so a hostile file costs a
# refusal, never a worker.
CHECK_SECONDS = 4.0

CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OOXML_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
}
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
MACROS = "Documents with macros are not accepted; save it as .docx/.xlsx/.pptx."


@dataclass(frozen=True)
class ZipLimits:
    entries: int = MAX_ZIP_ENTRIES
    expanded: int = MAX_ZIP_UNCOMPRESSED
    ratio: int = MAX_ZIP_RATIO
    cells: int = MAX_SHEET_CELLS


class _Budget:
    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds
        self.seconds = seconds

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise ValidationError(
                f"The file is too complex to check within {self.seconds:g} seconds.",
                code="too_complex",
            )


# --- Office Open XML ---------------------------------------------------------------------------


def _xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    if info.file_size > MAX_XML_PART:
        raise ValidationError(
            f"The Office document has an oversized {info.filename} part (limit "
            f"{filesizeformat(MAX_XML_PART)}).", code="not_ooxml",
        )
    try:
        return SafeET.fromstring(archive.read(info))
    except DefusedXmlException as exc:
        raise ValidationError(
            "The Office document declares XML entities or a DTD, which are not accepted.",
            code="xml_entities",
        ) from exc
    except SafeET.ParseError as exc:
        raise ValidationError("The Office document is damaged.", code="damaged_zip") from exc


def _count_cells(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, budget) -> int:
    """Cells of a worksheet, counted while inflating it chunk by chunk (an upper bound: every
    ``<c>`` element start, whatever its namespace prefix)."""
    pattern = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
    count, tail = 0, b""
    with archive.open(info) as part:
        while chunk := part.read(256 * 1024):
            window = tail + chunk
            count += len(pattern.findall(window))
            # Keep a few bytes so an element split across chunks is counted once: drop the
            # matches that lie wholly inside the kept tail from the next window's count.
            tail = window[-16:]
            count -= len(pattern.findall(tail))
            if count > limit:
                raise ValidationError(
                    f"The spreadsheet has more than {limit:,} cells in {info.filename}; "
                    "that is the limit.", code="too_many_cells",
                )
            budget.check()
    return count


_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"'
)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


def _declared_cells(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    with archive.open(info) as part:
        head = part.read(4096)
    match = _DIMENSION.search(head)
    if not match or not match.group(3):
        return 0
    rows = int(match.group(4)) - int(match.group(2)) + 1
    columns = _column_number(match.group(3)) - _column_number(match.group(1)) + 1
    return max(rows, 0) * max(columns, 0)


def inspect_ooxml(file, *, size: int, limits: ZipLimits = ZipLimits()) -> str:
    """Check an OOXML package and return its format ("docx", "xlsx" or "pptx").

    Raises ``ValidationError`` (with a code) for a zip bomb, a damaged package, macros,
    ActiveX, external relationships, or a sheet over the cell limit. Leaves ``file`` at 0.
    """
    budget = _Budget(CHECK_SECONDS)
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return _inspect_archive(archive, size=size, limits=limits, budget=budget)
    except zipfile.BadZipFile as exc:
        raise ValidationError("The Office document is damaged.", code="damaged_zip") from exc
    except (RuntimeError, NotImplementedError, zlib.error, EOFError) as exc:
        # Encrypted members, exotic compression, a truncated deflate stream.
        raise ValidationError(
            "The Office document is damaged, encrypted or uses an unsupported compression.",
            code="damaged_zip",
        ) from exc
    finally:
        file.seek(0)


def _inspect_archive(archive, *, size, limits, budget) -> str:
    entries = archive.infolist()
    if len(entries) > limits.entries:
        raise ValidationError(
            f"The document has more than {limits.entries:,} parts (a zip bomb?).",
            code="zip_bomb",
        )
    expanded = sum(e.file_size for e in entries)
    if expanded > limits.expanded or expanded > max(size, 1) * limits.ratio:
        raise ValidationError(
            f"The document expands to {filesizeformat(expanded)}, over the limit of "
            f"{filesizeformat(min(limits.expanded, max(size, 1) * limits.ratio))} "
            "(a zip bomb?).", code="zip_bomb",
        )
    by_name = {e.filename.lower(): e for e in entries}
    if any("vbaproject" in name or (name.endswith(".bin") and "vba" in name)
           for name in by_name):
        raise ValidationError(MACROS, code="macros")
    if any(name.startswith(("word/activex/", "xl/activex/", "ppt/activex/"))
           for name in by_name):
        raise ValidationError(
            "Documents with ActiveX controls are not accepted.", code="activex"
        )
    info = by_name.get("[content_types].xml")
    if info is None:
        raise ValidationError(
            "The file is a zip archive, not an Office document.", code="not_ooxml"
        )
    types = _xml(archive, info)
    declared: dict[str, str] = {}  # part name (lower case, no leading /) -> content type
    defaults: dict[str, str] = {}
    for element in types:
        content_type = (element.get("ContentType") or "").strip().lower()
        if element.tag == CT_NS + "Override":
            declared[(element.get("PartName") or "").lstrip("/").lower()] = content_type
        elif element.tag == CT_NS + "Default":
            defaults[(element.get("Extension") or "").lower()] = content_type
    every_type = [*declared.values(), *defaults.values()]
    if any("macroenabled" in t or "vbaproject" in t or "vba" in t.split("/")[-1]
           for t in every_type):
        raise ValidationError(MACROS, code="macros")
    if any("activex" in t for t in every_type):
        raise ValidationError(
            "Documents with ActiveX controls are not accepted.", code="activex"
        )
    rels = [e for name, e in by_name.items() if name.endswith(".rels")]
    if len(rels) > MAX_RELS_PARTS:
        raise ValidationError("The Office document is malformed.", code="not_ooxml")
    for rel_info in rels:
        budget.check()
        for relation in _xml(archive, rel_info):
            kind = (relation.get("Type") or "").rsplit("/", 1)[-1]
            if kind.lower() == "vbaproject":
                raise ValidationError(MACROS, code="macros")
            if (relation.get("TargetMode") or "").lower() == "external" and (
                kind.lower() != "hyperlink"
            ):
                raise ValidationError(
                    f"The document links to an external {kind or 'resource'} "
                    f"({(relation.get('Target') or '')[:80]}); documents that fetch content "
                    "from elsewhere are not accepted.", code="external_relationship",
                )
    formats = {OOXML_MAIN_TYPES[t] for t in declared.values() if t in OOXML_MAIN_TYPES}
    if len(formats) != 1:
        raise ValidationError("The file is not a valid Office document.", code="not_ooxml")
    fmt = formats.pop()
    if fmt == "xlsx":
        total = 0
        for name, content_type in declared.items():
            sheet = by_name.get(name)
            if content_type != WORKSHEET_TYPE or sheet is None:
                continue
            if _declared_cells(archive, sheet) > limits.cells:
                raise ValidationError(
                    f"The spreadsheet declares more than {limits.cells:,} cells in "
                    f"{sheet.filename}; that is the limit.", code="too_many_cells",
                )
            total += _count_cells(archive, sheet, limits.cells - total, budget)
    return fmt


# --- PDF ---------------------------------------------------------------------------------------

PDF_ACTIONS = {"/JavaScript": "JavaScript", "/Launch": "a launch action",
               "/RichMedia": "embedded media"}


def _active(action, budget, depth: int = 0) -> str | None:
    """What an action dictionary (or a chain of them, /Next) would run, if anything."""
    if depth > 20:
        return None
    action = action.get_object() if hasattr(action, "get_object") else action
    if not hasattr(action, "get"):
        return None
    budget.check()
    if "/JS" in action:
        return "JavaScript"
    kind = action.get("/S")
    if kind in PDF_ACTIONS:
        return PDF_ACTIONS[kind]
    following = action.get("/Next")
    if following is not None:
        following = following.get_object()
        for item in following if isinstance(following, list) else [following]:
            if found := _active(item, budget, depth + 1):
                return found
    return None


def _additional_actions(holder, budget) -> str | None:
    actions = holder.get("/AA")
    if actions is None:
        return None
    actions = actions.get_object()
    for key in list(actions.keys())[:32]:
        if found := _active(actions[key], budget):
            return found
    return None


def _refuse_active(what: str) -> ValidationError:
    return ValidationError(
        f"The PDF contains {what}; PDFs with JavaScript, launch actions or embedded files are "
        "not accepted. Print it to a new PDF and upload that.", code="pdf_active_content",
    )


def inspect_pdf(file, *, max_pages: int = MAX_PDF_PAGES) -> int:
    """Check a PDF and return its page count, or raise ``ValidationError``.

    The count comes from the page tree's root (``/Count``), so a file declaring 100,000 pages
    is refused before anything walks them; the bounded walk that looks for active content
    stops at ``max_pages`` leaves whatever ``/Count`` claimed.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    budget = _Budget(CHECK_SECONDS)
    try:
        file.seek(0)
        reader = PdfReader(file)
        if reader.is_encrypted:
            # Policy: papers are protected by the portal's access levels, not by passwords
            # the secretariat would have to circulate; an encrypted PDF cannot be indexed.
            raise ValidationError(
                "Password-protected PDFs are not accepted; upload the file without a "
                "password.", code="encrypted_pdf",
            )
        root = reader.trailer["/Root"].get_object()
        pages = root["/Pages"].get_object()
        count = pages.get("/Count")
        if not isinstance(count, int) or count < 0:
            raise ValidationError("The PDF is damaged and cannot be read.", code="damaged_pdf")
        if count > max_pages:
            raise ValidationError(
                f"The PDF has {count:,} pages; the limit is {max_pages:,}.", code="too_many_pages"
            )
        _check_catalog(root, budget)
        _walk_pages(pages, max_pages, budget)
        return count
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, zlib.error) as exc:
        raise ValidationError("The PDF is damaged and cannot be read.", code="damaged_pdf") from exc
    finally:
        file.seek(0)


def _check_catalog(root, budget) -> None:
    opening = root.get("/OpenAction")
    if opening is not None:
        opening = opening.get_object()
        if hasattr(opening, "get") and (found := _active(opening, budget)):
            raise _refuse_active(f"{found} that runs when it is opened")
    if found := _additional_actions(root, budget):
        raise _refuse_active(found)
    names = root.get("/Names")
    if names is not None:
        names = names.get_object()
        if "/JavaScript" in names:
            raise _refuse_active("document-level JavaScript")
        if "/EmbeddedFiles" in names:
            raise _refuse_active("embedded files")
    if "/AcroForm" in root and "/XFA" in root["/AcroForm"].get_object():
        raise _refuse_active("an XFA form (scriptable)")


def _walk_pages(pages, max_pages: int, budget) -> None:
    """Visit the page tree depth-first, at most ``max_pages`` leaves and a bounded number of
    intermediate nodes and annotations, looking for actions and attachments."""
    stack, leaves, nodes, annotations = [pages], 0, 0, 0
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        reference = getattr(node, "indirect_reference", None)
        if reference is not None:
            if reference.idnum in seen:
                raise ValidationError("The PDF's page tree loops.", code="damaged_pdf")
            seen.add(reference.idnum)
        nodes += 1
        if nodes > 2 * max_pages + 100:
            raise ValidationError(
                f"The PDF's page tree is larger than its limit of {max_pages:,} pages.",
                code="too_many_pages",
            )
        budget.check()
        if node.get("/Type") == "/Pages" or "/Kids" in node:
            kids = node.get("/Kids")
            kids = kids.get_object() if kids is not None else []
            if len(kids) > 2 * max_pages:
                raise ValidationError(
                    f"The PDF has more than {max_pages:,} pages; that is the limit.",
                    code="too_many_pages",
                )
            stack.extend(kid.get_object() for kid in reversed(kids))
            continue
        leaves += 1
        if leaves > max_pages:
            raise ValidationError(
                f"The PDF has more than {max_pages:,} pages; that is the limit.",
                code="too_many_pages",
            )
        if found := _additional_actions(node, budget):
            raise _refuse_active(found)
        annots = node.get("/Annots")
        annots = annots.get_object() if annots is not None else []
        for annot in annots if isinstance(annots, list) else []:
            annotations += 1
            if annotations > MAX_PDF_ANNOTATIONS:
                raise ValidationError(
                    f"The PDF has more than {MAX_PDF_ANNOTATIONS:,} annotations.",
                    code="too_complex",
                )
            annot = annot.get_object()
            if not hasattr(annot, "get"):
                continue
            if annot.get("/Subtype") == "/FileAttachment":
                raise _refuse_active("an embedded file")
            if annot.get("/Subtype") == "/RichMedia":
                raise _refuse_active("embedded media")
            action = annot.get("/A")
            if action is not None and (found := _active(action, budget)):
                raise _refuse_active(found)
            if found := _additional_actions(annot, budget):
                raise _refuse_active(found)
