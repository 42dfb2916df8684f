"""In a real browser: the portal search and a parent body's page, at 1280 and 375 px, as a
chair. Screenshots go to var/screenshots/ for review; the page's content must not scroll
sideways."""

import pytest
from django.urls import reverse

from tests.browser import login, screenshot
from tests.workgroups.factories import ActionLineFactory, BodyFactory, MilestoneFactory
from workgroups.models import Body

pytestmark = pytest.mark.django_db(transaction=True)


def _no_sideways_scroll(page) -> bool:
    # The page's own content (``<main>``); the site header is the layout work of issue 13
    # item 1, measured by its page walk.
    return page.evaluate(
        "(() => { const m = document.querySelector('main'); "
        "return m.scrollWidth <= m.clientWidth + 1; })()")


def test_search_and_body_page_at_desktop_and_phone_width(page, live_server, chair, password):
    cptfwg = BodyFactory(code="CPTFWG", name="Customs Procedures and Trade Facilitation WG")
    swgs = [BodyFactory(code=f"SWG-{c}", name=f"Sub-working group {c}", reports_to=cptfwg,
                        kind=Body.Kind.SUB_WORKING_GROUP) for c in ("ACTS", "AAMRA", "ATIGA")]
    line = ActionLineFactory()
    MilestoneFactory(action_line=line, body=cptfwg, code="26-CPTF-01", progress=69,
                     status="on_track", title="ASEAN Customs Transit System extension",
                     description="Extend transit guarantees to every land border; pilot "
                                 "electronic seals on trucks crossing the Lao border.")
    for swg, progress in zip(swgs, (20, 40, 60), strict=True):
        MilestoneFactory(action_line=line, body=swg, progress=progress, status="at_risk",
                         title=f"{swg.code} transit work", description="Transit seizures.")
    login(page, live_server, chair, password)

    page.goto(live_server.url + reverse("search") + "?q=transit")
    assert "<mark>" in page.content()
    for width in (1280, 375):
        screenshot(page, "search-transit", width=width)
        assert _no_sideways_scroll(page), f"/search/ scrolls sideways at {width} px"

    page.goto(live_server.url + reverse("workgroups:body", args=["CPTFWG"]))
    assert "with its 3 sub-bodies" in page.content()
    for width in (1280, 375):
        screenshot(page, "body-cptfwg", width=width)
        assert _no_sideways_scroll(page), f"the body page scrolls sideways at {width} px"
    assert page.csp_violations == []
