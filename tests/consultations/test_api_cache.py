"""The consultations API list from the cache (issue 14): the same queries for 2 rows and for
30, none on a warm cache, and never a copy that shows a caller more than they may see now or
less than the last write, nor a paper whose embargo has lifted a moment too late."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from meetings.models import AccessLevel
from secretariat.models import Role
from secretariat.tokens import token_create
from tests.consultations.factories import ConsultationFactory, dg_meeting, document
from tests.factories import make_person
from tests.meetings.factories import make_head_of_delegation
from tests.workgroups.factories import ChairTermFactory
from workgroups.models import Body

pytestmark = pytest.mark.django_db
LIST = "/api/v1/consultations/?limit=50"


def api(user) -> Client:
    """A client holding an API token of ``user``, as integrations call the list."""
    _row, text = token_create(user=user)
    return Client(headers={"Authorization": f"Token {text}"})


def listed(client, path=LIST) -> dict[int, list[str]]:
    """Consultation id → titles of the papers shown with it."""
    response = client.get(path)
    assert response.status_code == 200, response.content
    return {row["id"]: [d["title"] for d in row["documents"]]
            for row in response.json()["results"]}


@pytest.mark.parametrize("rows", [2, 30])
def test_the_same_queries_for_2_and_30_rows_cold_and_warm(delegate, wco_series, japan_series,
                                                          rows, django_assert_num_queries):
    meeting = dg_meeting(33)
    for n in range(rows):
        consultation = ConsultationFactory(series=wco_series if n % 2 else japan_series,
                                           ordinal=n + 1, meeting=meeting)
        consultation.documents.add(document(f"paper {n}", AccessLevel.MEMBERS))
    client = api(delegate)
    client.get("/api/v1/partners/")  # the token is known, its first use noted
    # cold: the chair terms held now (none, but asked), the embargoes still to lift among
    # the papers with the delegations the caller heads (one UNION ALL), the page (joined with
    # series, partner, meeting and body), its papers (the visibility rule is inline). No
    # COUNT: the page is shorter than the limit.
    with django_assert_num_queries(4):
        assert len(listed(client)) == rows
    # warm: token, rights, audience and page all from the caches.
    with django_assert_num_queries(0):
        assert len(listed(client)) == rows


def test_a_partner_never_gets_a_copy_filled_by_a_member(chair, delegate, partner, wco_draft,
                                                        japan_draft, japan_published):
    japan_published.documents.set([document("Partners brief", AccessLevel.PARTNERS),
                                   document("Members brief", AccessLevel.MEMBERS)])
    # filled by the DG chair's staff (every consultation) and by a delegate (published ones,
    # members' papers) first...
    assert set(listed(api(chair))) == {wco_draft.pk, japan_draft.pk, japan_published.pk}
    assert listed(api(delegate)) == {japan_published.pk: ["Members brief", "Partners brief"]}
    # ...the WCO's partner sees its own draft and the published one, with the partners' paper
    assert listed(api(partner)) == {wco_draft.pk: [], japan_published.pk: ["Partners brief"]}


def test_a_write_shows_on_the_next_request(delegate, japan_published):
    client = api(delegate)
    assert listed(client) == {japan_published.pk: []}
    paper = document("New paper", AccessLevel.MEMBERS)
    japan_published.documents.add(paper)  # the m2m
    assert listed(client) == {japan_published.pk: ["New paper"]}
    paper.access_level = AccessLevel.RESTRICTED
    paper.save()
    assert listed(client) == {japan_published.pk: []}
    japan_published.venue = "Tokyo"
    japan_published.save()
    assert client.get(LIST).json()["results"][0]["venue"] == "Tokyo"
    japan_published.published = False
    japan_published.save()
    assert listed(client) == {}


def test_the_host_meeting_title_follows_the_meetings_data(delegate, japan_published):
    meeting = dg_meeting(33)
    japan_published.meeting = meeting
    japan_published.save()
    client = api(delegate)
    assert client.get(LIST).json()["results"][0]["meeting"]["title"] == "33rd DG Meeting"
    meeting.title = "33rd DG Meeting, Phu Quoc"
    meeting.save()
    assert client.get(LIST).json()["results"][0]["meeting"]["title"] == (
        "33rd DG Meeting, Phu Quoc")


def test_an_embargo_lifts_at_its_instant_without_a_write(partner, japan_published):
    lifts = dt.datetime(2030, 3, 1, 10, 0, tzinfo=dt.UTC)
    paper = document("Embargoed brief", AccessLevel.PARTNERS)
    paper.embargo_until, paper.embargo_level = lifts, AccessLevel.MEMBERS
    paper.save()
    japan_published.documents.add(paper)
    with time_machine.travel(lifts - dt.timedelta(seconds=1), tick=False):
        client = api(partner)  # a token of that time (they expire)
        assert listed(client) == {japan_published.pk: []}
        assert listed(client) == {japan_published.pk: []}  # now from the cache
    with time_machine.travel(lifts, tick=False):
        assert listed(client) == {japan_published.pk: ["Embargoed brief"]}


def test_the_chair_rights_end_with_the_term_without_a_write(thailand, wco_draft,
                                                            japan_published):
    dg, _ = Body.objects.get_or_create(code="DG", defaults={
        "name": "ASEAN Directors-General of Customs Meeting", "kind": Body.Kind.DG_MEETING})
    ChairTermFactory(body=dg, administration=thailand, start_on=dt.date(2000, 1, 1),
                     end_on=dt.date(2030, 5, 31))
    staff = make_person("th.chair", Role.CHAIR, administration=thailand)
    # the term's last day, late evening at the Secretariat (Jakarta, UTC+7)
    with time_machine.travel(dt.datetime(2030, 5, 31, 16, 59, tzinfo=dt.UTC), tick=False):
        client = api(staff)  # a token of that time (they expire)
        assert set(listed(client)) == {wco_draft.pk, japan_published.pk}
    with time_machine.travel(dt.datetime(2030, 5, 31, 17, 0, tzinfo=dt.UTC), tick=False):
        assert set(listed(client)) == {japan_published.pk}


def test_heading_a_delegation_opens_its_restricted_papers_on_the_next_request(
        delegate, japan_published):
    meeting = dg_meeting(33)
    japan_published.documents.add(document("Heads only", AccessLevel.RESTRICTED, meeting))
    client = api(delegate)
    assert listed(client) == {japan_published.pk: []}
    make_head_of_delegation(meeting, delegate)
    assert listed(client) == {japan_published.pk: ["Heads only"]}


def test_filters_and_pages_are_their_own_entries(secretariat, wco_series, japan_series):
    for n in range(3):
        ConsultationFactory(series=wco_series, ordinal=n + 1)
    ConsultationFactory(series=japan_series, ordinal=9)
    client = api(secretariat)
    assert len(listed(client, "/api/v1/consultations/?partner=wco")) == 3
    assert len(listed(client, "/api/v1/consultations/?partner=japan-customs")) == 1
    page = client.get("/api/v1/consultations/?limit=2&offset=2").json()
    assert (page["count"], len(page["results"]), page["next"]) == (4, 2, None)
    assert client.get("/api/v1/consultations/?status=maybe").status_code == 400
