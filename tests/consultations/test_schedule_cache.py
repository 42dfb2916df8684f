"""The schedule's cached lists (issue 14): kept per audience, never shown to anyone who may not
see them, and never older than the last write."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.consultations.factories import ConsultationFactory
from workgroups.models import Body, BodyChairTerm

pytestmark = pytest.mark.django_db
SCHEDULE = reverse("consultations:schedule")


def test_a_partners_own_draft_filled_in_the_cache_is_never_shown_to_others(
        client_for, partner, partner_b, delegate, wco_draft, japan_draft):
    assert "WCO draft venue" in client_for(partner).get(SCHEDULE).content.decode()
    for viewer in (partner_b, delegate, None):
        page = client_for(viewer).get(SCHEDULE).content.decode()
        assert "WCO draft venue" not in page
    assert "Japan secret venue" in client_for(partner_b).get(SCHEDULE).content.decode()
    assert "Japan secret venue" not in client_for(partner).get(SCHEDULE).content.decode()


def test_a_change_shows_at_the_next_request(client_for, delegate, wco_series):
    consultation = ConsultationFactory(series=wco_series, ordinal=9, published=True,
                                       venue="Siem Reap")
    client = client_for(delegate)
    assert "Siem Reap" in client.get(SCHEDULE).content.decode()
    consultation.venue = "Da Nang"
    consultation.save()
    page = client.get(SCHEDULE).content.decode()
    assert "Da Nang" in page and "Siem Reap" not in page
    ConsultationFactory(series=wco_series, ordinal=10, published=True, venue="Vientiane")
    assert "Vientiane" in client.get(SCHEDULE).content.decode()


def test_the_dg_chairs_staff_see_drafts_from_the_first_minute_of_the_term(
        client_for, delegate, wco_draft):
    """The audience is worked out at the moment of each request: a term that starts needs no
    write to change what the cached schedule shows its staff."""
    dg, _ = Body.objects.get_or_create(
        code="DG", defaults={"name": "ASEAN Directors-General of Customs Meeting",
                             "kind": Body.Kind.DG_MEETING})
    BodyChairTerm.objects.create(body=dg, administration=delegate.profile.administration,
                                 start_on=dt.date(2031, 1, 1))
    for moment, shown in ((dt.datetime(2030, 12, 31, 10, tzinfo=dt.UTC), False),
                          (dt.datetime(2031, 1, 1, 10, tzinfo=dt.UTC), True)):
        with time_machine.travel(moment, tick=False):
            response = client_for(delegate).get(SCHEDULE)  # a fresh session at that moment
            assert response.wsgi_request.user == delegate
            assert ("WCO draft venue" in response.content.decode()) is shown


@pytest.mark.parametrize("rows", [2, 30])
def test_a_warm_schedule_costs_one_query_for_any_rows(client_for, partner, wco_series,
                                                      japan_series, django_assert_num_queries,
                                                      rows):
    for n in range(rows):
        ConsultationFactory(series=wco_series if n % 2 else japan_series, ordinal=n + 1,
                            published=n % 3 != 0)
    client = client_for(partner)
    client.get(SCHEDULE)  # fills the caches, creates the feed token, refreshes the session
    # the viewer's own feed token: everything else from the caches
    with django_assert_num_queries(1):
        assert client.get(SCHEDULE).status_code == 200
    # a filter not asked for before: the token, then the upcoming and the past lists
    with django_assert_num_queries(3):
        assert client.get(SCHEDULE + "?year=2030").status_code == 200
    with django_assert_num_queries(1):  # the filtered page is cached too
        assert client.get(SCHEDULE + "?year=2030").status_code == 200
