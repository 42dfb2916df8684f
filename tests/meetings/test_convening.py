"""Convening, update and cancellation through the outbox to a real SMTP server (aiosmtpd),
and nominations with their deadline."""

import datetime as dt
import zoneinfo

import icalendar
import pytest
import time_machine
from django.urls import reverse

from meetings import authoring, convening
from meetings.models import Delegation, Meeting, MeetingStatus
from secretariat import outbox
from secretariat.models import Contact, DeliveryState, OutboxMessage
from tests.meetings.factories import MeetingFactory
from tests.reporting.conftest import smtp_sink  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
BRUNEI = zoneinfo.ZoneInfo("Asia/Brunei")
BEFORE = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def heads(malaysia, thailand, vietnam):
    for adm in (malaysia, thailand, vietnam):
        Contact.objects.create(administration=adm, full_name=f"Head of {adm.country}",
                               is_head=True, email=f"head@{adm.code.lower()}.example.org")
    return ["head@my.example.org", "head@th.example.org", "head@vn.example.org"]


@pytest.fixture
def dg36(db):
    meeting = MeetingFactory(ordinal=36, start_date=dt.date(2027, 6, 1),
                             end_date=dt.date(2027, 6, 3), time_zone="Asia/Brunei",
                             city="Bandar Seri Begawan",
                             nomination_deadline=dt.datetime(2027, 4, 30, 17, tzinfo=BRUNEI))
    return meeting


def _deliver_all(sink) -> list:
    for message in OutboxMessage.objects.filter(state=DeliveryState.PENDING).order_by("pk"):
        outbox.deliver(message.pk)
    return sink.messages


def _invitation(message) -> icalendar.Calendar:
    (part,) = [p for p in message.iter_attachments()
               if p.get_content_type() == "text/calendar"]
    return icalendar.Calendar.from_ical(part.get_content())


@time_machine.travel(BEFORE, tick=False)
def test_convene_update_cancel_one_email_each(dg36, secretariat, heads, smtp_sink):  # noqa: F811
    """Given three expected administrations with heads, when the meeting is convened, moved
    and cancelled, then each head gets exactly one email per notice, each invitation parses,
    keeps its UID, counts SEQUENCE 0, 1, 2 and starts at the session's venue time."""
    authoring.session_create(actor=secretariat, meeting=dg36, title="Opening",
                             starts_at=dt.datetime(2027, 6, 1, 9, tzinfo=BRUNEI),
                             ends_at=dt.datetime(2027, 6, 1, 12, tzinfo=BRUNEI))
    convening.meeting_convene(actor=secretariat, meeting=dg36)
    convening.meeting_convene(actor=secretariat, meeting=dg36)  # idempotent
    first = list(_deliver_all(smtp_sink))
    assert sorted(m.envelope_to[0] for m in first) == heads
    calendar = _invitation(first[0])
    (event,) = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "REQUEST" and event["SEQUENCE"] == 0
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert event.decoded("DTSTART") == dt.datetime(2027, 6, 1, 9, tzinfo=BRUNEI)
    assert event["DTSTART"].params["TZID"] == "Asia/Brunei"
    assert calendar.walk("VTIMEZONE")
    uid = str(event["UID"])
    # The page shows the same venue time.
    meeting = Meeting.objects.get(pk=dg36.pk)
    assert meeting.status == MeetingStatus.CONVENED

    moved = authoring.meeting_update(actor=secretariat, meeting_id=meeting.pk,
                                     expected_version=meeting.version,
                                     changes={"venue": "International Convention Centre"})
    second = _deliver_all(smtp_sink)[len(first):]
    assert sorted(m.envelope_to[0] for m in second) == heads
    (event,) = _invitation(second[0]).walk("VEVENT")
    assert str(event["UID"]) == uid and event["SEQUENCE"] == 1
    assert "Updated" in second[0]["Subject"]

    authoring.meeting_update(actor=secretariat, meeting_id=moved.pk,
                             expected_version=moved.version, changes={"status": "cancelled"})
    third = _deliver_all(smtp_sink)[len(first) + len(second):]
    assert sorted(m.envelope_to[0] for m in third) == heads
    calendar = _invitation(third[0])
    (event,) = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "CANCEL" and str(event["UID"]) == uid
    assert event["SEQUENCE"] == 2 and event["STATUS"] == "CANCELLED"
    assert smtp_sink.duplicates() == {}
    assert len(smtp_sink.messages) == 9


def test_meeting_page_shows_the_session_at_venue_time(dg36, secretariat, client_for):
    authoring.session_create(actor=secretariat, meeting=dg36, title="Opening",
                             starts_at=dt.datetime(2027, 6, 1, 9, tzinfo=BRUNEI),
                             ends_at=dt.datetime(2027, 6, 1, 12, tzinfo=BRUNEI))
    page = client_for(secretariat).get(reverse("meetings:detail", args=[dg36.pk]))
    (row,) = page.context["timetable"]
    assert row.venue_start == dt.datetime(2027, 6, 1, 9, tzinfo=BRUNEI)
    assert row.venue_start.hour == 9


PEOPLE = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0",
          "form-0-full_name": "Dato' Head", "form-0-role": "head",
          "form-1-full_name": "Aisyah", "form-1-role": "delegate", "submit": "1"}


def test_a_delegate_nominates_their_own_delegation_only(dg36, delegate, delegate_b,
                                                       client_for):
    with time_machine.travel(BEFORE, tick=False):
        client = client_for(delegate)
        mine = reverse("meetings:nomination", args=[dg36.pk, "MY"])
        assert client.get(mine).status_code == 200
        assert client.post(mine, PEOPLE).status_code == 302
        delegation = Delegation.objects.get(meeting=dg36, administration__code="MY")
        assert delegation.state == "submitted" and delegation.members.count() == 2
        theirs = reverse("meetings:nomination", args=[dg36.pk, "TH"])
        assert client.get(theirs).status_code == 404
        assert client.post(theirs, PEOPLE).status_code == 404
        api = reverse("api:delegation-detail", args=[dg36.pk, "TH"])
        assert client.get(api).status_code == 404
        assert client.put(api, {"members": []}, content_type="application/json"
                          ).status_code == 404
        ok = client.put(reverse("api:delegation-detail", args=[dg36.pk, "MY"]),
                        {"members": [{"full_name": "Dato' Head", "role": "head"}],
                         "submit": True}, content_type="application/json")
        assert ok.status_code == 200 and ok.json()["state"] == "submitted"


def test_after_the_deadline_delegates_read_and_the_secretariat_still_edits(
        dg36, delegate, secretariat, client_for):
    after = dt.datetime(2027, 5, 2, tzinfo=dt.UTC)
    url = reverse("meetings:nomination", args=[dg36.pk, "MY"])
    with time_machine.travel(after, tick=False):
        client = client_for(delegate)
        page = client.get(url)
        assert page.status_code == 200 and "Nominations are closed" in page.content.decode()
        assert client.post(url, PEOPLE).status_code == 403
        assert not Delegation.objects.filter(meeting=dg36).exists()
        assert client_for(secretariat).post(url, PEOPLE).status_code == 302
        assert Delegation.objects.get(meeting=dg36).state == "submitted"


@time_machine.travel(BEFORE, tick=False)
def test_matrix_and_remind_now_in_the_working_window(dg36, secretariat, heads, client_for,
                                                     smtp_sink):  # noqa: F811
    client = client_for(secretariat)
    page = client.get(reverse("meetings:nominations", args=[dg36.pk]))
    states = {row.administration.code: row.state for row in page.context["rows"]}
    assert states == {"MY": "not_started", "TH": "not_started", "VN": "not_started"}
    response = client.post(reverse("meetings:nomination_remind", args=[dg36.pk, "TH"]))
    assert response.status_code == 302
    (message,) = OutboxMessage.objects.filter(purpose=convening.REMINDER_PURPOSE)
    assert message.recipient == "head@th.example.org" and message.window
    # 1 March 2027 10:00 UTC is 17:00 in Bangkok: after hours, so it waits for the morning.
    assert message.due_at.astimezone(zoneinfo.ZoneInfo("Asia/Bangkok")).hour < 17
    assert message.due_at > BEFORE
