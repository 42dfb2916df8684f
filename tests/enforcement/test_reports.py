"""Seizure reports: exact quantities through form, API and XLSX; amendments with history and
conflict detection; the clearance as a per-person flag; released statistics with small cells
suppressed."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from secretariat.models import Role
from tests.enforcement.conftest import LINES, MARKERS, report_data
from tests.factories import make_person
from workgroups.enforcement import access, services
from workgroups.enforcement.models import SeizureLine, SeizureReport, StatisticsRelease
from workgroups.enforcement.views import _release_rows
from workgroups.services import Conflict

pytestmark = pytest.mark.django_db


def _form_post(operation, **extra) -> dict:
    data = {
        "operation": operation.pk, "seized_on": "2023-05-05", "place": "Noi Bai",
        "place_kind": "airport", "mode": "air", "origin": "Netherlands", "transit": "",
        "destination": "Viet Nam", "concealment": "beer cans", "persons_arrested": "2",
        "agencies": "Customs", "summary": "",
        "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "20",
        "lines-0-commodity": "mdma", "lines-0-quantity": "14.60207", "lines-0-unit": "kg",
        "lines-1-commodity": "ketamine", "lines-1-quantity": "5.28238", "lines-1-unit": "kg",
        "lines-2-commodity": "", "lines-2-quantity": "", "lines-2-unit": "",
    }
    data.update(extra)
    return data


def test_quantities_round_trip_exactly_through_the_form(client, operation, cleared):
    client.force_login(cleared)
    response = client.post("/enforcement/reports/new/", _form_post(operation))
    assert response.status_code == 302
    report = SeizureReport.objects.get()
    assert sorted(report.lines.values_list("quantity", flat=True)) == [
        Decimal("5.28238"), Decimal("14.60207")]
    assert sum(report.lines.values_list("quantity", flat=True)) == Decimal("19.88445")
    # The amend form shows what was typed, not "14.602070".
    page = client.get(f"/enforcement/reports/{report.pk}/amend/").content.decode()
    assert 'value="14.60207"' in page and "14.602070" not in page
    assert "14.60207 kg" in client.get(f"/enforcement/reports/{report.pk}/").content.decode()


def test_quantities_round_trip_exactly_through_the_api(client, operation, cleared):
    client.force_login(cleared)
    body = {
        "operation": "mekong-dragon", "seized_on": "2023-05-05", "place": "Noi Bai",
        "place_kind": "airport", "mode": "air", "origin": "Netherlands",
        "destination": "Viet Nam", "lines": [
            {"commodity": "mdma", "quantity": "14.60207", "unit": "kg"},
            {"commodity": "ketamine", "quantity": 5.28238, "unit": "kg"},
        ],
    }
    created = client.post("/api/v1/seizure-reports/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["administration"] == "VN"  # a contact files for their own
    fetched = client.get(f"/api/v1/seizure-reports/{created.json()['id']}/").json()
    assert [line["quantity"] for line in fetched["lines"]] == ["14.60207", "5.28238"]


def test_quantities_round_trip_exactly_through_the_xlsx_export(client, report, cleared):
    client.force_login(cleared)
    response = client.get("/enforcement/analysis.xlsx")
    assert response["Cache-Control"] == "private, no-store"
    sheet = load_workbook(io.BytesIO(response.content))["Seizures"]
    header = [c.value for c in sheet[1]]
    column = header.index("Quantity")
    values = [Decimal(str(row[column].value)) for row in sheet.iter_rows(min_row=2)]
    assert sorted(values) == sorted(line.quantity for line in LINES)


def test_xlsx_text_is_never_a_formula(client, operation, cleared, vietnam):
    services.seizure_report_file(
        actor=cleared, data=report_data(operation, vietnam, concealment='=HYPERLINK("x")',
                                        agencies="@SUM(A1)", place="+1", origin="-1"),
        lines=LINES[:1])
    client.force_login(cleared)
    sheet = load_workbook(io.BytesIO(client.get("/enforcement/analysis.xlsx").content))[
        "Seizures"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert {"'=HYPERLINK(\"x\")", "'@SUM(A1)", "'+1", "'-1"} <= texts


def test_bad_quantity_is_a_field_error_and_nothing_is_saved(client, operation, cleared):
    client.force_login(cleared)
    for bad in ("0", "-3", "abc", "1.1234567", "1e400"):
        response = client.post("/enforcement/reports/new/",
                               _form_post(operation, **{"lines-0-quantity": bad}))
        assert response.status_code == 400, bad
        assert "beer cans" in response.content.decode()  # what was typed comes back
    assert SeizureReport.objects.count() == 0


def test_amendment_keeps_history_and_detects_a_stale_version(report, cleared, secretariat):
    amended = services.seizure_report_amend(
        actor=cleared, report_id=report.pk, version=1, reason="Lab weight",
        data=report_data(report.operation, report.administration, persons_arrested=3),
        lines=[services.Line("mdma", Decimal("14.60208"), "kg")])
    assert amended.version == 2
    history = list(report.history.order_by("history_id"))
    assert [h.version for h in history] == [1, 2]
    assert history[-1].history_user == cleared
    assert history[-1].history_change_reason == "Lab weight"
    with pytest.raises(Conflict):
        services.seizure_report_amend(
            actor=secretariat, report_id=report.pk, version=1, reason="stale",
            data=report_data(report.operation, report.administration), lines=LINES)
    report.refresh_from_db()
    assert report.version == 2 and report.persons_arrested == 3
    assert list(SeizureLine.objects.filter(report=report).values_list("quantity", flat=True)) \
        == [Decimal("14.60208")]


def test_stale_amend_form_shows_the_conflict_and_keeps_the_input(client, report, cleared):
    services.seizure_report_amend(
        actor=cleared, report_id=report.pk, version=1, reason="first",
        data=report_data(report.operation, report.administration), lines=LINES)
    client.force_login(cleared)
    response = client.post(f"/enforcement/reports/{report.pk}/amend/", _form_post(
        report.operation, version="1", reason="second", concealment="typed again"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone amended this report" in page and "typed again" in page


def test_the_clearance_is_a_flag_of_the_person_not_the_role(
        chair, vietnam, malaysia, secretariat, delegate, operation):
    colleague = make_person("chair.colleague", Role.CHAIR, administration=vietnam)
    services.enforcement_contact_designate(actor=secretariat, user=chair)
    assert access.sees_seizures(chair) and not access.sees_seizures(colleague)
    assert not access.sees_seizures(delegate)
    with pytest.raises(PermissionDenied):
        services.enforcement_contact_designate(actor=chair, user=colleague)
    # Moving to another administration ends the clearance at once.
    chair.profile.administration = malaysia
    chair.profile.save()
    access.forget(chair)
    assert not access.sees_seizures(chair)
    assert SeizureReport.objects.visible_to(chair).count() == 0


def test_a_contact_files_only_for_their_own_administration_and_participants(
        operation, cleared, malaysia, vietnam, secretariat):
    with pytest.raises(PermissionDenied):
        services.seizure_report_file(actor=cleared, data=report_data(operation, malaysia),
                                     lines=LINES)
    outsider_op = report_data(operation, vietnam)
    operation.participants.remove(vietnam)
    with pytest.raises(ValidationError) as refused:
        services.seizure_report_file(actor=cleared, data=outsider_op, lines=LINES)
    assert "does not take part" in str(refused.value)
    with pytest.raises(ValidationError):
        services.seizure_report_file(actor=secretariat, data=report_data(
            operation, malaysia, seized_on=dt.date(2022, 12, 31)), lines=LINES)


def test_released_statistics_suppress_cells_below_three(operation, cleared, secretariat,
                                                        vietnam):
    for day in (1, 2, 3):  # three air cases of cocaine: published
        services.seizure_report_file(
            actor=cleared, data=report_data(operation, vietnam, seized_on=dt.date(2023, 6, day)),
            lines=[services.Line("cocaine", Decimal("1.5"), "kg")])
    services.seizure_report_file(  # one sea case of MDMA: "< 3"
        actor=cleared, data=report_data(operation, vietnam, mode="sea"),
        lines=[services.Line("mdma", Decimal("7"), "kg")])
    with pytest.raises(PermissionDenied):
        services.statistics_release(actor=cleared, operation=operation)
    release = services.statistics_release(actor=secretariat, operation=operation)
    cells = {(c["commodity"], c["mode"]): c for c in release.cells}
    assert cells[("cocaine", "air")]["cases"] == 3
    assert cells[("cocaine", "air")]["quantity"] == "4.5"
    assert cells[("mdma", "sea")]["cases"] is None and cells[("mdma", "sea")]["quantity"] is None
    assert "7" not in str(release.cells)  # the small cell's figure is not even stored
    table = _release_rows(release.cells)
    assert table["modes"] == ["Air", "Sea"]
    by_label = {row["label"]: row["cells"] for row in table["rows"]}
    assert by_label["Cocaine"] == ["3 (4.5 kg)", "< 3"]  # no sea case: not told apart
    assert by_label["MDMA (ecstasy)"] == ["< 3", "< 3"]


def test_the_public_sees_the_release_and_nothing_else(client, operation, report, secretariat):
    services.statistics_release(actor=secretariat, operation=operation)
    page = client.get("/enforcement/operations/mekong-dragon/").content.decode()
    assert "&lt; 3" in page
    assert MARKERS["concealment"] not in page and "14.60207" not in page
    api = client.get("/api/v1/operations/mekong-dragon/")
    assert api.status_code == 401  # the API needs an account, like the rest of it
    assert StatisticsRelease.objects.count() == 1


def test_list_pages_cost_a_fixed_number_of_queries(client, operation, cleared, vietnam,
                                                   django_assert_max_num_queries):
    for day in range(1, 21):
        services.seizure_report_file(
            actor=cleared, data=report_data(operation, vietnam, seized_on=dt.date(2023, 7, day)),
            lines=LINES)
    client.force_login(cleared)
    # session, user, profile, flag, operations (+participants, phases), reports, lines,
    # names, analysis rows and lines, and the layout's own few.
    with django_assert_max_num_queries(20):
        assert client.get("/enforcement/analysis/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/seizure-reports/").status_code == 200
