"""In a real Chromium: the chair's staff create a meeting, add three sessions and a nested
agenda, attach a paper and convene; a delegate then sees it all in their own time zone.
Screenshots at 1280 and 375 px of every authoring page."""

import datetime as dt

import pytest

from meetings import samples
from meetings.models import Meeting, MeetingNotice
from secretariat.models import Contact, Role
from tests.browser import login, screenshot
from tests.factories import TEST_PASSWORD, AdministrationFactory, make_person
from tests.workgroups.factories import BodyFactory, ChairTermFactory
from workgroups.models import Body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    dg = BodyFactory(code="DG", name="ASEAN Directors-General of Customs Meeting",
                     kind=Body.Kind.DG_MEETING)
    cambodia = AdministrationFactory(code="KH", country="Cambodia", time_zone="Asia/Phnom_Penh")
    indonesia = AdministrationFactory(code="ID", country="Indonesia", time_zone="Asia/Jakarta")
    myanmar = AdministrationFactory(code="MM", country="Myanmar", time_zone="Asia/Yangon")
    for adm in (cambodia, indonesia, myanmar):
        Contact.objects.create(administration=adm, full_name=f"Head of {adm.country}",
                               is_head=True, email=f"head@{adm.code.lower()}.example.org")
    # An open-ended term: the browser's server runs at the real time.
    ChairTermFactory(body=dg, administration=cambodia, start_on=dt.date(2000, 1, 1),
                     end_on=None)
    return {
        "chair": make_person("staff.kh", Role.DELEGATE, administration=cambodia),
        "delegate": make_person("delegate.mm", Role.DELEGATE, administration=myanmar),
        "indonesia": indonesia,
    }


def _shots(page, name):
    for width in (1280, 375):
        screenshot(page, name, width=width)
        # No page-level horizontal scroll on a phone.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), \
            f"{name} scrolls sideways at {width}px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_chair_staff_prepare_and_convene_a_meeting(page, live_server, people, tmp_path):
    login(page, live_server, people["chair"], TEST_PASSWORD)
    page.goto(f"{live_server.url}/meetings/new/?body=DG")
    page.get_by_label("Ordinal").fill("36")
    page.get_by_label("Host", exact=True).select_option(label="Indonesia")
    page.get_by_label("City").fill("Jakarta")
    page.get_by_label("Start date").fill("2027-06-01")
    page.get_by_label("End date").fill("2027-06-03")
    _shots(page, "i11-meeting-new")
    page.get_by_role("button", name="Create draft").click()
    page.wait_for_url("**/sessions/")
    meeting = Meeting.objects.get(ordinal=36)
    assert meeting.time_zone == "Asia/Jakarta" and meeting.status == "draft"

    add = page.locator("#add-session")
    for day, title, start, end in [("2027-06-01", "Opening plenary", "09:00", "12:00"),
                                   ("2027-06-02", "Consultations", "09:00", "12:30"),
                                   ("2027-06-03", "Closing", "09:00", "11:30")]:
        add.get_by_label("Title").fill(title)
        add.get_by_label("Day").fill(day)
        add.get_by_label("Starts").fill(start)
        add.get_by_label("Ends").fill(end)
        add.get_by_role("button", name="Add session").click()
        page.wait_for_load_state("networkidle")
        add = page.locator("#add-session")
    assert meeting.sessions.count() == 3
    _shots(page, "i11-sessions")

    page.goto(f"{live_server.url}/meetings/{meeting.pk}/agenda/edit/")
    item = page.locator("#add-item")
    for title, parent, visibility in [("Opening of the meeting", None, "Public"),
                                      ("Report of the CCC", None, "Members"),
                                      ("CPTFWG", "2 Report of the CCC", "Members"),
                                      ("ACTS transit", "2.1 CPTFWG", "Members")]:
        item.get_by_label("Title").fill(title)
        if parent:
            item.get_by_label("Under").select_option(label=parent)
        item.get_by_label("Visibility").select_option(label=visibility)
        item.get_by_role("button", name="Add item").click()
        page.wait_for_load_state("networkidle")
        item = page.locator("#add-item")
    assert "2.1.1" in page.inner_text("main")
    _shots(page, "i11-agenda-edit")

    pdf = tmp_path / "Report of the CCC.pdf"
    pdf.write_bytes(samples.make_pdf("Report of the CCC", ["1. Opening", "2. Report"]))
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/upload/")
    page.get_by_label("Files").set_input_files(str(pdf))
    page.get_by_label("Agenda item").select_option(index=2)
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(f"**/meetings/{meeting.pk}/")
    page.get_by_role("button", name="Convene").click()
    page.wait_for_load_state("networkidle")
    assert "Convened" in page.inner_text("main")
    assert MeetingNotice.objects.filter(meeting=meeting, sequence=0).exists()
    _shots(page, "i11-meeting-chair")
    assert page.csp_violations == []

    # A delegate of Myanmar (UTC+06:30) sees 09:00 Jakarta time as 08:30 their time.
    page.context.clear_cookies()
    login(page, live_server, people["delegate"], TEST_PASSWORD)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    text = page.inner_text("main")
    assert "08:30" in text and "Yangon" in text and "Jakarta, UTC+07:00" in text
    assert "Report of the CCC" in text and "2.1.1" in text and "ACTS transit" in text
    assert "Prepare this meeting" not in text
    _shots(page, "i11-meeting-delegate")
    page.goto(f"{live_server.url}/meetings/calendar/?year=2027")
    assert "Opening plenary" in page.inner_text("main")
    _shots(page, "i11-calendar-delegate")
    assert page.csp_violations == []
