"""Sending files: one download, or a meeting pack streamed as a ZIP.

Access is decided before these are called (the caller holds a document from
``selectors.document_get``). Here: headers that stop a browser from running what it receives,
constant-memory streaming, and — in production — handing the bytes to nginx so a slow client
never holds a Python worker.
"""

import contextlib
import logging
import zipfile
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from meetings.models import AccessLevel, Document, DocumentVersion
from secretariat.storage import is_local, open_stream

logger = logging.getLogger(__name__)

CHUNK = 256 * 1024
# The internal location nginx maps to MEDIA_ROOT (``location /protected-media/ { internal; }``).
NGINX_INTERNAL_PREFIX = "/protected-media/"


def harden(response: HttpResponse, *, public: bool) -> HttpResponse:
    """Headers for any file we hand out, whatever its type claims to be."""
    response["X-Content-Type-Options"] = "nosniff"
    # A sandboxed response cannot run script or reach our origin even if opened inline.
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, max-age=0" if public else "private, no-store"
    if not public:
        response["Pragma"] = "no-cache"
    return response


def version_response(document: Document, version: DocumentVersion) -> HttpResponse:
    public = document.effective_level() == AccessLevel.PUBLIC
    storage = version.file.storage
    # nginx can only send what it sees on its disk; papers in a bucket are streamed from the
    # bucket through the app (nginx buffers them, so a slow client still frees the worker).
    if settings.FILE_DELIVERY == "nginx" and is_local(storage):
        response = HttpResponse(content_type=version.content_type)
        response["X-Accel-Redirect"] = NGINX_INTERNAL_PREFIX + version.file.name
        response["Content-Disposition"] = content_disposition_header(
            True, safe_download_name(version.original_filename)
        )
        response["Content-Length"] = str(version.size)
        return harden(response, public=public)
    # Never a redirect to the bucket: the bucket is private and the access check above is the
    # only door, so a paper's bytes always come back through this response.
    try:
        stream = open_stream(storage, version.file.name)
    except FileNotFoundError:
        # The row outlived its bytes (a failed restore, a bucket lifecycle rule): say so in
        # the log, and answer as for any paper that cannot be had.
        logger.error("stored_file_missing", extra={"version_id": version.pk})
        raise Http404("This file is not available.") from None
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=safe_download_name(version.original_filename),
        content_type=version.content_type,
    )
    response.block_size = CHUNK
    response["Content-Length"] = str(version.size)
    return harden(response, public=public)


class _Sink:
    """A write-only buffer ZipFile writes into; emptied after every chunk we stream."""

    def __init__(self):
        self._buffer = bytearray()

    def write(self, data: bytes) -> int:
        self._buffer += data
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = bytes(self._buffer)
        self._buffer.clear()
        return data


def pack_entries(documents: Iterable[Document]) -> list[tuple[str, DocumentVersion]]:
    """Archive names for the documents' latest versions: unique, prefixed by agenda item."""
    entries, seen = [], set()
    for doc in documents:
        version = doc.current_version
        if version is None:
            continue
        prefix = f"Item {doc.agenda_item.number} - " if doc.agenda_item_id else ""
        name = safe_download_name(f"{prefix}{version.original_filename}")
        if name in seen:
            stem, dot, ext = name.rpartition(".")
            name = f"{stem} ({doc.pk}).{ext}" if dot else f"{name} ({doc.pk})"
        seen.add(name)
        entries.append((name, version))
    return entries


def zip_stream(entries: list[tuple[str, DocumentVersion]]) -> Iterator[bytes]:
    """Yield a ZIP of the entries chunk by chunk; memory holds one chunk, not the pack."""
    sink = _Sink()
    # No seek: ZipFile writes data descriptors after each member, so it can stream.
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for name, version in entries:
            info = zipfile.ZipInfo(name, date_time=version.uploaded_at.timetuple()[:6])
            source_stream = open_stream(version.file.storage, version.file.name)
            with contextlib.closing(source_stream) as source, archive.open(
                info, mode="w", force_zip64=True
            ) as target:
                for chunk in iter(lambda source=source: source.read(CHUNK), b""):
                    target.write(chunk)
                    yield sink.take()
            yield sink.take()
    yield sink.take()


def pack_response(filename: str, entries: list[tuple[str, DocumentVersion]]) -> HttpResponse:
    response = StreamingHttpResponse(zip_stream(entries), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        True, safe_download_name(filename))
    return harden(response, public=False)


# --- Names that survive every operating system (issue 10, item 9) -------------------------------

# Windows refuses these characters in a file name, and these device names whatever the
# extension ("CON.pdf" opens the console); other systems take them all.
_INVALID = set('<>:"/\\|?*') | {chr(c) for c in range(32)} | {"\x7f"}
_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in "123456789¹²³"),
            *(f"LPT{i}" for i in "123456789¹²³")}
MAX_DOWNLOAD_NAME = 180


def safe_download_name(name: str) -> str:
    """``name`` as a file name every OS accepts: invalid characters become "_", a device
    name gets a "_" in front, no trailing dot or space. The stored original name is kept
    for display; this is only what the browser or unzip tool writes to disk."""
    cleaned = "".join("_" if ch in _INVALID else ch for ch in name).strip().rstrip(". ")
    stem = cleaned.split(".", 1)[0].strip().upper()
    if stem in _DEVICES:
        cleaned = "_" + cleaned
    if len(cleaned) > MAX_DOWNLOAD_NAME:
        stem, dot, ext = cleaned.rpartition(".")
        cleaned = (stem[: MAX_DOWNLOAD_NAME - len(ext) - 1] + "." + ext) if dot and len(
            ext) < 10 else cleaned[:MAX_DOWNLOAD_NAME]
    return cleaned or "document"
