"""The reporting matrix as XLSX: the cycle page's access, text cells only, constant cost."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import AdministrationFactory
from tests.reporting.factories import delegates, open_cycle
from workgroups.reporting import services

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def cycle(secretariat, malaysia, thailand):
    return open_cycle(secretariat, {"MY": malaysia, "TH": thailand},
                      due_at=timezone.now() + dt.timedelta(days=10),
                      opens_at=timezone.now() - dt.timedelta(days=30))


def _cells(content: bytes) -> dict:
    book = load_workbook(io.BytesIO(content))
    return {sheet.title: [list(row) for row in sheet.iter_rows()]
            for sheet in book.worksheets}


def test_matrix_xlsx_opens_and_holds_text_not_formulas(cycle, delegate, secretariat,
                                                       client_for):
    """Given Malaysia's report submitted with narratives that look like formulas, when the
    secretariat downloads the matrix, then openpyxl opens it, no cell is a formula, the
    hostile text is there as text, and each administration has its row and state."""
    report = cycle.reports.get(administration__code="MY")
    services.report_submit(actor=delegate, report_id=report.pk, entries={
        e.pk: {"status": "on_track", "progress": 60, "narrative": narrative}
        for e, narrative in zip(report.entries.all(), [HOSTILE, "@SUM(A1:A9)"], strict=True)})
    response = client_for(secretariat).get(reverse("reporting:cycle_matrix_xlsx",
                                                   args=[cycle.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert "no-store" in response["Cache-Control"]
    sheets = _cells(response.content)
    assert set(sheets) == {"Matrix", "Entries"}
    every = [c for rows in sheets.values() for row in rows for c in row]
    assert not [c.coordinate for c in every if c.data_type == "f"]
    values = {c.value for c in every}
    assert HOSTILE in values and "@SUM(A1:A9)" in values
    matrix = {row[0].value: row[1].value for row in sheets["Matrix"][1:]}
    assert matrix == {"Malaysia": "Submitted", "Thailand": "Not started"}
    entries = [[c.value for c in row] for row in sheets["Entries"][1:]]
    assert len(entries) == 4  # two milestones each
    assert {row[7] for row in entries if row[0] == "Malaysia"} == {60}


def test_matrix_xlsx_has_the_cycle_pages_access(cycle, personas, client_for):
    url = reverse("reporting:cycle_matrix_xlsx", args=[cycle.pk])
    for persona, status in {"anonymous": 302, "delegate": 403, "delegate_b": 403,
                            "chair": 403, "partner": 403, "secretariat": 200}.items():
        assert client_for(personas[persona]).get(url).status_code == status, persona
    assert client_for(personas["secretariat"]).get(
        reverse("reporting:cycle_matrix_xlsx", args=[cycle.pk + 999])).status_code == 404


def test_the_cycle_page_offers_the_download(cycle, secretariat, client_for):
    html = client_for(secretariat).get(reverse("reporting:cycle", args=[cycle.pk])).content
    assert reverse("reporting:cycle_matrix_xlsx", args=[cycle.pk]) in html.decode()


def _many(secretariat, count, first):
    codes = [f"{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(first, first + count)]
    adms = {code: AdministrationFactory(code=code, country=f"Country {code}") for code in codes}
    delegates(adms)
    return open_cycle(secretariat, adms, milestones_each=1,
                      due_at=timezone.now() + dt.timedelta(days=10))


def test_matrix_xlsx_cost_does_not_grow_with_administrations(secretariat, client_for,
                                                             django_assert_max_num_queries):
    """Session, user, cycle, reports (+administration), reminder rows, the entries
    (+milestone, body), then the session's save in a savepoint (3): measured 9 for 2 and for
    40 administrations (no reminder handed over yet, so no outbox read)."""
    client = client_for(secretariat)
    for cycle in (_many(secretariat, 2, 0), _many(secretariat, 40, 2)):
        with django_assert_max_num_queries(9):
            response = client.get(reverse("reporting:cycle_matrix_xlsx", args=[cycle.pk]))
        assert response.status_code == 200
