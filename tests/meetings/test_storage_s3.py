"""Papers in an S3-compatible bucket (moto's server on loopback): upload, download, pack,
text extraction, access refused, and the bucket kept private.

Delivery choice: papers are streamed from the bucket through the portal after its own access
check; no signed bucket URL is ever handed out, so there is no link that outlives the check.
"""

import io
import tracemalloc
import urllib.error
import urllib.request
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings import samples, services
from meetings.models import AccessLevel, Document
from tests.meetings.factories import DocumentFactory


def _keys(moto_server, bucket) -> set[str]:
    listing = moto_server.client().list_objects_v2(Bucket=bucket)
    return {item["Key"] for item in listing.get("Contents", [])}


def test_settings_choose_the_bucket_only_when_configured():
    from django.core.exceptions import ImproperlyConfigured

    from secretariat.env import parse_storage_url

    assert parse_storage_url("")["BACKEND"].endswith("FileSystemStorage")
    s3 = parse_storage_url("s3://papers/portal?endpoint_url=http://minio:9000&region=eu-west-1")
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert {"bucket_name": "papers", "location": "portal", "endpoint_url": "http://minio:9000",
            "region_name": "eu-west-1", "default_acl": None}.items() <= s3["OPTIONS"].items()
    assert parse_storage_url("", bucket="papers")["OPTIONS"]["bucket_name"] == "papers"
    for junk in ("papers", "http://papers", "s3://papers?acl=public-read"):
        with pytest.raises(ImproperlyConfigured):
            parse_storage_url(junk)


def test_upload_lands_in_the_private_bucket_not_on_disk(bucket_storage, moto_server, media_root,
                                                        meeting, secretariat):
    document = services.document_create(
        actor=secretariat, meeting=meeting, title="Transit report",
        kind=Document.Kind.WORKING_PAPER,
        access_level=AccessLevel.RESTRICTED,
        file=SimpleUploadedFile("transit.pdf", samples.make_pdf("Transit", ["ACTS"])),
    )
    name = document.current_version.file.name

    assert _keys(moto_server, bucket_storage) == {name}
    assert not any(media_root.rglob("*.pdf"))
    # Private: only the owner is granted anything, and an anonymous GET is refused.
    grants = moto_server.client().get_object_acl(Bucket=bucket_storage, Key=name)["Grants"]
    assert [g["Grantee"]["Type"] for g in grants] == ["CanonicalUser"]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{moto_server.url}/{bucket_storage}/{name}")  # noqa: S310
    assert refused.value.code == 403


def test_download_streams_from_the_bucket_after_the_access_check(bucket_storage, meeting,
                                                                 client_for, secretariat,
                                                                 delegate):
    content = samples.make_pdf("Restricted annex", ["seizures"])
    document = DocumentFactory(meeting=meeting, access_level=AccessLevel.RESTRICTED, file=content)
    url = reverse("meetings:download", args=[document.pk])

    allowed = client_for(secretariat).get(url)
    assert allowed.status_code == 200
    assert allowed.streaming and "Location" not in allowed  # the bytes, never a bucket link
    assert allowed["Content-Length"] == str(len(content))
    assert allowed["Content-Security-Policy"] == "sandbox"
    assert b"".join(allowed.streaming_content) == content

    # A delegate may not read restricted papers: 404, and nothing about the bucket leaks.
    refused = client_for(delegate).get(url)
    assert refused.status_code == 404
    assert "Location" not in refused
    assert bucket_storage.encode() not in refused.content


def test_download_of_a_large_paper_holds_one_chunk_not_the_file(bucket_storage, meeting,
                                                               client_for, secretariat):
    size = 16 * 1024 * 1024
    document = DocumentFactory(meeting=meeting, access_level=AccessLevel.MEMBERS,
                               file=b"%PDF-1.4\n" + b"\0" * (size - 9))
    client = client_for(secretariat)

    tracemalloc.start()
    try:
        response = client.get(reverse("meetings:download", args=[document.pk]))
        received = sum(len(chunk) for chunk in response.streaming_content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert received == size
    assert peak < 4 * 1024 * 1024, f"peak {peak} bytes for a {size}-byte paper"


def test_meeting_pack_streams_every_paper_from_the_bucket(bucket_storage, papers, meeting,
                                                          client_for, secretariat):
    response = client_for(secretariat).get(reverse("meetings:pack", args=[meeting.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))

    assert len(archive.namelist()) == len(AccessLevel.values)
    for level, document in papers.items():
        with default_storage.open(document.current_version.file.name) as stored:
            assert archive.read(f"{level} paper.pdf") == stored.read()


def test_text_extraction_reads_from_the_bucket(bucket_storage, meeting):
    pdf = DocumentFactory(meeting=meeting, file=samples.make_pdf("Plan", ["ACTS transit live"]))
    docx = DocumentFactory(meeting=meeting, file=samples.make_docx("Annex", ["AEO mutual"]),
                           file__filename="annex.docx")

    assert services.document_text_extract(document_id=pdf.pk)
    assert services.document_text_extract(document_id=docx.pk)
    pdf.refresh_from_db()
    docx.refresh_from_db()
    assert "ACTS transit live" in pdf.search_text
    assert "AEO mutual" in docx.search_text


def test_a_paper_missing_from_the_bucket_is_a_404_not_a_500(bucket_storage, moto_server, meeting,
                                                            client_for, secretariat):
    document = DocumentFactory(meeting=meeting, access_level=AccessLevel.MEMBERS)
    moto_server.client().delete_object(Bucket=bucket_storage,
                                       Key=document.current_version.file.name)
    response = client_for(secretariat).get(reverse("meetings:download", args=[document.pk]))
    assert response.status_code == 404
