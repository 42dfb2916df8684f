"""Query counts do not grow with rows (QUALITY T24). Bounds are measured, with the list of
expected queries beside each. Every logged-in request also costs the session read, the user
joined to its profile, and the session-lifetime middleware's update in a savepoint (3 queries)."""

import pytest
from django.db import connection
from django.db.models import FETCH_RAISE
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import selectors
from meetings.api import DocumentSerializer, MeetingSerializer
from meetings.models import Meeting
from tests.meetings.factories import (
    AgendaItemFactory,
    DocumentFactory,
    MeetingFactory,
    make_head_of_delegation,
)


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _meetings(n, host):
    return [MeetingFactory(host=host) for _ in range(n)]


def _papers(meeting, n):
    items = [AgendaItemFactory(meeting=meeting) for _ in range(3)]
    return [
        DocumentFactory(meeting=meeting, agenda_item=items[i % 3], access_level="members")
        for i in range(n)
    ]


@pytest.fixture
def head(delegate):
    """A delegate who heads a delegation somewhere: the visibility rule's subquery is active."""
    make_head_of_delegation(MeetingFactory(), delegate)
    return delegate


def test_meeting_list_page(client_for, head, vietnam, django_assert_max_num_queries):
    # session, user+profile, bodies, upcoming meetings with body and host, their host names,
    # past meetings, their host names, savepoint + session update + release.
    client = client_for(head)
    _meetings(2, vietnam)
    few = _count(client, reverse("meetings:list"))
    _meetings(48, vietnam)
    with django_assert_max_num_queries(few):
        client.get(reverse("meetings:list"))
    assert few <= 10


def test_meeting_page(client_for, head, meeting, django_assert_max_num_queries, monkeypatch):
    # Sections other apps register carry their own query pins.
    monkeypatch.setattr("meetings.panels._sections", [])
    # session, user+profile, meeting with body and host, host names, agenda items, their
    # visible papers, the meeting's papers, delegations, their members, their administrations'
    # names, sessions, savepoint + session update + release; the chair terms the viewer's
    # administration holds now (may it prepare this meeting?); the viewer's delegation for
    # the bilaterals link.
    make_head_of_delegation(meeting, head)
    client = client_for(head)
    url = reverse("meetings:detail", args=[meeting.pk])
    _papers(meeting, 2)
    few = _count(client, url)
    _papers(meeting, 48)
    with django_assert_max_num_queries(few):
        client.get(url)
    assert few <= 15


def test_document_page(client_for, secretariat, meeting, django_assert_max_num_queries):
    # session, user+profile, document with meeting, body, agenda item and current version,
    # versions with uploader, download log with users and versions, milestones citing it
    # with their bodies, milestones offered for evidence with their bodies, session update (3).
    from meetings.models import MilestoneEvidenceDocument
    from tests.meetings.factories import add_version
    from tests.workgroups.factories import MilestoneFactory

    document = DocumentFactory(meeting=meeting)
    for i in range(20):
        add_version(document, b"%PDF-1.4 x", f"v{i}.pdf")
    for _ in range(30):
        MilestoneEvidenceDocument.objects.create(milestone=MilestoneFactory(), document=document)
        MilestoneFactory()
    client = client_for(secretariat)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("meetings:document", args=[document.pk]))
    assert len(response.context["evidence_links"]) == 30


def test_meeting_pack(client_for, head, meeting, django_assert_max_num_queries):
    # session, user+profile, meeting, papers with their versions, one bulk insert of log
    # rows, session update (3).
    _papers(meeting, 30)
    client = client_for(head)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("meetings:pack", args=[meeting.pk]))
        b"".join(response.streaming_content)


def test_api_meetings(client_for, head, vietnam, django_assert_max_num_queries):
    # session, user+profile, count, meetings with body and host, host names, session update
    # (3).
    client = client_for(head)
    _meetings(2, vietnam)
    few = _count(client, "/api/v1/meetings/")
    _meetings(48, vietnam)
    with django_assert_max_num_queries(few):
        assert len(client.get("/api/v1/meetings/").json()["results"]) == 50
    assert few <= 8


def test_api_documents(client_for, head, meeting, django_assert_max_num_queries):
    # session, user+profile, count, documents with their latest version (the head-of-
    # delegation rule is a subquery of the same statement), session update (3).
    client = client_for(head)
    _papers(meeting, 2)
    few = _count(client, "/api/v1/documents/")
    _papers(meeting, 48)
    with django_assert_max_num_queries(few):
        assert len(client.get("/api/v1/documents/").json()["results"]) == 50
    assert few <= 7


def test_list_querysets_fetch_nothing_lazily(head, meeting, vietnam, rf):
    """With FETCH_RAISE, any relation a serializer or template reaches lazily would raise."""
    meeting.host = vietnam
    meeting.save()
    _papers(meeting, 3)
    request = rf.get("/")
    request.user = head
    documents = selectors.documents_visible_to(head).fetch_mode(FETCH_RAISE)
    assert len(DocumentSerializer(documents, many=True, context={"request": request}).data) == 3
    meetings = Meeting.objects.with_related().fetch_mode(FETCH_RAISE)
    assert MeetingSerializer(meetings, many=True).data
    for document in documents:
        str(document.agenda_item.number)
