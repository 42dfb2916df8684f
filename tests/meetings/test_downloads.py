"""Safe downloads (QUALITY T7) and the download log."""

import pytest
from django.urls import reverse

from meetings import samples
from meetings.models import AccessLevel, DownloadLog
from tests.meetings.factories import DocumentFactory

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def uploaded(client_for, secretariat, meeting):
    """Upload one file of each allowed office type through the API; returns id by type."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(secretariat)
    ids = {}
    for name, content, level in [
        ("Biên bản họp lần 33.pdf", samples.make_pdf("Minutes"), AccessLevel.RESTRICTED),
        ("Annotated agenda.docx", samples.make_docx("Agenda"), AccessLevel.MEMBERS),
        ("SPCD matrix.xlsx", samples.make_xlsx(), AccessLevel.PUBLIC),
    ]:
        response = client.post("/api/v1/documents/", {
            "meeting": meeting.pk, "title": name, "kind": "working_paper",
            "access_level": level, "file": SimpleUploadedFile(name, content),
        })
        assert response.status_code == 201
        ids[name.rsplit(".", 1)[1]] = response.json()["id"]
    return ids


def test_download_headers_for_each_type(uploaded, client_for, secretariat):
    client = client_for(secretariat)
    expected = {"pdf": "application/pdf", "docx": DOCX, "xlsx": XLSX}
    for ext, pk in uploaded.items():
        response = client.get(reverse("meetings:download", args=[pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == expected[ext]
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "sandbox"


def test_non_ascii_name_is_sent_rfc5987_encoded(uploaded, client_for, secretariat):
    response = client_for(secretariat).get(reverse("meetings:download", args=[uploaded["pdf"]]))
    disposition = response["Content-Disposition"]
    assert "filename*=utf-8''Bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%8Dp%20l%E1%BA%A7n%2033.pdf" in (
        disposition
    )


def test_restricted_files_are_not_cached_public_ones_may_be_revalidated(uploaded, client_for,
                                                                         secretariat):
    client = client_for(secretariat)
    restricted = client.get(reverse("meetings:download", args=[uploaded["pdf"]]))
    members = client.get(reverse("meetings:download", args=[uploaded["docx"]]))
    public = client.get(reverse("meetings:download", args=[uploaded["xlsx"]]))
    assert restricted["Cache-Control"] == "private, no-store"
    assert members["Cache-Control"] == "private, no-store"
    assert "no-store" not in public["Cache-Control"]


def test_files_are_not_reachable_under_media_url(uploaded, client_for, secretariat, settings):
    from meetings.models import Document

    document = Document.objects.select_related("current_version").get(pk=uploaded["xlsx"])
    client = client_for(secretariat)
    assert client.get(settings.MEDIA_URL + document.current_version.file.name).status_code == 404
    assert client.get("/media/" + document.current_version.file.name).status_code == 404


def test_download_is_streamed_from_storage(papers, client_for, secretariat):
    response = client_for(secretariat).get(
        reverse("meetings:download", args=[papers["public"].pk])
    )
    assert response.streaming
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_nginx_delivery_hands_the_file_to_the_front_server(papers, client_for, secretariat,
                                                          settings):
    settings.FILE_DELIVERY = "nginx"
    document = papers["restricted"]
    response = client_for(secretariat).get(reverse("meetings:download", args=[document.pk]))

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == (
        "/protected-media/" + document.current_version.file.name
    )
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_each_download_is_logged_with_user_version_and_channel(papers, client_for, delegate,
                                                                secretariat):
    document = papers["members"]
    client_for(delegate).get(reverse("meetings:download", args=[document.pk]))
    client_for(delegate).get(f"/api/v1/documents/{document.pk}/download/")
    client_for(None).get(reverse("meetings:download", args=[papers["public"].pk]))

    logs = list(DownloadLog.objects.order_by("pk").values_list("user__username", "version__number",
                                                               "channel"))
    assert logs == [("delegate.a", 1, "web"), ("delegate.a", 1, "api"), (None, 1, "web")]


def test_refused_downloads_are_not_logged(papers, client_for, partner):
    client_for(partner).get(reverse("meetings:download", args=[papers["restricted"].pk]))
    assert DownloadLog.objects.count() == 0


def test_download_log_is_shown_to_the_secretariat_only(papers, client_for, delegate, secretariat):
    document = papers["members"]
    client_for(delegate).get(reverse("meetings:download", args=[document.pk]))
    url = reverse("meetings:document", args=[document.pk])

    assert "Download log" in client_for(secretariat).get(url).text
    assert "Download log" not in client_for(delegate).get(url).text


def test_download_memory_stays_flat_for_a_large_file(meeting, client_for, secretariat, settings):
    """A 20 MB file streams in 256 KB blocks: the response never holds the whole file."""
    big = DocumentFactory(meeting=meeting, access_level="members",
                          file=samples.make_pdf("Big") + bytes(20 * 1024 * 1024))
    response = client_for(secretariat).get(reverse("meetings:download", args=[big.pk]))
    sizes = [len(chunk) for chunk in response.streaming_content]
    assert sum(sizes) == big.current_version.size
    assert max(sizes) <= 256 * 1024
