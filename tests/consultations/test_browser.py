"""The schedule and a partner's page in a real Chromium, at desktop and phone width."""

import pytest

from consultations.models import Consultation
from meetings.models import AccessLevel
from tests.browser import login, screenshot
from tests.consultations.demo_data import load_demo_consultations
from tests.consultations.factories import dg_meeting, document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_schedule(page, live_server):
    dg_meeting(33)
    load_demo_consultations()
    page.goto(f"{live_server.url}/consultations/")
    assert page.get_by_role("heading", name="Consultations with dialogue partners").is_visible()
    assert page.get_by_role("link", name="13th ASEAN-WCO Consultation").is_visible()
    # The WCO's unpublished working-group consultation is not public.
    assert page.get_by_text("WCO consultation with the CCBWG").count() == 0
    for width in (1280, 375):
        screenshot(page, "consultations-schedule", width=width)
    page.get_by_role("link", name="13th ASEAN-WCO Consultation").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="13th ASEAN-WCO Consultation").is_visible()
    for width in (1280, 375):
        screenshot(page, "consultations-detail", width=width)
    assert page.csp_violations == []


def test_partner_page(page, live_server, partner, password):
    meeting = dg_meeting(33)
    load_demo_consultations()
    wco13 = Consultation.objects.get(series__partner__slug="wco", ordinal=13)
    wco13.documents.set([
        document("WCO Secretary General's address", AccessLevel.PUBLIC, meeting),
        document("ASEAN-WCO cooperation report 2023-2024", AccessLevel.PARTNERS, meeting),
        document("Chair's restricted briefing note", AccessLevel.RESTRICTED, meeting),
    ])
    login(page, live_server, partner, password)
    page.goto(f"{live_server.url}/consultations/mine/")
    assert page.get_by_role("heading", name="My consultations").is_visible()
    assert page.get_by_text("Not published").first.is_visible()
    assert page.get_by_role("link", name="22nd ASEAN-China Customs Consultation").count() == 0
    assert page.get_by_text("ASEAN-WCO cooperation report").is_visible()
    assert page.get_by_text("restricted briefing").count() == 0
    assert Consultation.objects.filter(series__partner__slug="wco", published=False).exists()
    for width in (1280, 375):
        screenshot(page, "consultations-mine-partner", width=width)
    # Keyboard: the rotate button is reachable and labelled.
    assert page.get_by_role("button", name="Change my private address").is_visible()
    assert page.get_by_label("Your private calendar (everything you can see)").is_visible()
    page.get_by_role("link", name="13th ASEAN-WCO Consultation").click()
    page.wait_for_load_state()
    assert page.get_by_text("ASEAN-WCO cooperation report").is_visible()
    assert page.get_by_text("restricted briefing").count() == 0
    for width in (1280, 375):
        screenshot(page, "consultations-detail-partner", width=width)
    assert page.csp_violations == []
