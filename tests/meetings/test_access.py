"""The access matrix: each role, each access level; list, detail and download (QUALITY T5)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from meetings.models import AccessLevel, Document
from tests.meetings.factories import DocumentFactory, MeetingFactory, make_head_of_delegation

PUBLIC, PARTNERS, MEMBERS, RESTRICTED = AccessLevel.values

SEES = {
    "anonymous": {PUBLIC},
    "partner": {PUBLIC, PARTNERS},
    "partner_b": {PUBLIC, PARTNERS},
    "delegate": {PUBLIC, PARTNERS, MEMBERS},
    "delegate_b": {PUBLIC, PARTNERS, MEMBERS},
    "chair": {PUBLIC, PARTNERS, MEMBERS},
    "secretariat": {PUBLIC, PARTNERS, MEMBERS, RESTRICTED},
}
MATRIX = [(who, level) for who in SEES for level in AccessLevel.values]


@pytest.mark.parametrize(("who", "level"), MATRIX)
def test_detail_and_download_follow_the_access_level(who, level, personas, papers, client_for):
    client = client_for(personas[who])
    document = papers[level]
    allowed = level in SEES[who]

    detail = client.get(reverse("meetings:document", args=[document.pk]))
    download = client.get(reverse("meetings:download", args=[document.pk]))
    version = client.get(reverse("meetings:version_download", args=[document.pk, 1]))

    expected = 200 if allowed else 404  # 404, not 403: no hint that the paper exists
    assert (detail.status_code, download.status_code, version.status_code) == (expected,) * 3
    if allowed:
        assert b"".join(download.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize("who", list(SEES))
def test_meeting_page_lists_only_the_papers_the_viewer_may_read(who, personas, papers,
                                                                client_for):
    url = reverse("meetings:detail", args=[papers[PUBLIC].meeting_id])
    page = client_for(personas[who]).get(url)

    assert page.status_code == 200
    shown = {level for level in AccessLevel.values if f"{level} paper" in page.text}
    assert shown == SEES[who]


@pytest.mark.parametrize("who", [w for w in SEES if w != "anonymous"])
def test_api_list_and_detail_follow_the_access_level(who, personas, papers, client_for):
    client = client_for(personas[who])

    listed = client.get("/api/v1/documents/").json()["results"]
    assert {d["access_level"] for d in listed} == SEES[who]
    for level, document in papers.items():
        detail = client.get(f"/api/v1/documents/{document.pk}/")
        download = client.get(f"/api/v1/documents/{document.pk}/download/")
        expected = 200 if level in SEES[who] else 404
        assert (detail.status_code, download.status_code) == (expected, expected)


def test_api_refuses_anonymous_callers(client, papers):
    assert client.get("/api/v1/documents/").status_code in {401, 403}
    assert client.get(f"/api/v1/documents/{papers[PUBLIC].pk}/download/").status_code in {401, 403}


def test_restricted_paper_is_never_served_to_a_partner_or_anonymous(papers, partner, client_for):
    restricted = papers[RESTRICTED]
    for user in (None, partner):
        client = client_for(user)
        for url in (
            reverse("meetings:download", args=[restricted.pk]),
            reverse("meetings:version_download", args=[restricted.pk, 1]),
            reverse("meetings:document", args=[restricted.pk]),
        ):
            response = client.get(url)
            assert response.status_code == 404
            assert b"%PDF" not in response.content


def test_head_of_delegation_reads_restricted_papers_of_their_own_meeting_only(
    delegate, client_for
):
    own, other = MeetingFactory(), MeetingFactory()
    own_paper = DocumentFactory(meeting=own, access_level=RESTRICTED)
    other_paper = DocumentFactory(meeting=other, access_level=RESTRICTED)
    make_head_of_delegation(own, delegate)
    client = client_for(delegate)

    assert client.get(reverse("meetings:download", args=[own_paper.pk])).status_code == 200
    assert client.get(reverse("meetings:download", args=[other_paper.pk])).status_code == 404
    assert set(Document.objects.visible_to(delegate)) == {own_paper}


def test_a_plain_delegate_of_the_same_meeting_does_not_read_restricted_papers(
    delegate, delegate_b
):
    meeting = MeetingFactory()
    paper = DocumentFactory(meeting=meeting, access_level=RESTRICTED)
    make_head_of_delegation(meeting, delegate)

    assert paper in Document.objects.visible_to(delegate)
    assert paper not in Document.objects.visible_to(delegate_b)


def test_joint_media_statement_is_members_only_until_release_then_public(meeting, client_for,
                                                                        partner, delegate):
    release = dt.datetime(2024, 6, 6, 10, 0, tzinfo=dt.UTC)
    statement = DocumentFactory(
        meeting=meeting, title="Joint Media Statement", kind=Document.Kind.JOINT_MEDIA_STATEMENT,
        access_level=PUBLIC, embargo_until=release, embargo_level=MEMBERS,
    )
    url = reverse("meetings:download", args=[statement.pk])

    with time_machine.travel(release - dt.timedelta(minutes=1), tick=False):
        assert client_for(None).get(url).status_code == 404
        assert client_for(partner).get(url).status_code == 404
        assert client_for(delegate).get(url).status_code == 200
        assert statement.effective_level() == MEMBERS
    with time_machine.travel(release, tick=False):
        assert client_for(None).get(url).status_code == 200
        assert statement.effective_level() == PUBLIC


def test_embargo_never_loosens_a_stricter_level(meeting, delegate):
    paper = DocumentFactory(
        meeting=meeting, access_level=RESTRICTED,
        embargo_until=dt.datetime(2099, 1, 1, tzinfo=dt.UTC), embargo_level=PUBLIC,
    )
    assert paper.effective_level() == RESTRICTED
    assert paper not in Document.objects.visible_to(delegate)


def test_secretariat_only_agenda_items_are_hidden_from_members(meeting, delegate, secretariat,
                                                              client_for):
    from tests.meetings.factories import AgendaItemFactory

    AgendaItemFactory(meeting=meeting, title="Closed briefing", visibility="secretariat")
    AgendaItemFactory(meeting=meeting, title="Members item", visibility="members")
    AgendaItemFactory(meeting=meeting, title="Opening", visibility="public")
    url = reverse("meetings:detail", args=[meeting.pk])

    assert "Closed briefing" not in client_for(delegate).get(url).text
    assert "Members item" in client_for(delegate).get(url).text
    anonymous = client_for(None).get(url).text
    assert "Opening" in anonymous and "Members item" not in anonymous
    assert "Closed briefing" in client_for(secretariat).get(url).text


def test_unknown_ids_are_404(client_for, secretariat):
    client = client_for(secretariat)
    assert client.get(reverse("meetings:document", args=[999999])).status_code == 404
    assert client.get(reverse("meetings:detail", args=[999999])).status_code == 404
    assert client.get(reverse("meetings:version_download", args=[999999, 1])).status_code == 404


def test_api_document_fields_are_read_only(papers, secretariat, client_for):
    """PATCH/PUT are not offered: the record changes only through uploads and services."""
    document = papers[MEMBERS]
    client = client_for(secretariat)
    response = client.patch(
        f"/api/v1/documents/{document.pk}/", {"access_level": "public"},
        content_type="application/json",
    )
    assert response.status_code == 405
    document.refresh_from_db()
    assert document.access_level == MEMBERS


def test_a_stale_head_of_delegation_link_opens_nothing_once_the_role_changes(delegate):
    meeting = MeetingFactory()
    paper = DocumentFactory(meeting=meeting, access_level=RESTRICTED)
    make_head_of_delegation(meeting, delegate)
    delegate.is_active = False
    delegate.save()
    assert paper not in Document.objects.visible_to(delegate)
