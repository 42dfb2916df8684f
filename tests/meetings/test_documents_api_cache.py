"""The documents API list from the cache (issue 14): the same queries for 2 papers and for 30,
none on a warm cache; each caller's copy shows what their clearance and their delegations open
now, the last write, and a paper whose embargo lifts at that very instant."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from meetings.models import AccessLevel
from secretariat.tokens import token_create
from tests.meetings.factories import DocumentFactory, make_head_of_delegation

pytestmark = pytest.mark.django_db
LIST = "/api/v1/documents/?limit=50"


def api(user) -> Client:
    _row, text = token_create(user=user)
    return Client(headers={"Authorization": f"Token {text}"})


def titles(client, path=LIST) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, response.content
    return sorted(row["title"] for row in response.json()["results"])


@pytest.mark.parametrize("rows", [2, 30])
def test_the_same_queries_for_2_and_30_papers_cold_and_warm(delegate, meeting, rows,
                                                            django_assert_num_queries):
    for n in range(rows):
        DocumentFactory(meeting=meeting, title=f"Paper {n:02}")
    client = api(delegate)
    client.get("/api/v1/partners/")  # the token is known, its first use noted
    # cold: the embargoes still to lift with the delegations the caller heads (one UNION
    # ALL), the page joined with meeting, body, agenda item and current version (the
    # visibility rule inline). No COUNT: the page is shorter than the limit.
    with django_assert_num_queries(2):
        assert len(titles(client)) == rows
    with django_assert_num_queries(0):
        assert len(titles(client)) == rows


def test_a_partner_never_gets_a_copy_filled_by_a_member(secretariat, delegate, partner,
                                                        meeting):
    DocumentFactory(meeting=meeting, title="Public", access_level=AccessLevel.PUBLIC)
    DocumentFactory(meeting=meeting, title="Partners", access_level=AccessLevel.PARTNERS)
    DocumentFactory(meeting=meeting, title="Members", access_level=AccessLevel.MEMBERS)
    DocumentFactory(meeting=meeting, title="Restricted", access_level=AccessLevel.RESTRICTED)
    assert titles(api(secretariat)) == ["Members", "Partners", "Public", "Restricted"]
    assert titles(api(delegate)) == ["Members", "Partners", "Public"]
    assert titles(api(partner)) == ["Partners", "Public"]


def test_a_write_shows_on_the_next_request(delegate, meeting):
    paper = DocumentFactory(meeting=meeting, title="Draft agenda")
    client = api(delegate)
    assert titles(client) == ["Draft agenda"]
    paper.title = "Agenda"
    paper.save()
    assert titles(client) == ["Agenda"]
    paper.access_level = AccessLevel.RESTRICTED
    paper.save()
    assert titles(client) == []
    make_head_of_delegation(meeting, delegate)  # a head reads the meeting's restricted papers
    assert titles(client) == ["Agenda"]


def test_an_embargo_lifts_at_its_instant_without_a_write(partner, meeting):
    lifts = dt.datetime(2030, 3, 1, 10, 0, tzinfo=dt.UTC)
    DocumentFactory(meeting=meeting, title="Statement", access_level=AccessLevel.PARTNERS,
                    embargo_until=lifts, embargo_level=AccessLevel.MEMBERS)
    with time_machine.travel(lifts - dt.timedelta(seconds=1), tick=False):
        client = api(partner)  # a token of that time (they expire)
        assert titles(client) == []
        assert titles(client) == []  # now from the cache
    with time_machine.travel(lifts, tick=False):
        assert titles(client) == ["Statement"]


def test_the_effective_level_changes_at_the_instant(delegate, meeting):
    lifts = dt.datetime(2030, 3, 1, 10, 0, tzinfo=dt.UTC)
    DocumentFactory(meeting=meeting, title="Statement", access_level=AccessLevel.PUBLIC,
                    embargo_until=lifts, embargo_level=AccessLevel.MEMBERS)
    with time_machine.travel(lifts - dt.timedelta(seconds=1), tick=False):
        client = api(delegate)
        assert client.get(LIST).json()["results"][0]["effective_access_level"] == "members"
    with time_machine.travel(lifts, tick=False):
        assert client.get(LIST).json()["results"][0]["effective_access_level"] == "public"
