"""The enforcement analysis and a delegation's bilateral grid in a real Chromium, on the demo:
the vendored chart draws under the strict CSP (no violation), axe-core finds nothing serious,
and neither page scrolls sideways on a phone. Screenshots at 1280 and 375 px are saved to look
at (SCREENSHOT_DIR)."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from meetings.models import Meeting
from tests.browser import axe_violations, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    from meetings import demo as meetings_demo
    from meetings.bilaterals import demo as bilaterals_demo
    from secretariat import demo as core_demo
    from workgroups import demo as workgroups_demo
    from workgroups.enforcement import demo as enforcement_demo

    for module in (core_demo, workgroups_demo, enforcement_demo, meetings_demo,
                   bilaterals_demo):
        module.load(lambda line: None)


def _check(page, name: str) -> None:
    for width in (1280, 375):
        screenshot(page, name, width=width)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)


def test_analysis_chart_and_bilateral_grid(page, axe_page, live_server, demo):
    chair = get_user_model().objects.get(username="chair.vn")
    login(page, live_server, chair, settings.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/enforcement/analysis/?operation=mekong-dragon")
    page.wait_for_load_state("networkidle")
    # Chart.js attached a chart to each canvas, fed from the json_script element.
    drawn = page.evaluate(
        "['chart-months', 'chart-modes'].map(id => "
        "window.Chart.getChart(document.getElementById(id))?.data.datasets[0].data.length)")
    assert drawn == [7, 3]  # seven months with seizures; air, land and sea
    assert "14.60207 kg" in page.content()
    _check(page, "enforcement-analysis")

    dg33 = Meeting.objects.get(body__code="DG", ordinal=33)
    page.goto(f"{live_server.url}/meetings/{dg33.pk}/bilaterals/")
    assert page.get_by_text("Bilateral with Australian Border Force").is_visible()
    _check(page, "bilateral-grid-viet-nam")
    assert page.csp_violations == []

    login(axe_page, live_server, chair, settings.DEMO_PASSWORD)
    problems = {}
    for path in ("/enforcement/analysis/", f"/meetings/{dg33.pk}/bilaterals/",
                 "/enforcement/operations/mekong-dragon/", "/enforcement/reports/new/"):
        axe_page.goto(f"{live_server.url}{path}")
        found = axe_violations(axe_page)
        if found:
            problems[path] = found
    assert problems == {}
