"""Versions keep history; the document's link gives the latest; adopted minutes are locked."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings import samples, services
from meetings.models import Document
from tests.meetings.factories import DocumentFactory


def _pdf(text):
    return ContentFile(samples.make_pdf(text), name="minutes.pdf")


def test_new_version_keeps_the_old_and_the_link_gives_the_latest(meeting, secretariat,
                                                                  client_for):
    document = DocumentFactory(meeting=meeting, file=samples.make_pdf("First draft"))
    services.document_version_add(actor=secretariat, document=document, file=_pdf("Second"))

    client = client_for(secretariat)
    latest = b"".join(
        client.get(reverse("meetings:download", args=[document.pk])).streaming_content
    )
    first = b"".join(client.get(
        reverse("meetings:version_download", args=[document.pk, 1])).streaming_content)
    assert b"Second" in latest and b"First draft" in first
    assert list(document.versions.values_list("number", flat=True)) == [2, 1]
    document.refresh_from_db()
    assert document.current_version.number == 2


def test_adopted_minutes_need_a_reason_for_a_correction(meeting, secretariat):
    minutes = DocumentFactory(meeting=meeting, kind=Document.Kind.MINUTES)
    services.minutes_adopt(actor=secretariat, document=minutes)
    minutes.refresh_from_db()
    assert minutes.is_locked

    with pytest.raises(ValidationError) as refusal:
        services.document_version_add(actor=secretariat, document=minutes, file=_pdf("edit"))
    assert "reason" in refusal.value.message_dict
    assert minutes.versions.count() == 1

    version = services.document_version_add(
        actor=secretariat, document=minutes, file=_pdf("corrected"),
        reason="Correction of the attendance list (Timor-Leste as observer)",
    )
    assert version.number == 2 and version.reason.startswith("Correction")


def test_draft_minutes_take_new_versions_without_a_reason(meeting, chair):
    minutes = DocumentFactory(meeting=meeting, kind=Document.Kind.MINUTES)
    services.document_version_add(actor=chair, document=minutes, file=_pdf("v2"))
    assert minutes.versions.count() == 2


def test_only_minutes_are_adopted_and_only_by_editors(meeting, secretariat, delegate):
    paper = DocumentFactory(meeting=meeting, kind=Document.Kind.REPORT)
    with pytest.raises(ValidationError):
        services.minutes_adopt(actor=secretariat, document=paper)
    minutes = DocumentFactory(meeting=meeting, kind=Document.Kind.MINUTES)
    with pytest.raises(PermissionDenied):
        services.minutes_adopt(actor=delegate, document=minutes)


def test_version_upload_page_refuses_a_correction_without_reason(meeting, secretariat,
                                                                 client_for):
    minutes = DocumentFactory(meeting=meeting, kind=Document.Kind.MINUTES)
    client = client_for(secretariat)
    client.post(reverse("meetings:adopt", args=[minutes.pk]))

    response = client.post(reverse("meetings:version_upload", args=[minutes.pk]),
                           {"file": SimpleUploadedFile("m.pdf", samples.make_pdf("x"))})
    assert response.status_code == 400
    assert "needs a reason" in response.context["version_form"].errors["reason"][0]

    response = client.post(reverse("meetings:version_upload", args=[minutes.pk]),
                           {"file": SimpleUploadedFile("m.pdf", samples.make_pdf("x")),
                            "reason": "Typo in item 3"})
    assert response.status_code == 302
    assert minutes.versions.count() == 2


@pytest.mark.parametrize("who", ["delegate", "partner"])
def test_non_editors_cannot_add_versions_or_adopt(who, personas, meeting, client_for):
    minutes = DocumentFactory(meeting=meeting, kind=Document.Kind.MINUTES, access_level="public")
    client = client_for(personas[who])
    response = client.post(reverse("meetings:version_upload", args=[minutes.pk]),
                           {"file": SimpleUploadedFile("m.pdf", samples.make_pdf("x"))})
    assert response.status_code == 403
    assert client.post(reverse("meetings:adopt", args=[minutes.pk])).status_code == 403
    minutes.refresh_from_db()
    assert (minutes.versions.count(), minutes.minutes_state) == (1, "draft")


def test_sha256_and_size_are_recorded(meeting, secretariat):
    import hashlib

    content = samples.make_pdf("Checksum")
    document = services.document_create(
        actor=secretariat, meeting=meeting, title="Checksum", kind="report",
        access_level="members", file=ContentFile(content, name="c.pdf"),
    )
    version = document.current_version
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert version.size == len(content)
    assert version.uploaded_by == secretariat


def test_api_new_version_and_the_minutes_lock(meeting, secretariat, delegate, client_for):
    minutes = DocumentFactory(meeting=meeting, kind=Document.Kind.MINUTES)
    services.minutes_adopt(actor=secretariat, document=minutes)
    url = f"/api/v1/documents/{minutes.pk}/versions/"

    def post(client, **extra):
        return client.post(url, {"file": SimpleUploadedFile("m.pdf", samples.make_pdf("v")),
                                 **extra})

    assert post(client_for(delegate)).status_code == 403
    client = client_for(secretariat)
    refused = post(client)
    assert refused.status_code == 400 and "reason" in refused.json()
    accepted = post(client, reason="Attendance list corrected")
    assert accepted.status_code == 201
    assert accepted.json()["version"] == 2
    assert client.post(url, {"file": SimpleUploadedFile("m.pdf", b"MZ")}).status_code == 400
