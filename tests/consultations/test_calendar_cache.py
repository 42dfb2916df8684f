"""The year calendar page and the public feeds, cached under the meetings' and the calendar's
data versions (issue 14): one copy per audience, never shown to a viewer of another, rights
computed at the instant of the request, every write seen on the next request, and the
queries of a page the same with 2 and with 30 sessions."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from consultations import services
from meetings import authoring
from secretariat.models import Partner
from tests.consultations.factories import ConsultationFactory
from tests.consultations.test_year_calendar import summaries
from tests.meetings.factories import MeetingFactory
from tests.workgroups.factories import ChairTermFactory
from workgroups.models import Body

pytestmark = pytest.mark.django_db
BRUNEI = zoneinfo.ZoneInfo("Asia/Brunei")
PAGE = reverse("consultations:year_calendar")
YEAR_FEED = reverse("consultations:year_feed")
PUBLIC_FEED = reverse("consultations:public_feed")


@pytest.fixture
def year(wco_series, japan_series, secretariat, malaysia):
    meeting = MeetingFactory(ordinal=36, start_date=dt.date(2027, 6, 1), host=malaysia,
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


def _page(client, **params) -> str:
    response = client.get(PAGE, {"year": 2027, **params})
    assert response.status_code == 200
    return response.content.decode()


DRAFT = "29th ASEAN-Japan Customs Consultation"


def test_a_copy_is_never_shown_to_another_audience(client_for, year, partner_b, partner,
                                                   delegate, secretariat):
    # Japan Customs sees its own unpublished consultation first, filling the cache...
    assert DRAFT in _page(client_for(partner_b))
    assert DRAFT in _page(client_for(partner_b))
    # ...which the WCO, a delegate and the public never get; the secretariat sees it.
    assert DRAFT not in _page(client_for(partner))
    assert DRAFT not in _page(client_for(delegate))
    assert DRAFT not in _page(client_for(None))
    assert DRAFT in _page(client_for(secretariat))
    assert DRAFT not in _page(client_for(delegate))


def test_chair_rights_are_those_of_the_instant(client_for, year, delegate_b):
    """Given Thailand chairs the DG meeting until 31 May 2027, when its staff open the
    calendar on that day and on the next (nothing written between), then the unpublished
    consultation is there on the last day of the term and gone the day after."""
    dg, _ = Body.objects.get_or_create(code="DG", defaults={
        "name": "ASEAN Directors-General of Customs Meeting", "kind": Body.Kind.DG_MEETING})
    ChairTermFactory(body=dg, administration=delegate_b.profile.administration,
                     start_on=dt.date(2026, 6, 1), end_on=dt.date(2027, 5, 31))
    with time_machine.travel(dt.datetime(2027, 5, 31, 16, 59, tzinfo=dt.UTC), tick=False):
        client = client_for(delegate_b)  # a session of that day (sessions expire)
        assert DRAFT in _page(client)  # 23:59 in Jakarta, the term's last day
        assert DRAFT in _page(client)
    with time_machine.travel(dt.datetime(2027, 5, 31, 17, 0, tzinfo=dt.UTC), tick=False):
        assert DRAFT not in _page(client)


def test_every_write_shows_on_the_next_request(client_for, year, delegate, secretariat,
                                               wco_series):
    client = client_for(delegate)
    assert "Opening plenary" in _page(client)
    session = year.sessions.get()
    # The authoring service writes with a conditional UPDATE (no signal).
    authoring.session_update(actor=secretariat, session_id=session.pk,
                             expected_version=session.version,
                             changes={"title": "Heads of delegation"})
    page = _page(client)
    assert "Heads of delegation" in page and "Opening plenary" not in page
    authoring.meeting_update(actor=secretariat, meeting_id=year.pk,
                             expected_version=type(year).objects.get(pk=year.pk).version,
                             changes={"city": "Bandar Seri Begawan"})
    assert "Bandar Seri Begawan" in _page(client)
    # The consultations' side: a consultation, its series, its partner.
    consultation = ConsultationFactory(series=wco_series, ordinal=17, published=True,
                                       starts_at=dt.datetime(2027, 9, 1, 1, tzinfo=dt.UTC),
                                       ends_at=dt.datetime(2027, 9, 1, 2, tzinfo=dt.UTC),
                                       date=dt.date(2027, 9, 1))
    assert "17th ASEAN-WCO Consultation" in _page(client)
    services.consultation_update(actor=secretariat, consultation=consultation,
                                 status="cancelled")
    assert "Cancelled" in _page(client, view="list")
    wco_series.title = "ASEAN-WCO Dialogue"
    wco_series.save()
    assert "17th ASEAN-WCO Dialogue" in _page(client, view="list")
    Partner.objects.filter(pk=wco_series.partner_id).first().save()  # signal path
    assert "17th ASEAN-WCO Dialogue" in _page(client, view="list")


@pytest.mark.parametrize("extra", [0, 30])
def test_page_queries_are_pinned_on_a_miss_and_on_a_hit(client_for, year, delegate,
                                                        secretariat, extra,
                                                        django_assert_num_queries):
    for n in range(extra):
        authoring.session_create(
            actor=secretariat, meeting=year, title=f"Side meeting {n}",
            starts_at=dt.datetime(2027, 6, 2, 13, tzinfo=BRUNEI) + dt.timedelta(minutes=n),
            ends_at=dt.datetime(2027, 6, 2, 14, tzinfo=BRUNEI) + dt.timedelta(minutes=n))
    client = client_for(delegate)
    client.get(YEAR_FEED)  # the login's first request saves the session (3 queries)
    # The session comes from Redis and the user from this process (secretariat.sessions and
    # .auth). Miss: body codes, the delegate's chair terms (rights now, then kept for the
    # day), meetings, their hosts' names, sessions (with meeting, body, host), consultations.
    with django_assert_num_queries(6):
        _page(client)
    # Hit: nothing about meetings, consultations or the chair terms.
    with django_assert_num_queries(0):
        page = _page(client)
    assert page.count("Side meeting") == extra


def test_the_form_as_sent_is_part_of_the_copy(client_for, year, delegate):
    client = client_for(delegate)
    assert 'value="list" selected' in _page(client, view="list")
    assert 'value="list" selected' not in _page(client, view="month")
    assert 'value="list" selected' not in _page(client)


# --- Feeds ------------------------------------------------------------------------------------


def test_feeds_show_every_write_on_the_next_request(client, year, secretariat, wco_series):
    assert "36th DG Meeting: Opening plenary" in summaries(client.get(YEAR_FEED))
    first_etag = client.get(YEAR_FEED)["ETag"]
    session = year.sessions.get()
    authoring.session_update(actor=secretariat, session_id=session.pk,
                             expected_version=session.version, changes={"title": "Plenary"})
    changed = client.get(YEAR_FEED, headers={"If-None-Match": first_etag})
    assert changed.status_code == 200 and changed["ETag"] != first_etag
    assert "36th DG Meeting: Plenary" in summaries(changed)
    assert client.get(YEAR_FEED, headers={"If-None-Match": changed["ETag"]}).status_code == 304

    assert DRAFT not in summaries(client.get(PUBLIC_FEED))
    draft = year.consultations.get(ordinal=29)
    services.consultation_update(actor=secretariat, consultation=draft, published=True)
    assert DRAFT in summaries(client.get(PUBLIC_FEED))
    assert DRAFT in summaries(client.get(YEAR_FEED))


def test_public_feeds_are_the_anonymous_view_whoever_asks(client_for, year, partner_b,
                                                          secretariat):
    # The owner of the draft (and the secretariat) asking first fills no copy with it.
    for who in (partner_b, secretariat, None):
        client = client_for(who)
        assert DRAFT not in summaries(client.get(PUBLIC_FEED))
        assert DRAFT not in summaries(client.get(YEAR_FEED))
    # The private feed stays the owner's own.
    token = services.calendar_token_for(user=partner_b).token
    private = client_for(None).get(reverse("consultations:private_feed", args=[token]))
    assert DRAFT in summaries(private)
    assert private["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("extra", [0, 30])
def test_feed_queries_are_pinned_on_a_miss_and_on_a_hit(client, year, secretariat, extra,
                                                        django_assert_num_queries):
    for n in range(extra):
        authoring.session_create(
            actor=secretariat, meeting=year, title=f"Side meeting {n}",
            starts_at=dt.datetime(2027, 6, 2, 13, tzinfo=BRUNEI) + dt.timedelta(minutes=n),
            ends_at=dt.datetime(2027, 6, 2, 14, tzinfo=BRUNEI) + dt.timedelta(minutes=n))
    # Miss: meetings, their hosts' names, sessions (with meeting, body and host),
    # consultations; the consultations' feed: one query.
    with django_assert_num_queries(4):
        assert len(summaries(client.get(YEAR_FEED))) == 3 + extra
    with django_assert_num_queries(1):
        client.get(PUBLIC_FEED)
    with django_assert_num_queries(0):
        client.get(YEAR_FEED)
        client.get(PUBLIC_FEED)
