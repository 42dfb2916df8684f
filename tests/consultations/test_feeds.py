"""Every calendar file parsed with icalendar: UIDs, zones, SEQUENCE, cancellation, scoping."""

import datetime as dt
import logging

import pytest
from django.urls import reverse
from icalendar import Calendar

from consultations import services
from tests.consultations.factories import ConsultationFactory

pytestmark = pytest.mark.django_db
PUBLIC = "/consultations/calendar.ics"


def parse(response) -> Calendar:
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events_by_summary(calendar: Calendar) -> dict:
    return {str(e["SUMMARY"]): e for e in calendar.events}


def assert_well_formed(calendar: Calendar):
    """No floating times: each start and end has a TZID with a VTIMEZONE in the file."""
    zones = {str(tz["TZID"]) for tz in calendar.timezones}
    uids = [str(e["UID"]) for e in calendar.events]
    assert len(uids) == len(set(uids)), "UIDs are unique within a feed"
    for event in calendar.events:
        for prop in ("DTSTART", "DTEND"):
            value = event[prop]
            assert value.dt.tzinfo is not None, f"{prop} is floating"
            assert value.params["TZID"] in zones
        assert "DTSTAMP" in event
        assert str(event["URL"]).startswith("http")
        assert "SEQUENCE" in event


def private_url(user) -> str:
    token = services.calendar_token_for(user=user).token
    return reverse("consultations:private_feed", args=[token])


def test_public_feed_titles_times_and_urls(client, wco_series, japan_published):
    ConsultationFactory(
        series=wco_series, ordinal=13,
        starts_at=dt.datetime(2024, 6, 5, 2, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2024, 6, 5, 3, 0, tzinfo=dt.UTC), date=dt.date(2024, 6, 5),
    )
    calendar = parse(client.get(PUBLIC))

    assert_well_formed(calendar)
    events = events_by_summary(calendar)
    assert set(events) == {"13th ASEAN-WCO Consultation", "26th ASEAN-Japan Customs Consultation"}
    wco_event = events["13th ASEAN-WCO Consultation"]
    # 02:00 UTC is 09:00 at the venue, written with the venue's TZID.
    assert wco_event["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert wco_event["DTSTART"].dt.hour == 9
    assert wco_event["DTSTART"].to_ical() == b"20240605T090000"
    assert "/consultations/" in str(wco_event["URL"])


def test_uids_are_stable_and_sequence_rises(client, secretariat, japan_published):
    before = events_by_summary(parse(client.get(PUBLIC)))["26th ASEAN-Japan Customs Consultation"]

    services.consultation_update(
        actor=secretariat, consultation=japan_published,
        starts_at=japan_published.starts_at + dt.timedelta(hours=1),
        ends_at=japan_published.ends_at + dt.timedelta(hours=1),
    )
    after = events_by_summary(parse(client.get(PUBLIC)))["26th ASEAN-Japan Customs Consultation"]

    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after["DTSTART"].dt - before["DTSTART"].dt == dt.timedelta(hours=1)


def test_cancelled_is_kept_as_cancelled(client, secretariat, japan_published):
    services.consultation_update(actor=secretariat, consultation=japan_published,
                                 status="cancelled")
    calendar = parse(client.get(PUBLIC))
    event = events_by_summary(calendar)["26th ASEAN-Japan Customs Consultation"]
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1


@pytest.mark.parametrize("who", ["anonymous", "secretariat", "partner_b"])
def test_public_feed_never_lists_unpublished(client_for, personas, who, wco_draft, japan_draft,
                                              japan_published):
    # Even a logged-in secretariat gets the public view here: this URL is shared widely.
    calendar = parse(client_for(personas[who]).get(PUBLIC))
    assert [str(e["SUMMARY"]) for e in calendar.events] == [
        "26th ASEAN-Japan Customs Consultation"
    ]
    assert b"secret venue" not in client_for(personas[who]).get(PUBLIC).content


def test_private_feed_is_scoped_to_its_owner_without_a_session(
    client, partner, partner_b, secretariat, wco_draft, japan_draft, japan_published
):
    client.logout()
    wco_view = events_by_summary(parse(client.get(private_url(partner))))
    assert set(wco_view) == {"14th ASEAN-WCO Consultation",
                             "26th ASEAN-Japan Customs Consultation"}
    assert "27th ASEAN-Japan Customs Consultation" not in wco_view

    japan_view = events_by_summary(parse(client.get(private_url(partner_b))))
    assert "14th ASEAN-WCO Consultation" not in japan_view
    assert "27th ASEAN-Japan Customs Consultation" in japan_view

    everything = parse(client.get(private_url(secretariat)))
    assert_well_formed(everything)
    assert len(everything.events) == 3
    response = client.get(private_url(secretariat))
    assert response["Cache-Control"] == "private, no-store"


def test_rotated_token_stops_working(client, caplog, partner, wco_draft):
    old = private_url(partner)
    assert client.get(old).status_code == 200

    services.calendar_token_rotate(actor=partner)

    with caplog.at_level(logging.WARNING, logger="secretariat.security"):
        assert client.get(old).status_code == 404
    assert client.get(private_url(partner)).status_code == 200
    [denied] = [r for r in caplog.records if r.name == "secretariat.security"]
    assert denied.getMessage() == "calendar_feed_denied"
    assert old.split("/")[3] not in str(denied.__dict__), "the security log has no secret"


def test_rotate_through_the_page(client_for, partner, wco_draft):
    old = private_url(partner)
    client = client_for(partner)
    response = client.post(reverse("consultations:calendar_rotate"), {"next": "mine"})
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:my_consultations")
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(private_url(partner)).status_code == 200


def test_rotation_needs_a_login_and_post(client_for, partner):
    url = reverse("consultations:calendar_rotate")
    assert client_for(None).post(url).status_code == 302  # to the login page
    assert client_for(partner).get(url).status_code == 405


def test_unknown_token_and_inactive_owner_are_404(client, partner):
    assert client.get(reverse("consultations:private_feed", args=["x" * 43])).status_code == 404
    url = private_url(partner)
    partner.is_active = False
    partner.save()
    assert client.get(url).status_code == 404


def test_alarm_is_the_subscribers_choice(client, japan_published, secretariat):
    services.consultation_update(actor=secretariat, consultation=japan_published,
                                 venue="Tokyo")
    plain = parse(client.get(PUBLIC))
    assert not list(plain.walk("VALARM"))

    with_alarm = parse(client.get(PUBLIC + "?alarm=30"))
    alarms = list(with_alarm.walk("VALARM"))
    assert len(alarms) == 1
    assert alarms[0]["TRIGGER"].dt == -dt.timedelta(minutes=30)
    assert str(alarms[0]["ACTION"]) == "DISPLAY"


def test_no_alarm_on_a_cancelled_event(client, japan_published, secretariat):
    services.consultation_update(actor=secretariat, consultation=japan_published,
                                 status="cancelled")
    assert not list(parse(client.get(PUBLIC + "?alarm=30")).walk("VALARM"))


@pytest.mark.parametrize("bad", ["-5", "abc", "99999", "1.5", "30;DROP"])
def test_bad_alarm_is_400(client, partner, bad):
    assert client.get(PUBLIC, {"alarm": bad}).status_code == 400
    assert client.get(private_url(partner), {"alarm": bad}).status_code == 400


def test_add_to_calendar_single_event(client_for, partner, wco_draft, japan_draft,
                                      japan_published):
    client = client_for(partner)
    own = client.get(reverse("consultations:event_ics", args=[wco_draft.pk]) + "?alarm=15")
    calendar = parse(own)
    assert own["Content-Disposition"].startswith("attachment;")
    assert_well_formed(calendar)
    [event] = calendar.events
    assert str(event["UID"]) == wco_draft.ical_uid
    assert len(list(calendar.walk("VALARM"))) == 1
    assert own["Cache-Control"] == "private, no-store"

    # Another partner's unpublished one does not exist for this partner.
    url = reverse("consultations:event_ics", args=[japan_draft.pk])
    assert client.get(url).status_code == 404
    assert client_for(None).get(url).status_code == 404
    assert client_for(None).get(
        reverse("consultations:event_ics", args=[japan_published.pk])
    ).status_code == 200


def test_feeds_are_throttled_per_ip(client, japan_published):
    statuses = [client.get(PUBLIC).status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60
    assert statuses[60] == 429
    assert int(client.get(PUBLIC)["Retry-After"]) > 0


def test_feed_query_count_does_not_grow(client, django_assert_max_num_queries, wco_series):
    for n in range(50):
        ConsultationFactory(series=wco_series, ordinal=100 + n)
    # 1 query: consultations joined with series, partner, meeting and body.
    with django_assert_max_num_queries(1):
        calendar = parse(client.get(PUBLIC))
    assert len(calendar.events) == 50


def test_unchanged_feed_answers_304_and_a_change_busts_it(client, secretariat, japan_published):
    first = client.get(PUBLIC)
    etag = first["ETag"]
    assert client.get(PUBLIC).content == first.content, "the same data gives the same bytes"
    assert client.get(PUBLIC, headers={"If-None-Match": etag}).status_code == 304

    services.consultation_update(actor=secretariat, consultation=japan_published,
                                 status="cancelled")
    changed = client.get(PUBLIC, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_half_hour_zone_is_exact(client, japan_series):
    """Asia/Yangon is UTC+06:30: the VTIMEZONE must say so, or the event lands 30 min off."""
    ConsultationFactory(series=japan_series, ordinal=9, time_zone="Asia/Yangon",
                        starts_at=dt.datetime(2020, 8, 19, 7, 30, tzinfo=dt.UTC),
                        ends_at=dt.datetime(2020, 8, 19, 9, 0, tzinfo=dt.UTC),
                        date=dt.date(2020, 8, 19))
    calendar = parse(client.get(PUBLIC))
    [event] = calendar.events
    assert event["DTSTART"].params["TZID"] == "Asia/Yangon"
    assert event["DTSTART"].to_ical() == b"20200819T140000"
    [zone] = calendar.timezones
    assert b"TZOFFSETTO:+0630" in zone.to_ical()
    assert event["DTSTART"].dt.utcoffset() == dt.timedelta(hours=6, minutes=30)
