"""Exports open with openpyxl and carry no live formula; the download log is a CSV."""

import csv
import io

import pytest
from openpyxl import load_workbook

from meetings.models import DelegationMember
from meetings.records import services
from tests.meetings.factories import DocumentFactory

HOSTILE = '=HYPERLINK("http://evil.example","x")'


@pytest.mark.django_db
def test_xlsx_exports_hold_text_not_formulas(secretariat, built, client_for):
    member = DelegationMember.objects.filter(delegation=built.delegations["MY"]).first()
    member.full_name = HOSTILE
    member.save()
    services.action_item_create(actor=secretariat, decision=built.decisions["1"],
                                text="+SUM(A1:A9)", owner_kind="secretariat",
                                due_date="2024-12-31")
    services.attendance_mark(actor=secretariat, session=built.sessions[0],
                             marks={member.pk: "present"})
    client = client_for(secretariat)
    for name in ("participants.xlsx", "attendance.xlsx", "action-items.xlsx"):
        response = client.get(f"/meetings/{built.meeting.pk}/{name}")
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content))
        cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
        assert cells, name
        assert not [c.coordinate for c in cells if c.data_type == "f"], name
        values = {c.value for c in cells}
        assert (HOSTILE in values) or ("+SUM(A1:A9)" in values), name


@pytest.mark.django_db
def test_action_items_export_follows_visibility(personas, built, client_for):
    book = load_workbook(io.BytesIO(client_for(personas["delegate"]).get(
        f"/meetings/{built.meeting.pk}/action-items.xlsx").content))
    values = {c.value for row in book.active.iter_rows() for c in row}
    assert "Report MEMBERSACTION progress" in values
    assert "Consolidate SECRETACTION figures" not in values


@pytest.mark.django_db
def test_download_log_csv_is_the_secretariats(personas, built, client_for):
    document = DocumentFactory(meeting=built.meeting, title="Paper")
    client = client_for(personas["delegate"])
    client.get(f"/documents/{document.pk}/download/")
    assert client.get(f"/documents/{document.pk}/downloads.csv").status_code == 403
    response = client_for(personas["secretariat"]).get(f"/documents/{document.pk}/downloads.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Downloaded at (UTC)", "User", "Version"]
    assert [r[1] for r in rows[1:]] == ["delegate.a"]
