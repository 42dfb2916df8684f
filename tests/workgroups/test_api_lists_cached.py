"""The bodies, chair terms and partners API lists from the cache (issue 14): the same queries
for few rows and for many, none on a warm cache, one copy per audience, and the last write
(or the day's change of the current term) on the very next request."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from secretariat.tokens import token_create
from tests.factories import PartnerFactory
from tests.workgroups.factories import BodyFactory, ChairTermFactory, MilestoneFactory
from workgroups.models import Body
from workgroups.services import milestone_update

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    _row, text = token_create(user=user)
    client = Client(headers={"Authorization": f"Token {text}"})
    client.get("/api/v1/me/")  # the token is known, its first use noted
    return client


def rows(client, path) -> list[dict]:
    response = client.get(path)
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize("extra", [1, 25])
def test_bodies_cost_the_same_for_few_and_many_cold_and_warm(delegate, extra,
                                                             django_assert_num_queries):
    for n in range(extra):
        BodyFactory(code=f"WG{n:02}", name=f"Working group {n}")
    client = api(delegate)
    # cold, as the list always cost: COUNT, the bodies with the body they report to, the
    # plan running today (none here), then the latest (none), the body tree of the figures,
    # and the COUNT once more.
    with django_assert_num_queries(6):
        assert len(rows(client, "/api/v1/bodies/")) == Body.objects.count()
    with django_assert_num_queries(0):
        rows(client, "/api/v1/bodies/")


def test_body_figures_follow_the_writes_and_the_audience(chair, partner):
    hidden = MilestoneFactory(progress=20, published=False)
    MilestoneFactory(progress=40, published=True)
    member, public = api(chair), api(partner)

    def figure(client):
        body = next(b for b in rows(client, "/api/v1/bodies/") if b["code"] == "CPTFWG")
        return body["rollup"]["milestones"], body["rollup"]["progress"]

    assert figure(member) == (2, 30.0)
    assert figure(public) == (1, 40.0)  # never the members' copy
    milestone_update(actor=chair, milestone_id=hidden.pk, expected_version=1,
                     changes={"progress": 60}, comment="")
    assert figure(member) == (2, 50.0)


@pytest.mark.parametrize("terms", [2, 30])
def test_chair_terms_cost_the_same_for_few_and_many(delegate, malaysia, terms,
                                                    django_assert_num_queries):
    for n in range(terms):
        ChairTermFactory(body=BodyFactory(code=f"B{n:02}"), administration=malaysia)
    client = api(delegate)
    # cold: COUNT, the terms with body and administration.
    with django_assert_num_queries(2):
        assert len(rows(client, "/api/v1/chair-terms/")) == terms
    with django_assert_num_queries(0):
        rows(client, "/api/v1/chair-terms/")


def test_the_current_term_changes_with_the_day_and_a_new_term_shows_at_once(delegate, malaysia):
    body = BodyFactory(code="CECWG")
    ChairTermFactory(body=body, administration=malaysia, start_on=dt.date(2030, 1, 1),
                     end_on=dt.date(2030, 5, 31))
    # 17:00 UTC is midnight at the Secretariat (Jakarta): the term's last day ends there.
    with time_machine.travel(dt.datetime(2030, 5, 31, 16, 59, tzinfo=dt.UTC), tick=False):
        client = api(delegate)  # a token of that time (they expire)
        assert [t["current"] for t in rows(client, "/api/v1/chair-terms/")] == [True]
    with time_machine.travel(dt.datetime(2030, 5, 31, 17, 0, tzinfo=dt.UTC), tick=False):
        assert [t["current"] for t in rows(client, "/api/v1/chair-terms/")] == [False]
        ChairTermFactory(body=body, administration=malaysia, start_on=dt.date(2030, 6, 1),
                         end_on=None)
        assert sorted(t["current"] for t in rows(client, "/api/v1/chair-terms/")) == [
            False, True]


def test_partners_cost_nothing_warm_and_a_new_partner_shows_at_once(delegate,
                                                                     django_assert_num_queries):
    PartnerFactory(slug="wco", name="World Customs Organization", short_name="WCO")
    client = api(delegate)
    assert [p["slug"] for p in rows(client, "/api/v1/partners/")] == ["wco"]
    with django_assert_num_queries(0):
        rows(client, "/api/v1/partners/")
    PartnerFactory(slug="japan-customs", name="Japan Customs", short_name="Japan Customs")
    assert [p["slug"] for p in rows(client, "/api/v1/partners/")] == ["japan-customs", "wco"]
