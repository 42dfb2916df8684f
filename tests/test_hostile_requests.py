"""Hostile requests (issue 10, items 4, 7 and 9 and the "smaller" findings): uploads above the
uploader's clearance, file names that break other systems, RFC 9110 preconditions, HEAD, JSON
errors under /api/, the throttles where cost or enumeration lives, and a page cache that a forged
Host header cannot poison. Each test fails on the code before its fix.
"""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings import samples
from meetings.models import AccessLevel, Document, DocumentVersion
from secretariat.models import Role
from tests.factories import AdministrationFactory, make_person
from tests.meetings.factories import DocumentFactory, MeetingFactory
from tests.workgroups.factories import BodyFactory, MilestoneFactory

PDF = samples.make_pdf("Provisional agenda", ["Item 1 Opening"])


def _rate(scope: str) -> int:
    return int(django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope].split("/")[0])


def _stored_files() -> list[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def dg_meeting(chair):
    """A meeting of the DG meeting, which the ``chair`` persona's administration chairs."""
    return MeetingFactory(body=BodyFactory(code="DG"))


# --- An upload above the uploader's own clearance --- --------------------------------------------


@pytest.mark.parametrize("field", ["access_level", "embargo_level"])
def test_an_upload_above_the_uploaders_clearance_is_a_400_over_the_api(
    field, client_for, chair, dg_meeting
):
    """The chair's staff read up to "members": a "restricted" paper would vanish from their
    own view. Refused before a byte is stored (it used to answer 500 after saving it)."""
    before = _stored_files()
    data = {"meeting": dg_meeting.pk, "title": "Closed session notes", "kind": "agenda",
            "access_level": "members", "file": SimpleUploadedFile("notes.pdf", PDF)}
    data[field] = AccessLevel.RESTRICTED
    if field == "embargo_level":
        data["embargo_until"] = "2030-01-01T00:00:00Z"
    response = client_for(chair).post("/api/v1/documents/", data)
    assert response.status_code == 400, response.content
    assert "You can upload papers up to" in response.json()[field][0]
    assert Document.objects.count() == 0
    assert DocumentVersion.objects.count() == 0
    assert _stored_files() == before


def test_an_upload_above_the_uploaders_clearance_is_a_400_in_the_web_form(
    client_for, chair, dg_meeting
):
    before = _stored_files()
    response = client_for(chair).post(reverse("meetings:upload", args=[dg_meeting.pk]), {
        "files": [SimpleUploadedFile("notes.pdf", PDF)], "kind": "working_paper",
        "access_level": "restricted", "language": "en", "embargo_level": "members"})
    assert response.status_code == 400
    assert "You can upload papers up to" in response.content.decode()
    assert Document.objects.count() == 0
    assert _stored_files() == before
    # Within the clearance the same upload goes through.
    response = client_for(chair).post(reverse("meetings:upload", args=[dg_meeting.pk]), {
        "files": [SimpleUploadedFile("notes.pdf", PDF)], "kind": "working_paper",
        "access_level": "members", "language": "en", "embargo_level": "members"})
    assert response.status_code == 302
    assert Document.objects.count() == 1


# --- File names that survive every operating system --- ------------------------------------------

HOSTILE_NAMES = {
    "CON.pdf": "_CON.pdf",
    "nul.report.pdf": "_nul.report.pdf",
    "COM1.pdf": "_COM1.pdf",
    'Minutes: "draft" <v2>?.pdf': "Minutes_ _draft_ _v2__.pdf",
    "a|b*c.pdf": "a_b_c.pdf",
}


@pytest.fixture
def named_papers(db):
    meeting = MeetingFactory()
    return meeting, {
        original: DocumentFactory(meeting=meeting, title=f"Paper {i}",
                                  access_level=AccessLevel.PUBLIC, file__filename=original)
        for i, original in enumerate(HOSTILE_NAMES)
    }


def test_download_names_drop_windows_invalid_characters_and_rename_device_names(
    named_papers, client
):
    _, papers = named_papers
    for original, safe in HOSTILE_NAMES.items():
        document = papers[original]
        assert document.current_version.original_filename == original  # stored as sent
        response = client.get(reverse("meetings:download", args=[document.pk]))
        assert response.status_code == 200
        assert f'filename="{safe}"' in response["Content-Disposition"], response[
            "Content-Disposition"]
        # The page shows the name as it was uploaded (escaped as HTML, not rewritten).
        page = client.get(reverse("meetings:document", args=[document.pk])).content.decode()
        from django.utils.html import escape

        assert escape(original) in page


def test_meeting_pack_entries_drop_windows_invalid_characters_and_rename_device_names(
    named_papers, client
):
    meeting, _ = named_papers
    response = client.get(reverse("meetings:pack", args=[meeting.pk]))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert sorted(archive.namelist()) == sorted(HOSTILE_NAMES.values())


# --- If-Match: * (RFC 9110 13.1.1: matches any current version) --- ------------------------------


def test_if_match_star_matches_the_current_milestone(client_for, secretariat):
    milestone = MilestoneFactory(code="A")
    response = client_for(secretariat).patch(
        f"/api/v1/milestones/{milestone.pk}/", {"progress": 40},
        content_type="application/json", HTTP_IF_MATCH="*")
    assert response.status_code == 200, response.content
    milestone.refresh_from_db()
    assert milestone.progress == 40


def test_if_match_star_matches_the_current_meeting(client_for, secretariat):
    meeting = MeetingFactory()
    version = meeting.version
    client = client_for(secretariat)
    response = client.patch(f"/api/v1/meetings/{meeting.pk}/", {"city": "Hanoi"},
                            content_type="application/json", HTTP_IF_MATCH="*")
    assert response.status_code == 200, response.content
    meeting.refresh_from_db()
    assert (meeting.city, meeting.version) == ("Hanoi", version + 1)
    # A list matches when one of its tags does; a list of other versions is stale.
    response = client.patch(f"/api/v1/meetings/{meeting.pk}/", {"city": "Hue"},
                            content_type="application/json",
                            HTTP_IF_MATCH=f'"{version}", "{meeting.version}"')
    assert response.status_code == 200, response.content
    response = client.patch(f"/api/v1/meetings/{meeting.pk}/", {"city": "Da Nang"},
                            content_type="application/json", HTTP_IF_MATCH=f'"{version}"')
    assert response.status_code == 412


# The record's decisions and action items: tests/records/test_api.py::
# test_if_match_star_matches_any_current_version.


# --- HEAD answers where GET does --- -------------------------------------------------------------


def test_head_answers_where_get_does(client_for, secretariat):
    document = DocumentFactory(access_level=AccessLevel.PUBLIC)
    client = client_for(secretariat)
    for url in [reverse("meetings:download", args=[document.pk]),
                reverse("meetings:version_download", args=[document.pk, 1]),
                reverse("meetings:pack", args=[document.meeting_id]),
                f"/api/v1/documents/{document.pk}/download/",
                f"/api/v1/documents/{document.pk}/",
                "/consultations/calendar.ics"]:
        get = client.get(url)
        head = client.head(url)
        assert head.status_code == get.status_code == 200, (url, head.status_code)
        assert head["Content-Type"] == get["Content-Type"], url
        body = b"".join(head.streaming_content) if head.streaming else head.content
        assert body == b"", url


# --- API errors are JSON everywhere under /api/ --- ----------------------------------------------


@pytest.mark.parametrize(("who", "method", "path", "status"), [
    ("anonymous", "get", "/api/v1/no-such-thing/", 404),
    ("anonymous", "get", "/api/v9/", 404),
    ("anonymous", "get", "/api/", 404),
    ("secretariat", "get", "/api/v1/meetings/2147483647/", 404),
    ("secretariat", "get", "/api/v1/documents/2147483647/download/", 404),
    ("secretariat", "post", "/api/v1/no-such-thing/", 404),
    ("secretariat", "delete", "/api/v1/meetings/", 405),
    ("secretariat", "put", "/api/v1/me/", 405),
    ("anonymous", "get", "/api/v1/me/", 401),
    ("anonymous", "post", "/api/v1/documents/", 401),
    ("anonymous", "get", "/api/v1/meetings/?body=%00", 400),
])
def test_api_errors_are_json_everywhere_under_api(who, method, path, status, personas,
                                                  client_for):
    response = getattr(client_for(personas[who]), method)(path)
    assert response.status_code == status, (path, response.status_code)
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    assert "detail" in response.json()


# --- Throttles where cost or enumeration lives --- -----------------------------------------------


def test_password_reset_is_throttled_per_address(client, db):
    rate = _rate("password_reset")
    statuses = [client.post("/accounts/password_reset/", {"email": f"nobody{i}@example.org"},
                            REMOTE_ADDR="198.51.100.7").status_code for i in range(rate + 1)]
    assert statuses == [302] * rate + [429]
    # Another address has its own allowance.
    assert client.post("/accounts/password_reset/", {"email": "x@example.org"},
                       REMOTE_ADDR="198.51.100.8").status_code == 302


def test_password_reset_is_throttled_per_account_silently(client, db):
    """From rotating addresses, one account gets at most its allowance of emails; later
    requests look the same (no 429 that would tell a stranger the address exists) and send
    nothing."""
    user = make_person("reset.me", Role.DELEGATE, administration=AdministrationFactory(code="ID"))
    rate = _rate("password_reset_account")
    for i in range(rate + 3):
        response = client.post("/accounts/password_reset/", {"email": user.email.upper()},
                               REMOTE_ADDR=f"203.0.113.{i + 1}")
        assert response.status_code == 302
        assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == rate


@pytest.mark.parametrize("url", [
    "/consultations/calendar.ics",
    "/meetings/calendar.ics",
    "/consultations/{pk}/event.ics",
    "/consultations/feeds/not-a-token/calendar.ics",
    "/bilaterals/feeds/not-a-token/calendar.ics",
])
def test_every_calendar_file_is_throttled_per_client(url, client, db):
    """Each .ics is built from the database on request, and the private feeds' tokens must
    not be guessable at full speed: 60 a minute per client, then 429, whatever the answer."""
    from tests.consultations.factories import ConsultationFactory

    consultation = ConsultationFactory()
    url = url.format(pk=consultation.pk)
    rate = _rate("consultation_feeds")
    statuses = [client.get(url, REMOTE_ADDR="198.51.100.9").status_code
                for _ in range(rate + 1)]
    assert statuses[-1] == 429, url
    assert set(statuses[:rate]) <= {200, 404} and 429 not in statuses[:rate], statuses
    assert client.get(url, REMOTE_ADDR="198.51.100.10").status_code != 429


def test_search_is_throttled_per_person(client_for, delegate, delegate_b):
    client = client_for(delegate)
    rate = _rate("search")
    statuses = [client.get("/meetings/search/", {"q": f"customs {i}"}).status_code
                for i in range(rate + 1)]
    assert statuses == [200] * rate + [429]
    assert client_for(delegate_b).get("/meetings/search/", {"q": "customs"}).status_code == 200


def test_uploads_are_throttled_per_person(client_for, chair, dg_meeting, secretariat):
    client = client_for(chair)
    rate = _rate("uploads")
    url = reverse("meetings:upload", args=[dg_meeting.pk])
    # An empty form is refused (400) but counts: each POST costs the parser.
    statuses = [client.post(url, {}).status_code for _ in range(rate)]
    assert set(statuses) == {400}
    assert client.post(url, {}).status_code == 429
    api = client.post("/api/v1/documents/", {"meeting": dg_meeting.pk})
    assert api.status_code == 429
    assert client_for(secretariat).post(url, {}).status_code == 400


def test_the_meeting_pack_is_throttled_per_person(client_for, delegate, delegate_b):
    meeting = DocumentFactory(access_level=AccessLevel.PUBLIC).meeting
    url = reverse("meetings:pack", args=[meeting.pk])
    client = client_for(delegate)
    rate = _rate("pack")
    statuses = [client.get(url).status_code for _ in range(rate + 1)]
    assert statuses == [200] * rate + [429]
    assert client_for(delegate_b).get(url).status_code == 200


# --- The public page cache and the Host header --- -----------------------------------------------


def test_a_forged_host_cannot_poison_the_public_page_cache(client, db):
    """The schedule page carries absolute feed links built from the request's host. A page
    built for one host is never served for another, a host outside ALLOWED_HOSTS is a 400
    (and caches nothing), and ``X-Forwarded-Host`` is not read."""
    first = client.get("/consultations/", HTTP_HOST="localhost")
    assert first.status_code == 200
    assert "http://localhost/consultations/" in first.content.decode()
    other = client.get("/consultations/", HTTP_HOST="testserver")
    assert "http://testserver/consultations/" in other.content.decode()
    assert "http://localhost/" not in other.content.decode()
    assert client.get("/consultations/", HTTP_HOST="evil.example").status_code == 400
    forged = client.get("/consultations/", HTTP_HOST="testserver",
                        HTTP_X_FORWARDED_HOST="evil.example")
    assert "evil.example" not in forged.content.decode()
    again = client.get("/consultations/", HTTP_HOST="localhost")
    assert "evil.example" not in again.content.decode()
    assert "http://testserver/" not in again.content.decode()
