"""Uploads are judged by content (QUALITY T6): a corpus of hostile files, each refused with a
field-level message, nothing stored, no row written and one WARNING log; good files accepted."""

import io
import logging
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings import samples
from meetings.models import Document, DocumentVersion
from meetings.uploads import EICAR

PDF = samples.make_pdf("Provisional agenda", ["Item 1 Opening"])


def _zip(entries: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _docx_with(extra: dict[str, bytes] | None = None, content_types: bytes | None = None):
    """A real DOCX, optionally with parts added or its [Content_Types].xml replaced."""
    source = zipfile.ZipFile(io.BytesIO(samples.make_docx("Minutes")))
    entries = {i.filename: source.read(i) for i in source.infolist()}
    if content_types is not None:
        entries["[Content_Types].xml"] = content_types
    entries.update(extra or {})
    return _zip(entries)


def _zip_bomb(expanded_mb: int) -> bytes:
    """A DOCX-looking package whose one part expands to ``expanded_mb`` of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", samples.PPTX_CONTENT_TYPES.replace(
            b"presentationml.presentation", b"wordprocessingml.document"))
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            block = bytes(1024 * 1024)
            for _ in range(expanded_mb):
                part.write(block)
    return buffer.getvalue()


def _many_entries(count: int) -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", **{f"p/{i}.xml": b"" for i in range(count)}},
                compression=zipfile.ZIP_STORED)


def _encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
MACRO_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
)

# (case id, file name, content factory)
HOSTILE = [
    ("zero-bytes", "agenda.pdf", lambda: b""),
    ("exe-magic-as-pdf", "agenda.pdf", lambda: b"MZ\x90\x00" + bytes(500)),
    ("elf-as-pdf", "agenda.pdf", lambda: b"\x7fELF" + bytes(500)),
    ("zip-magic-as-pdf", "agenda.pdf", lambda: _zip({"a.txt": b"hello"})),
    ("html-as-pdf", "agenda.pdf", lambda: HTML),
    ("html-with-script", "agenda.html", lambda: HTML),
    ("svg-with-script", "logo.svg", lambda: SVG),
    ("svg-as-pdf", "logo.pdf", lambda: SVG),
    ("pdf-html-polyglot", "agenda.pdf", lambda: b"<html><script>alert(1)</script>" + PDF),
    ("pdf-with-html-head", "agenda.pdf",
     lambda: PDF[:15] + b"<html><script>alert(1)</script></html>" + PDF[15:]),
    ("double-extension", "agenda.pdf.exe", lambda: PDF),
    ("hidden-exe-extension", "agenda.exe.pdf", lambda: PDF),
    ("rtl-override-name", "minutes\u202efdp.exe", lambda: PDF),
    ("300-char-name", "a" * 296 + ".pdf", lambda: PDF),
    ("no-extension", "agenda", lambda: PDF),
    ("text-file", "notes.txt", lambda: b"plain text"),
    ("docx-zip-bomb-ratio", "minutes.docx", lambda: _zip_bomb(40)),
    ("docx-zip-bomb-size", "minutes.docx", lambda: _zip_bomb(210)),
    ("zip-10000-entries", "minutes.docx", lambda: _many_entries(10_000)),
    ("macro-docm", "minutes.docm", lambda: _docx_with(content_types=MACRO_TYPES)),
    ("macro-in-docx", "minutes.docx", lambda: _docx_with(content_types=MACRO_TYPES)),
    ("vba-project-in-docx", "minutes.docx",
     lambda: _docx_with({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"})),
    ("plain-zip-as-docx", "minutes.docx", lambda: _zip({"readme.txt": b"hello"})),
    ("docx-named-xlsx", "table.xlsx", lambda: samples.make_docx("Not a sheet")),
    ("corrupt-zip", "minutes.docx", lambda: b"PK\x03\x04" + os.urandom(600)),
    ("encrypted-pdf", "agenda.pdf", _encrypted_pdf),
    ("damaged-pdf", "agenda.pdf", lambda: b"%PDF-1.4\n" + b"garbage " * 50),
    ("eicar-in-pdf", "agenda.pdf", lambda: PDF + EICAR),
    ("png-named-pdf", "photo.pdf", lambda: b"\x89PNG\r\n\x1a\n" + bytes(100)),
]


# Names Django's multipart parser already neutralises before any view sees them: it keeps the
# last path part and drops non-printable characters (django/http/multipartparser.py,
# ``sanitize_file_name``). The validator refuses them outright where a name arrives another way
# (a service call, an import).
PARSER_NEUTRALISED = [
    ("rtl-override-pdf-name", "invoice\u202excod.pdf"),
    ("path-traversal", "../../x.pdf"),
    ("windows-path", "..\\..\\x.pdf"),
    ("nul-in-name", "agenda\x00.pdf"),
]


def _storage_listing(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _security_warnings(caplog):
    return [
        r for r in caplog.records
        if r.name == "secretariat.security" and r.getMessage() == "upload_rejected"
        and r.levelno == logging.WARNING
    ]


@pytest.fixture
def api_upload(client_for, secretariat, meeting):
    client = client_for(secretariat)

    def upload(name, content, **fields):
        data = {"meeting": meeting.pk, "title": "A paper", "kind": "agenda",
                "access_level": "members", **fields}
        if content is not None:
            data["file"] = SimpleUploadedFile(name, content, content_type="application/pdf")
        return client.post("/api/v1/documents/", data)

    return upload


@pytest.mark.parametrize(("name", "make"), [(n, m) for _, n, m in HOSTILE],
                         ids=[case for case, _, _ in HOSTILE])
def test_hostile_file_is_refused_over_the_api(name, make, api_upload, media_root, caplog):
    before = _storage_listing(media_root)
    caplog.set_level(logging.WARNING, logger="secretariat.security")

    response = api_upload(name, make())

    assert response.status_code == 400
    assert response.json()["file"], response.json()  # a field-level message
    assert (Document.objects.count(), DocumentVersion.objects.count()) == (0, 0)
    assert _storage_listing(media_root) == before
    assert len(_security_warnings(caplog)) == 1


def test_corpus_is_large_enough():
    assert len(HOSTILE) >= 25


@pytest.mark.parametrize(("name"), [n for _, n in PARSER_NEUTRALISED],
                         ids=[case for case, _ in PARSER_NEUTRALISED])
def test_hostile_names_are_refused_by_the_validator(name):
    from django.core.exceptions import ValidationError
    from django.core.files.base import ContentFile

    from meetings.uploads import inspect_upload

    with pytest.raises(ValidationError):
        inspect_upload(ContentFile(PDF), name)


@pytest.mark.parametrize(("name"), [n for _, n in PARSER_NEUTRALISED],
                         ids=[case for case, _ in PARSER_NEUTRALISED])
def test_hostile_names_over_http_arrive_neutralised(name, api_upload, media_root):
    response = api_upload(name, PDF)

    if response.status_code == 201:
        version = DocumentVersion.objects.get()
        assert "/" not in version.original_filename and "\\" not in version.original_filename
        assert all(ch.isprintable() for ch in version.original_filename)
        assert version.file.name.startswith("documents/")
        assert ".." not in version.file.name
        assert all(p.resolve().is_relative_to(media_root) for p in media_root.rglob("*"))
    else:
        assert response.status_code == 400


def test_one_byte_over_the_limit_is_refused_and_the_limit_itself_accepted(
    api_upload, settings, media_root, caplog
):
    settings.MAX_UPLOAD_BYTES = len(PDF)
    caplog.set_level(logging.WARNING, logger="secretariat.security")

    too_big = api_upload("agenda.pdf", PDF + b"\n")
    assert too_big.status_code == 400
    assert "larger than the limit" in too_big.json()["file"][0]
    assert len(_security_warnings(caplog)) == 1
    assert api_upload("agenda.pdf", PDF).status_code == 201


def test_disguised_executable_gets_a_clear_message(api_upload):
    response = api_upload("agenda.pdf", b"MZ\x90\x00" + bytes(500))
    assert "not a PDF file, whatever its name says" in response.json()["file"][0]


@pytest.mark.parametrize(
    ("name", "make", "content_type"),
    [
        ("Biên bản họp.pdf", lambda: PDF, "application/pdf"),
        ("minutes.docx", lambda: samples.make_docx("Minutes"),
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("matrix.xlsx", samples.make_xlsx,
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("slides.pptx", samples.make_pptx,
         "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        ("photo.png", lambda: b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png"),
        ("photo.JPG", lambda: b"\xff\xd8\xff\xe0" + bytes(64), "image/jpeg"),
    ],
)
def test_each_allowed_type_is_accepted(name, make, content_type, api_upload, meeting,
                                       secretariat):
    content = make()
    response = api_upload(name, content)

    assert response.status_code == 201, response.content
    body = response.json()
    for field in ("id", "title", "kind", "language", "access_level", "meeting", "agenda_item",
                  "version", "size", "sha256", "download_url", "uploaded_at"):
        assert field in body
    version = DocumentVersion.objects.get(document_id=body["id"])
    assert (body["version"], body["size"], version.content_type) == (1, len(content),
                                                                      content_type)
    assert version.original_filename == name
    assert version.uploaded_by == secretariat
    # Stored under a random name: nothing of the original name is on disk.
    assert name.split(".")[0] not in version.file.name
    assert len(version.file.name.rsplit("/", 1)[1].split(".")[0]) == 32


@pytest.mark.parametrize(
    ("missing", "field"),
    [("meeting", "meeting"), ("title", "title"), ("kind", "kind"),
     ("access_level", "access_level"), ("file", "file")],
)
def test_missing_fields_are_field_errors(missing, field, client_for, secretariat, meeting):
    data = {"meeting": meeting.pk, "title": "T", "kind": "agenda", "access_level": "members",
            "file": SimpleUploadedFile("a.pdf", PDF)}
    del data[missing]
    response = client_for(secretariat).post("/api/v1/documents/", data)
    assert response.status_code == 400
    assert field in response.json()
    assert Document.objects.count() == 0


def test_bad_choices_and_agenda_item_of_another_meeting_are_field_errors(api_upload, meeting):
    from tests.meetings.factories import AgendaItemFactory

    other_item = AgendaItemFactory()
    response = api_upload("a.pdf", PDF, kind="poem", access_level="secret")
    assert set(response.json()) >= {"kind", "access_level"}
    response = api_upload("a.pdf", PDF, agenda_item=other_item.pk)
    assert response.status_code == 400
    assert "agenda_item" in response.json()
    assert Document.objects.count() == 0


@pytest.mark.parametrize("who", ["anonymous", "delegate", "partner"])
def test_only_editors_upload(who, personas, client_for, meeting):
    client = client_for(personas[who])
    data = {"meeting": meeting.pk, "title": "T", "kind": "agenda", "access_level": "members",
            "file": SimpleUploadedFile("a.pdf", PDF)}
    assert client.post("/api/v1/documents/", data).status_code in {401, 403}
    page = client.get(reverse("meetings:upload", args=[meeting.pk]))
    assert page.status_code in {302, 403}
    assert Document.objects.count() == 0


def test_chair_uploads_several_files_at_once_in_the_browser_form(client_for, chair, meeting):
    client = client_for(chair)
    response = client.post(
        reverse("meetings:upload", args=[meeting.pk]),
        {
            "files": [SimpleUploadedFile("Annotated agenda.pdf", PDF),
                      SimpleUploadedFile("Report.docx", samples.make_docx("Report"))],
            "kind": "working_paper", "access_level": "members", "language": "en",
            "embargo_level": "members",
        },
    )
    assert response.status_code == 302
    assert sorted(Document.objects.values_list("title", flat=True)) == [
        "Annotated agenda", "Report"
    ]


def test_form_with_one_bad_file_refuses_the_batch_with_a_field_error(
    client_for, chair, meeting, media_root, caplog
):
    caplog.set_level(logging.WARNING, logger="secretariat.security")
    response = client_for(chair).post(
        reverse("meetings:upload", args=[meeting.pk]),
        {
            "files": [SimpleUploadedFile("good.pdf", PDF),
                      SimpleUploadedFile("evil.pdf", b"MZ" + bytes(300))],
            "kind": "working_paper", "access_level": "members", "language": "en",
            "embargo_level": "members",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["files"]
    assert any("evil.pdf" in e and "not a PDF" in e for e in errors)
    assert Document.objects.count() == 0
    assert _storage_listing(media_root) == []
    assert len(_security_warnings(caplog)) == 1


def test_a_good_and_a_bad_file_the_page_says_which_failed_and_that_nothing_was_kept(
    client_for, chair, meeting, media_root
):
    """Given a batch of a good PDF, a disguised executable and a good Word file, when the
    chair sends it from the browser form, then nothing is stored (all or nothing, as the page
    says before sending) and the page names the refused file with its reason and lists the
    two good ones as fine, not uploaded."""
    client = client_for(chair)
    form_page = client.get(reverse("meetings:upload", args=[meeting.pk])).content.decode()
    assert "all or nothing" in form_page
    response = client.post(
        reverse("meetings:upload", args=[meeting.pk]),
        {
            "files": [SimpleUploadedFile("Agenda.pdf", PDF),
                      SimpleUploadedFile("Setup.pdf", b"MZ" + bytes(300)),
                      SimpleUploadedFile("Report.docx", samples.make_docx("Report"))],
            "kind": "working_paper", "access_level": "members", "language": "en",
            "embargo_level": "members",
        },
    )
    assert response.status_code == 400  # the form again, with what was refused (issue 10)
    assert response.context["form"].file_report[0] == ("Agenda.pdf", [])
    assert response.context["form"].file_report[1][0] == "Setup.pdf"
    assert response.context["form"].file_report[1][1]
    page = response.content.decode()
    report = page[page.index('id="file-report"'):]
    report = report[:report.index("</section>")]
    assert "<strong>Setup.pdf</strong> — refused: " in report and "not a PDF" in report
    assert "Agenda.pdf — fine, not uploaded because another file was refused" in report
    assert "Report.docx — fine, not uploaded" in report
    assert Document.objects.count() == 0
    assert _storage_listing(media_root) == []


def test_a_file_the_service_refuses_is_named_and_the_batch_rolled_back(
    client_for, chair, meeting, monkeypatch
):
    from django.core.exceptions import ValidationError

    from meetings import services

    real = services.document_create

    def refuse_the_second(**kwargs):
        if kwargs["file"].name == "Second.pdf":
            raise ValidationError("This meeting is closed to new papers.")
        return real(**kwargs)

    monkeypatch.setattr(services, "document_create", refuse_the_second)
    response = client_for(chair).post(
        reverse("meetings:upload", args=[meeting.pk]),
        {"files": [SimpleUploadedFile("First.pdf", PDF), SimpleUploadedFile("Second.pdf", PDF)],
         "kind": "working_paper", "access_level": "members", "language": "en",
         "embargo_level": "members"},
    )
    assert response.status_code == 400  # the form again, with what was refused (issue 10)
    errors = response.context["form"].errors["files"]
    assert "Second.pdf: This meeting is closed to new papers." in errors
    assert any("First.pdf" in e and "Nothing was uploaded" in e for e in errors)
    assert Document.objects.count() == 0
