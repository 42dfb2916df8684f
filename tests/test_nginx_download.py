"""A 200 MB paper downloaded through the real nginx (deploy/nginx/portal.conf) in front of
gunicorn (issue 15): the app checks access and answers with X-Accel-Redirect, nginx sends the
bytes from disk, and the app worker's memory does not grow with the file.

Given one gunicorn worker behind nginx with FILE_DELIVERY=nginx, a 200 MB members-only paper on
the local disk and a logged-in delegate (via an API token); when the delegate downloads it;
then every byte arrives intact, nginx logs the whole body, the client never sees the internal
header, and the worker's resident memory grew by less than 5 MB.
"""

import hashlib
import http.client
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from meetings.models import AccessLevel, Document, DocumentVersion
from tests.meetings.factories import DocumentFactory, MeetingFactory
from tests.nginx import Gunicorn, Nginx, request_from

SIZE = 200 * 1024 * 1024
CHUNK = 1024 * 1024


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _big_paper(media_root: Path, meeting) -> Document:
    """Written straight to the storage folder: the upload path is not what is measured."""
    name = "documents/ff/big-paper.pdf"
    path = media_root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    block = b"%PDF-1.4\n" + bytes(CHUNK - 9)
    with path.open("wb") as out:
        for n in range(SIZE // CHUNK):
            data = block if n == 0 else bytes(CHUNK)
            out.write(data)
            digest.update(data)
    document = Document.objects.create(meeting=meeting, title="Big annex",
                                       kind=Document.Kind.WORKING_PAPER,
                                       access_level=AccessLevel.MEMBERS)
    version = DocumentVersion.objects.create(
        document=document, number=1, file=name, original_filename="Big annex.pdf",
        sha256=digest.hexdigest(), size=SIZE, content_type="application/pdf",
    )
    document.current_version = version
    document.save(update_fields=["current_version"])
    return document


def _download(url: str, token: str) -> tuple[int, dict, int, str]:
    """Read the body in 1 MB chunks (the test process must not hold 200 MB either)."""
    parts = url.split("/", 3)
    host, port = parts[2].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=120,
                                            source_address=("127.0.0.30", 0))
    try:
        connection.request("GET", "/" + parts[3], headers={"Authorization": f"Token {token}"})
        response = connection.getresponse()
        digest, received = hashlib.sha256(), 0
        while data := response.read(CHUNK):
            digest.update(data)
            received += len(data)
        headers = {k.lower(): v for k, v in response.getheaders()}
        return response.status, headers, received, digest.hexdigest()
    finally:
        connection.close()


@pytest.mark.chaos
def test_a_200_mb_paper_is_sent_by_nginx_not_by_the_app_worker(transactional_db, tmp_path,
                                                              delegate, password):
    media = tmp_path / "media"
    meeting = MeetingFactory()
    document = _big_paper(media, meeting)
    small = DocumentFactory(meeting=meeting, access_level=AccessLevel.MEMBERS)
    (media / small.current_version.file.name).parent.mkdir(parents=True, exist_ok=True)
    (media / small.current_version.file.name).write_bytes(
        (Path(settings.MEDIA_ROOT) / small.current_version.file.name).read_bytes())
    env = {"TRUSTED_PROXIES": "127.0.0.1/32", "FILE_DELIVERY": "nginx", "MEDIA_ROOT": str(media),
           "REDIS_URL": settings.CACHES["default"]["LOCATION"]}

    with Gunicorn(env=env, workers=1) as app, Nginx(upstream=app.address,
                                                    media_root=media) as proxy:
        token = json.loads(request_from(
            "127.0.0.30", proxy.url + "/api/v1/auth/token/", method="POST",
            headers={"Content-Type": "application/json"},
            body=json.dumps({"username": delegate.username, "password": password}),
        ).body)["token"]
        # Warm the worker on the same code path (a small paper), then measure.
        warm = _download(proxy.url + reverse("api:document-download", args=[small.pk]), token)
        assert warm[0] == 200
        (worker,) = app.worker_pids()
        before = _rss_kb(worker)

        status, headers, received, digest = _download(
            proxy.url + reverse("api:document-download", args=[document.pk]), token)
        after = _rss_kb(worker)
        log = proxy.access_log()

    assert status == 200
    assert received == SIZE
    assert digest == document.current_version.sha256
    assert "x-accel-redirect" not in headers  # consumed by nginx, never shown to the client
    # nginx's static-file ETag is "<mtime hex>-<size hex>" of the file on disk: nginx read the
    # file itself (a response streamed by Django carries no ETag at all).
    mtime = int((media / document.current_version.file.name).stat().st_mtime)
    assert headers["etag"] == f'"{mtime:x}-{SIZE:x}"'

    assert headers["content-disposition"].startswith("attachment;")
    assert headers["content-security-policy"] == "sandbox"
    assert headers["cache-control"] == "private, no-store"
    assert any(f"/documents/{document.pk}/download" in line and f" 200 {SIZE}" in line
               for line in log), log[-3:]
    print(f"worker RSS {before} kB -> {after} kB; headers {headers}")
    assert after - before < 5 * 1024, f"worker RSS grew by {after - before} kB"
