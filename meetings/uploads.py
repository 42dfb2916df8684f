"""Upload validation: a file is accepted by what it contains, never by its name alone.

``inspect_upload`` reads the file once (in chunks, so memory stays flat), identifies the format
from its magic bytes and structure, checks that the name's extension agrees, and refuses
anything hostile with a message a secretariat officer can act on. Nothing is written to storage
before it has passed.

Not covered: a real antivirus. The EICAR test string is refused as a stand-in signature so the
pipeline can be tested; production should add ClamAV (``clamd``) behind ``scan_for_malware``.
"""

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from secretariat import filecheck

# Format → (extensions accepted for it, the Content-Type we serve it with).
FORMATS = {
    "pdf": ({".pdf"}, "application/pdf"),
    "docx": (
        {".docx"},
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": ({".xlsx"}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (
        {".pptx"},
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "png": ({".png"}, "image/png"),
    "jpeg": ({".jpg", ".jpeg"}, "image/jpeg"),
}
ALLOWED_EXTENSIONS = sorted(ext for exts, _ in FORMATS.values() for ext in exts)

# The main part each OOXML format must declare in [Content_Types].xml; the zip-bomb limits,
# the active-content policy and the page and cell limits live in secretariat.filecheck.
OOXML_FORMATS = {"docx", "xlsx", "pptx"}

MAX_NAME_LENGTH = 180
# Extensions that must not hide anywhere in a name (``agenda.pdf.exe``, ``report.exe.pdf``).
DANGEROUS_EXTENSIONS = {
    ".exe", ".com", ".bat", ".cmd", ".scr", ".msi", ".dll", ".js", ".jse", ".vbs", ".vbe",
    ".ps1", ".sh", ".jar", ".hta", ".html", ".htm", ".xhtml", ".svg", ".php", ".lnk", ".pif",
    ".docm", ".xlsm", ".pptm", ".dotm", ".apk", ".app", ".dmg", ".iso",
}
# Markup a browser would sniff as a page, searched in the first bytes of every file.
MARKUP_MARKERS = (b"<html", b"<!doctype", b"<script", b"<svg", b"<body", b"<iframe")
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
CHUNK = 64 * 1024


@dataclass(frozen=True)
class InspectedUpload:
    format: str
    content_type: str
    filename: str
    size: int
    sha256: str


def sanitise_filename(raw: str) -> str:
    """The name to keep and to offer on download, or ``ValidationError``.

    Refuses what cannot be made safe without changing its meaning (path parts, control and
    bidirectional-override characters, hidden double extensions); keeps letters with
    diacritics (``Biên bản.pdf``) in NFC.
    """
    name = unicodedata.normalize("NFC", raw or "")
    if not name.strip():
        raise ValidationError("The file has no name.", code="no_name")
    if "/" in name or "\\" in name or ".." in name:
        raise ValidationError(
            "The file name must not contain folders or “..”.", code="path_in_name"
        )
    # Cc: NUL and other control characters; Cf: format characters, among them the
    # right-to-left override that makes "cod.exe" read as "exe.doc".
    if any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in name):
        raise ValidationError(
            "The file name contains invisible control characters; rename the file.",
            code="control_in_name",
        )
    name = " ".join(name.split()).strip(" .")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            f"The file name is longer than {MAX_NAME_LENGTH} characters; shorten it.",
            code="name_too_long",
        )
    suffixes = [s.lower() for s in PurePosixPath(name).suffixes]
    if any(s in DANGEROUS_EXTENSIONS for s in suffixes):
        raise ValidationError(
            "Executable, macro-enabled, web-page or SVG files are not accepted.",
            code="dangerous_extension",
        )
    if not suffixes or suffixes[-1] not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            f"Accepted formats: {', '.join(ALLOWED_EXTENSIONS)}.", code="extension_not_allowed"
        )
    return name


def _read_all(file) -> tuple[bytes, int, str, bool]:
    """Head bytes, size, SHA-256 and whether the EICAR signature occurs; one chunked pass."""
    file.seek(0)
    digest = hashlib.sha256()
    head = b""
    size = 0
    tail = b""
    eicar = False
    limit = settings.MAX_UPLOAD_BYTES
    for chunk in iter(lambda: file.read(CHUNK), b""):
        size += len(chunk)
        if size > limit:
            raise ValidationError(
                f"The file is larger than the limit of {filesizeformat(limit)}.", code="too_large"
            )
        digest.update(chunk)
        if len(head) < 2048:
            head += chunk[: 2048 - len(head)]
        # Overlap chunks so a signature split across two reads is still found.
        window = tail + chunk
        if EICAR in window:
            eicar = True
        tail = window[-len(EICAR):]
    file.seek(0)
    return head, size, digest.hexdigest(), eicar


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    return None


def inspect_upload(file, name: str | None = None) -> InspectedUpload:
    """Accept ``file`` (a Django ``File``) or raise ``ValidationError`` with a clear message.

    Guarantees: the content is a PDF, DOCX, XLSX, PPTX, PNG or JPEG matching the name's
    extension; not empty, not over ``settings.MAX_UPLOAD_BYTES``; within the limits and the
    active-content policy of ``secretariat.filecheck`` (zip bombs, macros, ActiveX, external
    relationships, cell and page counts, PDF JavaScript/launch/embedded files); no encrypted
    PDF, no HTML/SVG markup in the first bytes browsers sniff, no EICAR test signature. The
    file is left at position 0.
    """
    filename = sanitise_filename(name if name is not None else getattr(file, "name", ""))
    extension = PurePosixPath(filename).suffix.lower()
    head, size, sha256, eicar = _read_all(file)
    if size == 0:
        raise ValidationError("The file is empty.", code="empty")
    if eicar:
        raise ValidationError(
            "The file matches a malware signature and was refused.", code="malware"
        )
    lowered = head.lower()
    if any(marker in lowered for marker in MARKUP_MARKERS):
        raise ValidationError(
            "The file contains web-page markup and was refused.", code="markup"
        )
    sniffed = _sniff(head)
    expected = next(fmt for fmt, (exts, _) in FORMATS.items() if extension in exts)
    if sniffed is None:
        raise ValidationError(
            f"The content is not a {expected.upper()} file, whatever its name says.",
            code="disguised",
        )
    if sniffed == "zip":
        if expected not in OOXML_FORMATS:
            raise ValidationError(
                f"The content is not a {expected.upper()} file, whatever its name says.",
                code="disguised",
            )
        sniffed = filecheck.inspect_ooxml(file, size=size)
    if sniffed != expected:
        raise ValidationError(
            f"The content is a {sniffed.upper()} file but the name says "
            f"{expected.upper()}; rename it or upload the right file.",
            code="disguised",
        )
    if sniffed == "pdf":
        filecheck.inspect_pdf(file)
    return InspectedUpload(
        format=sniffed,
        content_type=FORMATS[sniffed][1],
        filename=filename,
        size=size,
        sha256=sha256,
    )
