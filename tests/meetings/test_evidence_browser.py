"""Evidence documents in a real Chromium on the demo data: the chair's staff attach a paper
from its page; the milestone page shows each reader the papers they may read; the body page
lists its meetings."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from meetings.models import Document, MilestoneEvidenceDocument
from tests.browser import login, screenshot
from workgroups.models import Milestone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    from meetings import demo as meetings_demo
    from secretariat import demo as core_demo
    from workgroups import demo as workgroups_demo

    for module in (core_demo, workgroups_demo, meetings_demo):
        module.load(lambda line: None)


def _login(page, live_server, username):
    login(page, live_server, get_user_model().objects.get(username=username),
          settings.DEMO_PASSWORD)


def test_chair_attaches_a_paper_and_finds_it_on_the_milestone(page, live_server, demo):
    document = Document.objects.get(title="Report of the CCC to the 33rd DG Meeting")
    milestone = Milestone.objects.get(code="26-CPTF-02")
    # Cambodia chairs the DG meeting today (demo): its staff edit the whole Strategic Plan.
    _login(page, live_server, "chair.kh")
    page.goto(f"{live_server.url}/documents/{document.pk}/")
    page.get_by_label("Attach as evidence to milestone…").select_option(
        label=f"{milestone.code} {milestone.title}"
    )
    for width in (1280, 375):
        screenshot(page, "evidence-document-chair", width=width)
    page.get_by_role("button", name="Attach as evidence").click()
    page.wait_for_load_state("networkidle")
    assert "Attached as evidence to 26-CPTF-02." in page.inner_text("main")
    assert MilestoneEvidenceDocument.objects.filter(milestone=milestone,
                                                    document=document).exists()

    page.get_by_role("link", name="26-CPTF-02 Regional time release study 2026").click()
    page.wait_for_load_state("networkidle")
    panel = page.get_by_role("region", name="Evidence from meeting documents")
    assert "Report of the CCC to the 33rd DG Meeting" in panel.inner_text()
    for width in (1280, 375):
        screenshot(page, "evidence-milestone-chair", width=width)
    page.get_by_role("button", name="Stop citing “Report of the CCC to the 33rd DG Meeting” "
                                    "as evidence").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(reverse("workgroups:milestone", args=[milestone.pk]))
    assert not MilestoneEvidenceDocument.objects.filter(milestone=milestone,
                                                        document=document).exists()
    assert page.csp_violations == []


@pytest.mark.parametrize(
    ("username", "sees", "does_not_see"),
    [
        ("secretariat", ["Strategic Plan of Customs Development 2026-2030 (draft for approval)",
                         "Joint Media Statement of the 34th"], []),
        ("partner.wco", ["Joint Media Statement of the 34th"],
         ["draft for approval"]),
    ],
)
def test_milestone_evidence_per_reader(page, live_server, demo, username, sees, does_not_see):
    milestone = Milestone.objects.get(code="26-CCC-01")
    _login(page, live_server, username)
    page.goto(live_server.url + reverse("workgroups:milestone", args=[milestone.pk]))
    text = page.inner_text("main")
    for phrase in sees:
        assert phrase in text
    for phrase in does_not_see:
        assert phrase not in text
    for width in (1280, 375):
        screenshot(page, f"evidence-milestone-{username}", width=width)
    assert page.csp_violations == []


def test_body_page_lists_its_meetings(page, live_server, demo):
    page.goto(live_server.url + reverse("workgroups:body", args=["DG"]))
    panel = page.get_by_role("region", name="Meetings")
    text = panel.inner_text()
    assert "34th DG Meeting" in text and "33rd DG Meeting" in text
    for width in (1280, 375):
        screenshot(page, "body-dg-meetings", width=width)
    assert page.csp_violations == []

