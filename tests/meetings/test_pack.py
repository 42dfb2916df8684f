"""The meeting pack: a streamed ZIP of exactly the papers the viewer may read."""

import io
import zipfile

import pytest
from django.urls import reverse

from meetings.models import DownloadLog
from tests.meetings.factories import AgendaItemFactory, DocumentFactory
from tests.meetings.test_access import SEES


def _pack(client, meeting):
    response = client.get(reverse("meetings:pack", args=[meeting.pk]))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.parametrize("who", list(SEES))
def test_pack_holds_only_what_the_role_may_read(who, personas, papers, meeting, client_for):
    archive = _pack(client_for(personas[who]), meeting)

    assert {n.split(" paper")[0] for n in archive.namelist()} == SEES[who]
    for name in archive.namelist():
        assert archive.read(name).startswith(b"%PDF-")
    assert archive.testzip() is None


def test_pack_holds_the_latest_version_named_by_agenda_item(meeting, secretariat, client_for):
    from tests.meetings.factories import add_version

    item = AgendaItemFactory(meeting=meeting, position=3)
    document = DocumentFactory(meeting=meeting, agenda_item=item, title="Report",
                               file=b"%PDF-1.4 old")
    add_version(document, b"%PDF-1.4 new", "Report v2.pdf")
    archive = _pack(client_for(secretariat), meeting)

    assert archive.namelist() == ["Item 3 - Report v2.pdf"]
    assert archive.read("Item 3 - Report v2.pdf") == b"%PDF-1.4 new"


def test_same_file_names_do_not_collide(meeting, secretariat, client_for):
    DocumentFactory(meeting=meeting, title="A", file__filename="agenda.pdf")
    DocumentFactory(meeting=meeting, title="B", file__filename="agenda.pdf")
    assert len(set(_pack(client_for(secretariat), meeting).namelist())) == 2


def test_pack_downloads_are_logged_per_file(papers, meeting, delegate, client_for):
    _pack(client_for(delegate), meeting)
    assert DownloadLog.objects.filter(channel="pack", user=delegate).count() == 3
