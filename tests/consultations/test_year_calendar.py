"""The year calendar page and its feeds: exactly what each role may see, checked with
icalendar; query counts constant in the number of entries."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from consultations import services
from meetings import authoring
from tests.consultations.factories import ConsultationFactory
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db
BRUNEI = zoneinfo.ZoneInfo("Asia/Brunei")


@pytest.fixture
def year(wco_series, japan_series, secretariat):
    meeting = MeetingFactory(ordinal=36, start_date=dt.date(2027, 6, 1),
                             end_date=dt.date(2027, 6, 3), time_zone="Asia/Brunei")
    authoring.session_create(actor=secretariat, meeting=meeting, title="Opening plenary",
                             starts_at=dt.datetime(2027, 6, 1, 9, tzinfo=BRUNEI),
                             ends_at=dt.datetime(2027, 6, 1, 12, tzinfo=BRUNEI))
    ConsultationFactory(series=wco_series, ordinal=16, meeting=meeting, published=True,
                        starts_at=dt.datetime(2027, 6, 2, 1, tzinfo=dt.UTC),
                        ends_at=dt.datetime(2027, 6, 2, 2, tzinfo=dt.UTC),
                        date=dt.date(2027, 6, 2), time_zone="Asia/Brunei")
    ConsultationFactory(series=japan_series, ordinal=29, meeting=meeting, published=False,
                        starts_at=dt.datetime(2027, 6, 2, 3, tzinfo=dt.UTC),
                        ends_at=dt.datetime(2027, 6, 2, 4, tzinfo=dt.UTC),
                        date=dt.date(2027, 6, 2), time_zone="Asia/Brunei")
    return meeting


def summaries(response) -> set[str]:
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    zones = {str(tz["TZID"]) for tz in calendar.timezones}
    for event in calendar.events:
        assert "UID" in event and "SEQUENCE" in event and str(event["URL"]).startswith("http")
        start = event["DTSTART"]
        if isinstance(start.dt, dt.datetime):
            assert start.params["TZID"] in zones
    return {str(e["SUMMARY"]) for e in calendar.events}


def test_public_feed_has_meetings_sessions_and_published_consultations(client, year):
    names = summaries(client.get(reverse("consultations:year_feed")))
    assert names == {"36th DG Meeting", "36th DG Meeting: Opening plenary",
                     "16th ASEAN-WCO Consultation"}
    calendar = Calendar.from_ical(client.get(reverse("consultations:year_feed")).content)
    session = next(e for e in calendar.events if "Opening" in str(e["SUMMARY"]))
    assert session["DTSTART"].params["TZID"] == "Asia/Brunei"
    assert session.decoded("DTSTART") == dt.datetime(2027, 6, 1, 9, tzinfo=BRUNEI)
    assert client.get(reverse("consultations:year_feed"), {"body": "CCBWG"}).status_code == 200
    assert summaries(client.get(reverse("consultations:year_feed"), {"body": "CCBWG"})) == set()


def test_private_feed_adds_what_the_owner_may_see(client, year, partner_b, delegate):
    partner_feed = reverse("consultations:private_feed",
                           args=[services.calendar_token_for(user=partner_b).token])
    # Japan Customs sees its own unpublished consultation; a delegate does not.
    assert "29th ASEAN-Japan Customs Consultation" in summaries(client.get(partner_feed))
    delegate_feed = reverse("consultations:private_feed",
                            args=[services.calendar_token_for(user=delegate).token])
    names = summaries(client.get(delegate_feed))
    assert "29th ASEAN-Japan Customs Consultation" not in names
    assert "36th DG Meeting: Opening plenary" in names


def test_calendar_page_by_role_in_the_viewers_zone(client_for, year, delegate, partner_b):
    url = reverse("consultations:year_calendar")
    page = client_for(delegate).get(url, {"year": 2027})
    kinds = [(e.kind, e.title) for e in page.context["entries"]]
    assert ("session", "Opening plenary") in kinds
    assert not any("Japan" in title for _, title in kinds)
    session = next(e for e in page.context["entries"] if e.kind == "session")
    # Malaysia's delegate sees 09:00 Brunei time as 09:00 Kuala Lumpur time (+08:00 both).
    assert session.start.hour == 9 and "Kuala Lumpur" in page.content.decode()
    partner_page = client_for(partner_b).get(url, {"year": 2027, "view": "list"})
    assert any("Japan" in e.title for e in partner_page.context["entries"])
    assert client_for(None).get(url, {"year": "nope"}).status_code == 400


@pytest.mark.parametrize("extra", [0, 30])
def test_calendar_page_queries_are_constant(client_for, year, delegate, secretariat, extra,
                                            django_assert_max_num_queries):
    for n in range(extra):
        authoring.session_create(
            actor=secretariat, meeting=year, title=f"Side meeting {n}",
            starts_at=dt.datetime(2027, 6, 2, 13, tzinfo=BRUNEI) + dt.timedelta(minutes=n),
            ends_at=dt.datetime(2027, 6, 2, 14, tzinfo=BRUNEI) + dt.timedelta(minutes=n))
    client = client_for(delegate)
    # session, user, profile zone (administration), bodies, meetings (+ host names),
    # sessions, consultations, session save (3).
    with django_assert_max_num_queries(11):
        assert client.get(reverse("consultations:year_calendar"), {"year": 2027}
                          ).status_code == 200
