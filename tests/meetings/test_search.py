"""Search across meetings, agenda items and document text, respecting access."""

import pytest
from django.db import connection
from django.urls import reverse

from meetings import samples, selectors, services
from tests.meetings.factories import AgendaItemFactory, DocumentFactory


@pytest.fixture
def indexed(meeting):
    """Two papers whose text (not title) mentions the transit system, extracted as after upload."""
    public = DocumentFactory(meeting=meeting, access_level="public", title="Opening remarks",
                             file=samples.make_pdf("Remarks", ["ACTS transit went live"]))
    restricted = DocumentFactory(meeting=meeting, access_level="restricted",
                                 title="Enforcement annex",
                                 file=samples.make_docx("Annex", ["ACTS transit seizures"]),
                                 file__filename="annex.docx")
    for document in (public, restricted):
        assert services.document_text_extract(document_id=document.pk)
    return public, restricted


def test_extraction_fills_the_search_columns(indexed):
    public, restricted = indexed
    public.refresh_from_db()
    restricted.refresh_from_db()
    assert "ACTS transit went live" in public.search_text
    assert "ACTS transit seizures" in restricted.search_text
    if connection.vendor == "postgresql":
        assert public.search_vector


def test_search_finds_text_inside_documents_respecting_access(indexed, delegate, secretariat,
                                                              client_for):
    public, restricted = indexed
    assert {d.pk for d in selectors.search(secretariat, "transit").documents} == {
        public.pk, restricted.pk
    }
    assert [d.pk for d in selectors.search(delegate, "transit").documents] == [public.pk]
    page = client_for(None).get(reverse("meetings:search"), {"q": "transit"})
    assert "Opening remarks" in page.text and "Enforcement annex" not in page.text


def test_search_uses_the_gin_index_on_postgresql(indexed):
    if connection.vendor != "postgresql":
        pytest.skip("full-text search is PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM meetings_document "
            "WHERE search_vector @@ websearch_to_tsquery('english', 'transit')"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "meetings_document_search_vector_gin" in plan


def test_agenda_items_in_search_respect_visibility(meeting, delegate, secretariat):
    AgendaItemFactory(meeting=meeting, title="Closed briefing on transit", visibility="secretariat")
    AgendaItemFactory(meeting=meeting, title="Transit report", visibility="members")
    assert len(selectors.search(secretariat, "transit").agenda_items) == 2
    assert [i.title for i in selectors.search(delegate, "transit").agenda_items] == [
        "Transit report"
    ]
    assert selectors.search(None, "transit").agenda_items == []


def test_meetings_are_found_by_city(meeting):
    assert selectors.search(None, "phu quoc").meetings == [meeting]


def test_extraction_job_is_recorded_with_the_upload_and_queued_after_commit(
        meeting, secretariat, django_capture_on_commit_callbacks, monkeypatch):
    from django.core.files.base import ContentFile

    from secretariat.models import Job
    from secretariat.tasks import run_job

    calls = []
    monkeypatch.setattr(run_job, "delay", calls.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = services.document_create(
            actor=secretariat, meeting=meeting, title="T", kind="report", access_level="public",
            file=ContentFile(samples.make_pdf("T"), name="t.pdf"),
        )
        job = Job.objects.get()
        assert (job.name, job.kwargs) == ("meetings.extract_text", {"document_id": document.pk})
    assert calls == []
    for callback in callbacks:
        callback()
    assert calls == [job.pk]


def test_extraction_of_a_missing_document_is_a_no_op(db):
    assert services.document_text_extract(document_id=987654) is False
