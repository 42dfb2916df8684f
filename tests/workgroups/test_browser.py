"""In a real browser: two people edit the same milestone (T13 c), and the dashboard's inline
editor. Screenshots go to var/screenshots/ for review."""

import re

import pytest
from django.urls import reverse

from tests.browser import login, screenshot
from tests.workgroups.factories import MilestoneFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_second_tab_gets_a_conflict_and_keeps_its_text(browser, page, live_server, chair,
                                                       secretariat, password):
    milestone = MilestoneFactory(code="26-TSWGC-01", title="AHTN 2027 legal text")
    url = live_server.url + reverse("workgroups:milestone", args=[milestone.pk])
    other_context = browser.new_context(viewport={"width": 1280, "height": 900})
    other = other_context.new_page()
    try:
        login(page, live_server, chair, password)
        login(other, live_server, secretariat, password)
        page.goto(url)
        other.goto(url)

        other.get_by_label("Progress (%)").fill("75")
        other.get_by_label("Comment", exact=True).fill("Correlation tables received")
        other.get_by_role("button", name="Save").click()
        other.wait_for_load_state("networkidle")
        assert "saved (version 2)" in other.content()
        screenshot(other, "wg-milestone-after-edit")

        page.get_by_label("Status", exact=True).select_option("at_risk")
        page.get_by_label("Progress (%)").fill("40")
        page.get_by_label("Comment", exact=True).fill("Two tables still missing")
        page.get_by_role("button", name="Save").click()
        page.wait_for_load_state("networkidle")
        text = page.content()
        assert "Someone else saved this milestone" in text
        assert "Correlation tables received" in text  # the other person's comment
        assert page.get_by_label("Comment", exact=True).input_value() == "Two tables still missing"
        assert page.get_by_label("Progress (%)").input_value() == "40"
        screenshot(page, "wg-milestone-conflict")
        screenshot(page, "wg-milestone-conflict", width=375)

        # Saving again after reading the conflict is a deliberate overwrite.
        page.set_viewport_size({"width": 1280, "height": 900})
        page.get_by_role("button", name="Save").click()
        page.wait_for_load_state("networkidle")
        assert "saved (version 3)" in page.content()
        assert page.csp_violations == []
    finally:
        other_context.close()
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress, milestone.version) == ("at_risk", 40, 3)


def test_inline_edit_on_the_dashboard(page, live_server, chair, password):
    milestone = MilestoneFactory(code="26-CPTF-01", title="ACDD data set v2", progress=10)
    login(page, live_server, chair, password)
    page.goto(live_server.url + reverse("workgroups:dashboard"))
    page.get_by_role("button", name=f"Edit {milestone.code} inline").click()
    row = page.locator(f"#ms-{milestone.pk}")
    row.get_by_label("Progress (%)").fill("55")
    row.get_by_label(re.compile(r"^Comment\b")).fill("Mapping done")
    screenshot(page, "wg-dashboard-inline-edit")
    row.get_by_role("button", name="Save").click()
    page.wait_for_selector(f"#ms-{milestone.pk}.row-saved")
    assert "55 %" in page.locator(f"#ms-{milestone.pk}").inner_text()
    assert page.csp_violations == []
    milestone.refresh_from_db()
    assert (milestone.progress, milestone.version) == (55, 2)
