"""Bulk XLSX round-trip: download, edit, upload, preview, apply; a bad file changes nothing."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.workgroups.factories import MilestoneFactory
from workgroups.models import Milestone
from workgroups.services import milestone_update

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(client, code="CPTFWG"):
    response = client.get(reverse("workgroups:bulk_download", args=[code]))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def upload(client, workbook, comment="Bulk update after the CPTFWG meeting", code="CPTFWG"):
    out = io.BytesIO()
    workbook.save(out)
    return client.post(reverse("workgroups:bulk_upload", args=[code]), {
        "file": SimpleUploadedFile("m.xlsx", out.getvalue(), content_type=XLSX),
        "comment": comment,
    })


def row_of(sheet, code):
    return next(r for r in sheet.iter_rows(min_row=2) if r[1].value == code)


def test_round_trip_preview_then_apply_records_history(client_for, chair):
    a = MilestoneFactory(code="A")
    b = MilestoneFactory(code="B")
    MilestoneFactory(code="C")
    client = client_for(chair)
    workbook = download(client)
    sheet = workbook["Milestones"]
    assert [c.value for c in sheet[1]][:4] == ["ID", "Code", "Title", "Status"]
    row_of(sheet, "A")[3].value = "On track"
    row_of(sheet, "A")[4].value = 25
    row_of(sheet, "B")[4].value = 60
    row_of(sheet, "B")[8].value = "Own comment"
    response = upload(client, workbook)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.counts() == {"change": 2, "conflict": 0, "error": 0, "unchanged": 1}
    assert Milestone.objects.get(pk=a.pk).version == 1  # nothing saved by the preview
    response = client.post(reverse("workgroups:bulk_apply", args=["CPTFWG"]))
    assert response.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.progress, a.version) == ("on_track", 25, 2)
    assert (b.progress, b.version) == (60, 2)
    reasons = set(Milestone.history.filter(history_type="~").values_list(
        "history_change_reason", "history_user__username"))
    assert reasons == {("Bulk update after the CPTFWG meeting", "chair.staff"),
                       ("Own comment", "chair.staff")}
    # Applying the same preview twice is impossible: it was consumed.
    client.post(reverse("workgroups:bulk_apply", args=["CPTFWG"]))
    assert Milestone.history.filter(history_type="~").count() == 2


def test_conflicts_and_errors_are_previewed_and_block_apply(client_for, chair, secretariat):
    a = MilestoneFactory(code="A")
    MilestoneFactory(code="B")
    MilestoneFactory(code="C")
    client = client_for(chair)
    workbook = download(client)
    milestone_update(actor=secretariat, milestone_id=a.pk, expected_version=1,
                     changes={"progress": 90}, comment="newer edit")
    sheet = workbook["Milestones"]
    row_of(sheet, "A")[4].value = 10          # conflict: A moved to version 2
    row_of(sheet, "B")[4].value = 150         # error: out of range
    row_of(sheet, "C")[3].value = "Finished"  # error: unknown status
    response = upload(client, workbook)
    assert response.status_code == 400
    preview = response.context["preview"]
    assert preview.counts() == {"change": 0, "conflict": 1, "error": 2, "unchanged": 0}
    page = response.content.decode()
    assert "Conflict" in page and "Nothing was saved" in page
    assert reverse("workgroups:bulk_apply", args=["CPTFWG"]) not in page
    # Nothing in the session either: apply has nothing to do.
    client.post(reverse("workgroups:bulk_apply", args=["CPTFWG"]))
    assert Milestone.history.filter(history_type="~").count() == 1


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not really a zip", b"%PDF-1.7 nope"])
def test_a_bad_file_changes_nothing(client_for, chair, content):
    MilestoneFactory(code="A")
    response = client_for(chair).post(reverse("workgroups:bulk_upload", args=["CPTFWG"]), {
        "file": SimpleUploadedFile("m.xlsx", content, content_type=XLSX), "comment": "x"})
    assert response.status_code == 400
    assert Milestone.objects.get(code="A").version == 1


def test_a_workbook_with_other_columns_is_refused(client_for, chair):
    MilestoneFactory(code="A")
    workbook = openpyxl.Workbook()
    workbook.active.title = "Milestones"
    workbook.active.append(["Code", "Progress"])
    response = upload(client_for(chair), workbook)
    assert "The columns are not those" in response.content.decode()


def test_ids_of_another_body_are_errors(client_for, chair):
    other = MilestoneFactory(code="OTHER", body__code="CECWG")
    MilestoneFactory(code="A")
    client = client_for(chair)
    workbook = download(client)
    row_of(workbook["Milestones"], "A")[0].value = other.pk
    preview = upload(client, workbook).context["preview"]
    assert preview.counts()["error"] == 1


def test_apply_rolls_back_everything_when_a_row_conflicts_after_preview(client_for, chair,
                                                                       secretariat):
    a = MilestoneFactory(code="A")
    b = MilestoneFactory(code="B")
    client = client_for(chair)
    workbook = download(client)
    row_of(workbook["Milestones"], "A")[4].value = 30
    row_of(workbook["Milestones"], "B")[4].value = 40
    assert upload(client, workbook).context["preview"].ok
    milestone_update(actor=secretariat, milestone_id=b.pk, expected_version=1,
                     changes={"progress": 99}, comment="meanwhile")
    client.post(reverse("workgroups:bulk_apply", args=["CPTFWG"]))
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.progress, a.version) == (0, 1)
    assert (b.progress, b.version) == (99, 2)


@pytest.mark.parametrize(("persona", "status"), [
    ("delegate", 403), ("partner", 403), ("anonymous", 302)])
def test_only_editors_bulk_update(client_for, personas, persona, status):
    MilestoneFactory(code="A")
    client = client_for(personas[persona])
    assert client.get(reverse("workgroups:bulk_download", args=["CPTFWG"])).status_code == status
    assert client.get(reverse("workgroups:bulk_upload", args=["CPTFWG"])).status_code == status
