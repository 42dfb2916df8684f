"""The pages in a real Chromium: no CSP violation, no serious accessibility issue, and
screenshots at 1280 and 375 px (var/screenshots/reporting-*) to look at."""

import datetime as dt

import pytest
from django.utils import timezone

from secretariat import outbox
from secretariat.models import OutboxMessage
from tests.browser import axe_violations, login, screenshot
from tests.reporting.factories import open_cycle
from tests.workgroups.factories import MilestoneFactory
from workgroups.reporting import reminders, services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(secretariat, delegate, delegate_b, malaysia, thailand, vietnam, smtp_sink):
    due = timezone.now() + dt.timedelta(days=6)
    cycle = open_cycle(secretariat, {"MY": malaysia, "TH": thailand, "VN": vietnam},
                       due_at=due, opens_at=timezone.now() - dt.timedelta(days=30),
                       title="Progress reports for the 35th DG Meeting")
    MilestoneFactory(code="26-ASW-01", title="ACDD exchanged by all member states"
                     ).lead_administrations.add(malaysia)
    services.cycle_open(actor=secretariat, cycle_id=cycle.pk)
    reminders.plan_due(timezone.now())
    for message in OutboxMessage.objects.filter(state="pending"):
        outbox.deliver(message.pk, now=message.due_at)
    th = cycle.reports.get(administration=thailand)
    services.report_submit(actor=delegate_b, report_id=th.pk, entries={
        e.pk: {"status": "on_track", "progress": 70, "narrative": "On track."}
        for e in th.entries.all()})
    return cycle


def test_secretariat_cycle_pages(scene, secretariat, password, live_server, page):
    login(page, live_server, secretariat, password)
    page.goto(f"{live_server.url}/reporting/cycles/")
    screenshot(page, "reporting-cycle-list")
    screenshot(page, "reporting-cycle-list", width=375)
    page.goto(f"{live_server.url}/reporting/cycles/{scene.pk}/")
    assert page.get_by_role("cell", name="Submitted").count() == 1
    screenshot(page, "reporting-cycle")
    screenshot(page, "reporting-cycle", width=375)
    # Issue 12: the matrix as a spreadsheet, from the button on the page.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the matrix (XLSX)").click()
    assert download.value.suggested_filename.endswith("-matrix-"
                                                      f"{timezone.now():%Y-%m-%d}.xlsx")
    page.get_by_role("button", name="Remind now Malaysia").click()
    page.wait_for_load_state("networkidle")
    assert "queued" in page.content()
    assert page.csp_violations == []


def test_delegate_report_form(scene, delegate, password, live_server, page):
    login(page, live_server, delegate, password)
    page.goto(f"{live_server.url}/reporting/mine/")
    screenshot(page, "reporting-my-reports", width=375)
    page.get_by_role("link", name=scene.title).click()
    page.get_by_label("Progress (%)").first.fill("150")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state("networkidle")
    assert "less than or equal to 100" in page.content()
    screenshot(page, "reporting-report-form")
    screenshot(page, "reporting-report-form", width=375)
    assert page.csp_violations == []


def test_no_serious_accessibility_issue(scene, delegate, password, live_server, browser):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    login(page, live_server, delegate, password)
    report = scene.reports.get(administration__code="MY")
    for path in ["/reporting/mine/", f"/reporting/reports/{report.pk}/"]:
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path
    context.close()
