"""Writes of meetings: document uploads, new versions, adoption of minutes, download records,
the text extraction behind search, and documents cited as evidence of milestones."""

import datetime as dt
import ipaddress
import logging
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from meetings import events
from meetings.models import (
    SEARCH_CONFIG,
    AccessLevel,
    AgendaItem,
    Document,
    DocumentVersion,
    DownloadLog,
    Meeting,
    MilestoneEvidenceDocument,
)
from meetings.uploads import InspectedUpload, inspect_upload
from secretariat import jobs
from secretariat.access import clearance_of
from secretariat.storage import seekable_copy
from workgroups.access import ChairRights, EditRights
from workgroups.models import Milestone
from workgroups.selectors import milestones_visible_to

logger = logging.getLogger(__name__)

MAX_EXTRACTED_CHARS = 500_000
MAX_EXTRACTED_PAGES = 300


def _require_runner(actor, meeting: Meeting | None) -> None:
    """The secretariat, or the staff of the body's chair administration at this instant.
    Papers outside any meeting are the secretariat's."""
    rights = ChairRights(actor)
    if not rights.runs(meeting.body_id if meeting is not None else None):
        raise PermissionDenied(
            "Only the secretariat and the staff of the body's chair handle its papers."
        )


def _within_clearance(actor, access_level: str, embargo_level: str | None) -> None:
    """An uploader cannot place a paper above what they may read themselves: the upload
    would vanish from their own view (and a retry would duplicate it). Refused before any
    byte or row is written."""
    allowed = clearance_of(actor)
    for field, level in (("access_level", access_level), ("embargo_level", embargo_level)):
        if level and AccessLevel(level).clearance > allowed:
            raise ValidationError({field: [
                f"You can upload papers up to “{AccessLevel[allowed.name].label}”; "
                "a paper above that is uploaded by the ASEAN Secretariat."]})


def _store_version(
    *, actor, document: Document, file, inspected: InspectedUpload, reason: str
) -> DocumentVersion:
    last = document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = DocumentVersion(
        document=document,
        number=last + 1,
        original_filename=inspected.filename,
        sha256=inspected.sha256,
        size=inspected.size,
        content_type=inspected.content_type,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
        reason=reason,
    )
    file.seek(0)
    version.file.save(inspected.filename, file, save=False)
    # If the row cannot be written, the stored bytes must go too, or storage fills with
    # orphans. (A rollback later in the caller's transaction can still leave one behind.)
    stored_name = version.file.name
    try:
        version.save()
    except Exception:
        version.file.storage.delete(stored_name)
        raise
    document.current_version = version
    document.save(update_fields=["current_version", "updated_at"])
    return version


def _enqueue_extraction(document_id: int) -> None:
    """Record the extraction job with the upload (same transaction); it is queued after commit
    and swept if the broker is down, so the paper always becomes searchable."""
    from meetings.jobs import EXTRACT_TEXT

    jobs.enqueue(EXTRACT_TEXT, key=f"extract-text:{document_id}", document_id=document_id)


def _validate_placement(meeting: Meeting | None, agenda_item: AgendaItem | None) -> None:
    if agenda_item is not None and (meeting is None or agenda_item.meeting_id != meeting.pk):
        raise ValidationError({"agenda_item": "This agenda item belongs to another meeting."})


@transaction.atomic
def document_create(
    *,
    actor,
    meeting: Meeting | None,
    title: str,
    kind: str,
    access_level: str,
    file,
    filename: str | None = None,
    language: str = "en",
    agenda_item: AgendaItem | None = None,
    embargo_until: dt.datetime | None = None,
    embargo_level: str = AccessLevel.MEMBERS,
    inspected: InspectedUpload | None = None,
) -> Document:
    """Create a document with its first version, in one transaction.

    Guarantees: only the secretariat or the body's chair at this instant gets here; the file passed
    ``inspect_upload`` before a byte was stored (pass ``inspected`` when the caller already
    did); text extraction is enqueued only after commit.
    """
    _require_runner(actor, meeting)
    _validate_placement(meeting, agenda_item)
    _within_clearance(actor, access_level, embargo_level if embargo_until else None)
    if inspected is None:
        try:
            inspected = inspect_upload(file, filename)
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc
    document = Document(
        meeting=meeting,
        agenda_item=agenda_item,
        title=title.strip() or inspected.filename,
        kind=kind,
        language=language or "en",
        access_level=access_level,
        embargo_until=embargo_until,
        embargo_level=embargo_level,
        created_by=actor,
    )
    document.full_clean(exclude=["current_version"])
    document.save()
    version = _store_version(
        actor=actor, document=document, file=file, inspected=inspected, reason="")
    _enqueue_extraction(document.pk)
    events.paper_changed(document, "posted", version.number)  # issue 12: papers-posted notices
    return document


@transaction.atomic
def document_version_add(
    *,
    actor,
    document: Document,
    file,
    filename: str | None = None,
    reason: str = "",
    inspected: InspectedUpload | None = None,
) -> DocumentVersion:
    """Add a version; the earlier ones stay. Adopted minutes need a reason (a correction).

    Locks the document row so two simultaneous uploads cannot both take the same number.
    """
    document = (
        Document.objects.select_for_update(of=("self",)).select_related("meeting")
        .get(pk=document.pk)
    )
    _require_runner(actor, document.meeting)
    reason = reason.strip()
    if document.is_locked and not reason:
        raise ValidationError(
            {"reason": "These minutes are adopted: a correction needs a reason."}
        )
    if inspected is None:
        try:
            inspected = inspect_upload(file, filename)
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc
    version = _store_version(
        actor=actor, document=document, file=file, inspected=inspected, reason=reason
    )
    _enqueue_extraction(document.pk)
    events.paper_changed(document, "replaced", version.number)  # issue 12
    return version


@transaction.atomic
def minutes_adopt(*, actor, document: Document) -> Document:
    """Mark minutes adopted (idempotent). From then on they change only by corrected versions."""
    document = (
        Document.objects.select_for_update(of=("self",)).select_related("meeting")
        .get(pk=document.pk)
    )
    _require_runner(actor, document.meeting)
    if document.kind != Document.Kind.MINUTES:
        raise ValidationError("Only minutes are adopted.")
    if document.minutes_state != Document.MinutesState.ADOPTED:
        document.minutes_state = Document.MinutesState.ADOPTED
        document.adopted_at = timezone.now()
        document.save(update_fields=["minutes_state", "adopted_at", "updated_at"])
    return document


def download_record(
    *, user, version: DocumentVersion, ip: str | None, channel: str = DownloadLog.Channel.WEB
) -> DownloadLog:
    return DownloadLog.objects.create(
        version=version,
        user=user if getattr(user, "is_authenticated", False) else None,
        ip=_address_or_none(ip),
        channel=channel,
    )


def _address_or_none(ip: str | None) -> str | None:
    # REMOTE_ADDR is empty behind a Unix-socket proxy and "-" from ``client_ip``: a download
    # is recorded without an address rather than failing on the column's type.
    try:
        return str(ipaddress.ip_address(ip)) if ip else None
    except ValueError:
        return None


def downloads_record(*, user, versions: list[DocumentVersion], ip: str | None) -> None:
    """One row per file of a meeting pack, in one query."""
    user = user if getattr(user, "is_authenticated", False) else None
    DownloadLog.objects.bulk_create(
        DownloadLog(version=v, user=user, ip=_address_or_none(ip),
                    channel=DownloadLog.Channel.PACK)
        for v in versions
    )


# --- Search text ------------------------------------------------------------------------------


def _extract_pdf(path_or_file) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path_or_file)
    parts = []
    for page in reader.pages[:MAX_EXTRACTED_PAGES]:
        parts.append(page.extract_text() or "")
        if sum(map(len, parts)) > MAX_EXTRACTED_CHARS:
            break
    return "\n".join(parts)


def _extract_docx(path_or_file) -> str:
    import docx

    document = docx.Document(path_or_file)
    return "\n".join(p.text for p in document.paragraphs)


def _extract_xlsx(path_or_file) -> str:
    """The text of every cell, sheet by sheet (read-only mode streams; formulas as written)."""
    from openpyxl import load_workbook

    workbook = load_workbook(path_or_file, read_only=True, data_only=True)
    parts: list[str] = []
    size = 0
    try:
        for sheet in workbook.worksheets:
            parts.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                cells = [str(v) for v in row if v is not None and str(v).strip()]
                if cells:
                    line = " ".join(cells)
                    parts.append(line)
                    size += len(line)
                if size > MAX_EXTRACTED_CHARS:
                    return "\n".join(parts)
    finally:
        workbook.close()
    return "\n".join(parts)


_PPTX_SLIDE = re.compile(r"^ppt/(slides/slide|notesSlides/notesSlide)(\d+)\.xml$")
_DRAWING_TEXT = "{http://schemas.openxmlformats.org/drawingml/2006/main}t"


def _extract_pptx(path_or_file) -> str:
    """The text runs of the slides, then of the speaker notes, in slide order. Read from the
    package's XML with ``defusedxml`` (no entity expansion), no presentation library."""
    import zipfile

    from defusedxml import ElementTree

    parts: list[str] = []
    with zipfile.ZipFile(path_or_file) as package:
        names = sorted(
            (m.group(1).startswith("notes"), int(m.group(2)), name)
            for name in package.namelist() if (m := _PPTX_SLIDE.match(name))
        )
        for _notes, _number, name in names[:2 * MAX_EXTRACTED_PAGES]:
            tree = ElementTree.fromstring(package.read(name))
            parts.append(" ".join(t.text for t in tree.iter(_DRAWING_TEXT) if t.text))
            if sum(map(len, parts)) > MAX_EXTRACTED_CHARS:
                break
    return "\n".join(p for p in parts if p)


EXTRACTORS = {
    "application/pdf": _extract_pdf,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _extract_docx,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _extract_xlsx,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": _extract_pptx,
}


def document_text_extract(*, document_id: int) -> bool:
    """Extract the latest version's text into the search columns.

    Idempotent and safe to repeat: re-reads the row, does nothing if the document is gone, and
    writes the same text for the same version. Returns whether text was written.
    """
    document = (
        Document.objects.select_related("current_version").filter(pk=document_id).first()
    )
    if document is None or document.current_version is None:
        return False
    version = document.current_version
    extractor = EXTRACTORS.get(version.content_type)
    text = ""
    if extractor is not None:
        try:
            # From the disk or a temporary copy of the bucket object: the parsers need to seek.
            with seekable_copy(version.file.storage, version.file.name) as handle:
                text = extractor(handle)
        except Exception:  # a damaged file must not poison the queue; it stays unsearchable
            logger.warning("text_extraction_failed", extra={"document_id": document_id},
                           exc_info=True)
            text = ""
    text = text.replace("\x00", " ")[:MAX_EXTRACTED_CHARS]
    Document.objects.filter(pk=document_id).update(search_text=text)
    if connection.vendor == "postgresql":
        Document.objects.filter(pk=document_id).update(
            search_vector=RawSQL(
                "to_tsvector(%s::regconfig, "
                "coalesce(title, '') || ' ' || coalesce(search_text, ''))",
                [SEARCH_CONFIG],
            )
        )
    return True


@transaction.atomic
def meeting_propose_next(*, actor, after: Meeting) -> Meeting:
    """Create the body's next meeting with the host the rotation proposes, marked as inferred.

    Idempotent: if the next ordinal exists it is returned unchanged (the secretariat may have
    confirmed or overridden its host since). Dates are a placeholder one year on, to be
    corrected; only the secretariat plans meetings.
    """
    from meetings.selectors import next_host_proposal
    from secretariat.access import is_secretariat

    if not is_secretariat(actor):
        raise PermissionDenied("Only the secretariat plans meetings.")
    existing = Meeting.objects.filter(body_id=after.body_id, ordinal=after.ordinal + 1).first()
    if existing is not None:
        return existing
    host = next_host_proposal(after)

    def next_year(day: dt.date) -> dt.date:
        try:
            return day.replace(year=day.year + 1)
        except ValueError:  # 29 February
            return day.replace(year=day.year + 1, day=28)

    return Meeting.objects.create(
        body_id=after.body_id,
        ordinal=after.ordinal + 1,
        host=host,
        host_is_inferred=True,
        start_date=next_year(after.start_date),
        end_date=next_year(after.end_date),
        time_zone=host.time_zone if host else after.time_zone,
        summary="Host proposed by the rotation; dates are a placeholder to be confirmed.",
    )


# --- Evidence for the Strategic Plan ----------------------------------------------------------


def _evidence_target(actor, milestone_id: int, document_id: int) -> tuple[Milestone, Document]:
    """The milestone and document ``actor`` may link: the milestone by the same rule as a
    milestone edit (``workgroups.access.EditRights``), the document only if ``actor`` may read
    it now, so nobody cites (or un-cites) a paper they cannot see."""
    milestone = milestones_visible_to(actor).filter(pk=milestone_id).first()
    if milestone is None:
        raise ValidationError({"milestone": "No such milestone."})
    if not EditRights(actor).milestone(milestone):
        raise PermissionDenied("You cannot change the evidence of this milestone.")
    document = Document.objects.visible_to(actor).filter(pk=document_id).first()
    if document is None:
        raise Document.DoesNotExist(f"Document {document_id} is not visible to {actor}.")
    return milestone, document


def evidence_document_attach(
    *, actor, milestone_id: int, document_id: int
) -> tuple[MilestoneEvidenceDocument, bool]:
    """Cite a document as evidence of a milestone; returns the link and whether it is new.

    Guarantees: the editors of the milestone only (``PermissionDenied`` otherwise), and only a
    document the actor can read (``Document.DoesNotExist`` otherwise); idempotent: attaching
    twice, even concurrently, leaves one link (unique constraint; ``get_or_create`` re-reads
    after losing the race) and keeps who attached it first.
    """
    with transaction.atomic():
        milestone, document = _evidence_target(actor, milestone_id, document_id)
        return MilestoneEvidenceDocument.objects.get_or_create(
            milestone=milestone, document=document,
            defaults={"added_by": actor if actor.is_authenticated else None},
        )


def evidence_document_detach(*, actor, milestone_id: int, document_id: int) -> bool:
    """Stop citing a document as evidence of a milestone; returns whether a link was removed.

    Same rights as attaching; idempotent (detaching a link that is gone returns False). The
    document itself is untouched.
    """
    with transaction.atomic():
        milestone, document = _evidence_target(actor, milestone_id, document_id)
        deleted, _ = MilestoneEvidenceDocument.objects.filter(
            milestone=milestone, document=document
        ).delete()
    return bool(deleted)
