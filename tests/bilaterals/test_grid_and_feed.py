"""Each delegation's grid (venue and own time zone, only its own bilaterals) and its
iCalendar feed, parsed with ``icalendar``."""

import datetime as dt

import pytest
from icalendar import Calendar

from meetings.bilaterals import services
from meetings.bilaterals.models import Bilateral
from meetings.bilaterals.schedule import DASH
from tests.bilaterals.conftest import at, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled(meeting, delegations, rooms, secretariat, japan_customs):
    return {
        "vn_japan": schedule(secretariat, meeting, delegations["VN"], partner=japan_customs,
                             slot=(at(0, "12:15"), at(0, "13:00"))),
        "my_th": schedule(secretariat, meeting, delegations["MY"],
                          delegation=delegations["TH"], slot=(at(0, "12:15"), at(0, "13:00")),
                          size=4),
    }


def _feed(client, delegation) -> Calendar:
    token = services.feed_token_for(delegation)
    response = client.get(f"/bilaterals/feeds/{token}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_each_delegation_feed_shows_only_its_own_bilaterals(client, delegations, scheduled):
    vn = _feed(client, delegations["VN"])
    events = vn.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Bilateral with Japan Customs"]
    event = events[0]
    assert event["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert event["DTSTART"].dt == at(0, "12:15")
    assert [str(tz["TZID"]) for tz in vn.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
    assert str(event["UID"]) == scheduled["vn_japan"].ical_uid
    assert event["SEQUENCE"] == 1
    my = _feed(client, delegations["MY"])
    assert [str(e["SUMMARY"]) for e in my.walk("VEVENT")] == ["Bilateral with Thailand"]
    assert client.get("/bilaterals/feeds/not-a-token/calendar.ics").status_code == 404


def test_a_cancelled_bilateral_stays_in_the_feed_as_cancelled(client, delegations, scheduled,
                                                             secretariat):
    services.bilateral_cancel(actor=secretariat, bilateral_id=scheduled["vn_japan"].pk)
    (event,) = _feed(client, delegations["VN"]).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 2
    assert str(event["UID"]) == scheduled["vn_japan"].ical_uid


def test_grid_in_venue_and_own_time_zone_with_only_own_bilaterals(
        client, meeting, delegations, scheduled, delegate, malaysia):
    client.force_login(delegate)  # Malaysia: UTC+08:00, the venue UTC+07:00
    page = client.get(f"/meetings/{meeting.pk}/bilaterals/").content.decode()
    assert "Phu Quoc time (UTC+07:00)" in page
    assert f"{malaysia.country} time (UTC+08:00)" in page
    assert "Bilateral with Thailand" in page and "with Japan Customs" not in page
    assert f"12:15{DASH}13:00" in page and f"13:15{DASH}14:00" in page  # venue, then Malaysia
    assert "Opening and plenary" in page
    main = page[page.index("<main"):page.index("</main>")]  # (the shared footer is not ours)
    assert "Asia/Kuala_Lumpur" not in main and "Asia/Ho_Chi_Minh" not in main


def test_the_secretariat_sees_the_whole_grid_and_the_rooms(client, meeting, scheduled,
                                                           secretariat):
    client.force_login(secretariat)
    page = client.get(f"/meetings/{meeting.pk}/bilaterals/").content.decode()
    assert f"Viet Nam {DASH} Japan Customs" in page and f"Malaysia {DASH} Thailand" in page
    assert "Lotus" in page and "Orchid" in page


def test_people_without_a_side_at_the_meeting_get_404(client, meeting, scheduled, partner,
                                                      vietnam):
    from secretariat.models import Role
    from tests.factories import AdministrationFactory, make_person

    outsider = make_person("d.ph", Role.DELEGATE,
                           administration=AdministrationFactory(code="PH", country="Philippines"))
    client.force_login(outsider)
    assert client.get(f"/meetings/{meeting.pk}/bilaterals/").status_code == 404
    client.force_login(partner)  # the WCO has no bilateral here: its grid is empty
    page = client.get(f"/meetings/{meeting.pk}/bilaterals/").content.decode()
    assert "with Japan Customs" not in page and "with Thailand" not in page
    answer = client.post(f"/bilaterals/{scheduled['my_th'].pk}/answer/", {"action": "cancel"})
    assert answer.status_code == 404
    assert Bilateral.objects.get(pk=scheduled["my_th"].pk).status == Bilateral.Status.ACCEPTED


def test_a_refused_request_keeps_the_form_and_names_the_clash(client, meeting, delegations,
                                                             scheduled, chair, japan_customs):
    client.force_login(chair)  # head of Viet Nam's delegation
    response = client.post(f"/meetings/{meeting.pk}/bilaterals/request/", {
        "invitee": f"p{japan_customs.pk}", "topic": "Typed topic", "party_size": "6",
        "duration": "45", "slot_1": "2024-06-04T12:30",
    })
    assert response.status_code == 400
    page = response.content.decode()
    assert f"Viet Nam already has the Bilateral: Viet Nam {DASH} Japan Customs" in page
    assert 'value="Typed topic"' in page
    ok = client.post(f"/meetings/{meeting.pk}/bilaterals/request/", {
        "invitee": f"p{japan_customs.pk}", "topic": "Later", "party_size": "6",
        "duration": "45", "slot_1": "2024-06-05T18:00",
    })
    assert ok.status_code == 302
    created = Bilateral.objects.get(topic="Later")
    assert created.proposals.get().starts_at == at(1, "18:00")  # typed as venue time
    assert created.proposals.get().ends_at - created.proposals.get().starts_at == \
        dt.timedelta(minutes=45)
