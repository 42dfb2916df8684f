"""Authoring pages: create a meeting with the ordinal proposed and a zone of the host, edit
with a version (409 on a concurrent save), papers edited and withdrawn; query counts pinned
(constant in the number of sessions, items and administrations)."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings import authoring
from meetings.models import Document, Meeting
from tests.factories import AdministrationFactory
from tests.meetings.factories import DocumentFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_create_proposes_the_ordinal_and_offers_the_hosts_zones(client_for, chair, meeting):
    client = client_for(chair)
    page = client.get(reverse("meetings:create"), {"body": "DG"})
    assert page.status_code == 200
    assert page.context["form"].initial["ordinal"] == meeting.ordinal + 1
    indonesia = AdministrationFactory(code="ID", country="Indonesia", time_zone="Asia/Jakarta")
    response = client.post(reverse("meetings:create"), {
        "body": "DG", "ordinal": 90, "host": indonesia.pk, "time_zone": "Asia/Makassar",
        "start_date": "2027-06-01", "end_date": "2027-06-03", "status": "draft"})
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Meeting.objects.get(ordinal=90)
    assert created.time_zone == "Asia/Makassar" and created.host == indonesia
    form = client.get(reverse("meetings:edit", args=[created.pk])).context["form"]
    labels = dict(form.fields["time_zone"].choices)
    assert labels["Asia/Jakarta"] == "Jakarta, UTC+07:00" and "Asia/Jayapura" in labels
    bad = client.post(reverse("meetings:create"), {
        "body": "DG", "ordinal": 90, "start_date": "2027-06-03", "end_date": "2027-06-01",
        "time_zone": "Asia/Jakarta", "status": "draft"})
    assert bad.status_code == 400
    assert set(bad.context["form"].errors) >= {"ordinal", "end_date"}


def test_a_concurrent_edit_is_detected(client_for, secretariat, meeting):
    client = client_for(secretariat)
    data = {"ordinal": meeting.ordinal, "start_date": "2024-06-04", "end_date": "2024-06-06",
            "time_zone": "Asia/Ho_Chi_Minh", "status": "draft", "city": "Phu Quoc",
            "version": meeting.version}
    assert client.post(reverse("meetings:edit", args=[meeting.pk]), data).status_code == 302
    stale = client.post(reverse("meetings:edit", args=[meeting.pk]), {**data, "city": "Hanoi"})
    assert stale.status_code == 409
    assert Meeting.objects.get(pk=meeting.pk).city == "Phu Quoc"


def test_papers_are_edited_and_withdrawn_from_the_document_page(client_for, chair, delegate,
                                                               meeting):
    paper = DocumentFactory(meeting=meeting, access_level="members", title="Draft report")
    client = client_for(chair)
    assert client.get(reverse("meetings:document_edit", args=[paper.pk])).status_code == 200
    assert client_for(delegate).get(
        reverse("meetings:document_edit", args=[paper.pk])).status_code == 403
    client = client_for(chair)
    response = client.post(reverse("meetings:document_edit", args=[paper.pk]), {
        "title": "Report of the CCC", "kind": "report", "access_level": "public",
        "embargo_level": "members"})
    assert response.status_code == 302
    assert Document.objects.get(pk=paper.pk).title == "Report of the CCC"
    client.post(reverse("meetings:document_withdraw", args=[paper.pk]), {"reason": "Superseded"})
    paper.refresh_from_db()
    assert paper.withdrawn_at and paper.withdrawn_reason == "Superseded"
    listing = client_for(delegate).get(reverse("meetings:detail", args=[meeting.pk]))
    assert "Report of the CCC" not in listing.content.decode()
    assert paper.versions.exists()  # kept in the record


@pytest.mark.parametrize("rows", [2, 25])
def test_authoring_pages_query_counts_are_constant(client_for, secretariat, rows,
                                                   django_assert_max_num_queries):
    meeting = MeetingFactory(start_date=dt.date(2027, 6, 1), end_date=dt.date(2027, 6, 3),
                             time_zone="Asia/Brunei")
    for n in range(rows):
        AdministrationFactory(code=f"Q{chr(65 + n)}", country=f"Country {n:02}")
        start = dt.datetime(2027, 6, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=n)
        authoring.session_create(actor=secretariat, meeting=meeting, title=f"Session {n}",
                                 starts_at=start, ends_at=start + dt.timedelta(minutes=30))
        parent = authoring.agenda_item_create(actor=secretariat, meeting=meeting,
                                              title=f"Item {n}", visibility="public")
        authoring.agenda_item_create(actor=secretariat, meeting=meeting, title=f"Sub {n}",
                                     parent_id=parent.pk, visibility="members")
    client = client_for(secretariat)
    # session, user, meeting (+ host names), chair terms, items (+ parents), session save (3)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("meetings:agenda_edit", args=[meeting.pk])).status_code == 200
    # ... + sessions, and the timetable's sessions
    with django_assert_max_num_queries(10):
        assert client.get(reverse("meetings:sessions", args=[meeting.pk])).status_code == 200
    # ... + administrations with names, delegations with their members
    with django_assert_max_num_queries(11):
        assert client.get(reverse("meetings:nominations", args=[meeting.pk])
                          ).status_code == 200
    # the meeting page: agenda tree, papers, delegations, consultations panel...
    with django_assert_max_num_queries(20):
        assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200
