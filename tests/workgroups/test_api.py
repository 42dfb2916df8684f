"""The milestones API: ETag / If-Match (T13), history (T14), scoping and query counts (T24)."""

import concurrent.futures
import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.workgroups.factories import MilestoneFactory
from workgroups.models import Milestone
from workgroups.services import milestone_update

pytestmark = pytest.mark.django_db


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(milestone=None, suffix=""):
    return f"/api/v1/milestones/{milestone.pk}/{suffix}" if milestone else "/api/v1/milestones/"


def test_get_returns_the_version_as_etag_and_the_documented_fields(chair, vietnam):
    milestone = MilestoneFactory(leads=[vietnam])
    response = api(chair).get(url(milestone))
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    data = response.json()
    for key in ["id", "code", "title", "body", "status", "progress", "start_date", "due_date",
                "lead_administrations"]:
        assert key in data
    assert data["body"] == "CPTFWG"
    assert data["lead_administrations"] == ["VN"]


def test_t13a_etag_200_then_412_and_428_without_if_match(chair, secretariat):
    """T13 (a): A and B GET the same milestone; A PATCHes with the ETag (200 + new ETag), B
    with the old one (412); a PATCH without If-Match gets 428."""
    milestone = MilestoneFactory()
    etag_a = api(chair).get(url(milestone))["ETag"]
    etag_b = api(secretariat).get(url(milestone))["ETag"]
    first = api(chair).patch(url(milestone), {"progress": 30, "comment": "A"}, format="json",
                             HTTP_IF_MATCH=etag_a)
    assert first.status_code == 200
    assert first["ETag"] == '"2"'
    assert first.json()["progress"] == 30
    second = api(secretariat).patch(url(milestone), {"progress": 60, "comment": "B"},
                                    format="json", HTTP_IF_MATCH=etag_b)
    assert second.status_code == 412
    assert second.json()["current"]["progress"] == 30
    missing = api(secretariat).patch(url(milestone), {"progress": 60}, format="json")
    assert missing.status_code == 428
    milestone.refresh_from_db()
    assert (milestone.progress, milestone.version) == (30, 2)


@pytest.mark.parametrize(
    "payload",
    [{"progress": 101}, {"progress": -5}, {"status": "on_track"}, {"status": "done"},
     {"status": "on_track", "comment": ""}],
)
def test_invalid_values_give_400_and_change_nothing(chair, payload):
    milestone = MilestoneFactory()
    response = api(chair).patch(url(milestone), payload, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 400
    milestone.refresh_from_db()
    assert milestone.version == 1


def test_weak_etag_is_accepted(chair):
    milestone = MilestoneFactory()
    response = api(chair).patch(url(milestone), {"progress": 5}, format="json",
                                HTTP_IF_MATCH='W/"1"')
    assert response.status_code == 200


@pytest.mark.parametrize(("persona", "status"), [
    ("secretariat", 200), ("chair", 200), ("delegate", 403), ("partner", 403)])
def test_who_may_patch(personas, persona, status):
    milestone = MilestoneFactory()
    response = api(personas[persona]).patch(url(milestone), {"progress": 5}, format="json",
                                            HTTP_IF_MATCH='"1"')
    assert response.status_code == status


def test_anonymous_gets_401_or_403(db):
    assert api().get(url()).status_code in {401, 403}


def test_partners_see_published_milestones_only_and_404_for_the_rest(partner, delegate):
    public = MilestoneFactory(published=True)
    internal = MilestoneFactory(published=False)
    codes = {m["code"] for m in api(partner).get(url()).json()["results"]}
    assert codes == {public.code}
    assert api(partner).get(url(internal)).status_code == 404
    assert api(partner).get(url(public, "history/")).status_code == 403
    assert {m["code"] for m in api(delegate).get(url()).json()["results"]} == {
        public.code, internal.code}


def test_filters(chair, malaysia):
    a = MilestoneFactory(status="at_risk", leads=[malaysia])
    MilestoneFactory(status="on_track")
    got = api(chair).get(url(), {"status": "at_risk", "lead_administration": "MY",
                                 "body": "CPTFWG"}).json()["results"]
    assert [m["code"] for m in got] == [a.code]


def test_history_lists_changes_with_usernames_and_is_read_only(chair, secretariat):
    milestone = MilestoneFactory()
    milestone_update(actor=chair, milestone_id=milestone.pk, expected_version=1,
                     changes={"progress": 10}, comment="first")
    milestone_update(actor=secretariat, milestone_id=milestone.pk, expected_version=2,
                     changes={"status": "on_track"}, comment="second")
    response = api(chair).get(url(milestone, "history/"))
    assert response.status_code == 200
    assert [(h["username"], h["comment"]) for h in response.json()] == [
        ("sec.staff", "second"), ("chair.staff", "first")]
    assert response.json()[0]["changes"] == [
        {"field": "Status", "old": "Not started", "new": "On track"}]
    for method in ("post", "put", "patch", "delete"):
        assert getattr(api(secretariat), method)(url(milestone, "history/")).status_code == 405


def test_bodies_carry_their_code(chair):
    MilestoneFactory()
    response = api(chair).get("/api/v1/bodies/")
    assert response.status_code == 200
    assert "CPTFWG" in {b["code"] for b in response.json()["results"]}
    assert api(chair).get("/api/v1/bodies/CPTFWG/").json()["code"] == "CPTFWG"


@pytest.mark.parametrize("rows", [2, 50])
def test_t24_milestone_list_query_count_is_fixed(chair, vietnam, malaysia,
                                                 django_assert_max_num_queries, rows):
    for _ in range(rows):
        MilestoneFactory(leads=[vietnam, malaysia])
    client = api(chair)
    # user profile (role), page of milestones with body/action line/goal/plan codes, their
    # lead administrations, and the COUNT when the page is full (50 rows). A second read of
    # the same list comes from the cache (tests/workgroups/test_caching.py).
    with django_assert_max_num_queries(4):
        response = client.get(url())
    assert response.json()["count"] == rows


@pytest.mark.django_db(transaction=True)
def test_t13b_twenty_concurrent_patches_exactly_one_wins(chair):
    """T13 (b): 20 threads PATCH the same milestone with the same ETag on PostgreSQL; the
    conditional UPDATE lets exactly one through."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions")
    milestone = MilestoneFactory()
    barrier = threading.Barrier(20)

    def patch(n):
        from django.db import connections

        try:
            client = api(chair)
            barrier.wait(timeout=10)
            return client.patch(url(milestone), {"progress": n + 1, "comment": f"t{n}"},
                                format="json", HTTP_IF_MATCH='"1"').status_code
        finally:
            connections.close_all()

    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        statuses = sorted(pool.map(patch, range(20)))
    assert statuses == [200] + [412] * 19
    milestone = Milestone.objects.get(pk=milestone.pk)
    assert milestone.version == 2
    assert Milestone.history.filter(id=milestone.pk, history_type="~").count() == 1
