"""The cached roll-ups (``workgroups.caching``): a write shows on the very next read, and a
cached page is never handed to a viewer who may see or edit something else."""

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.core.cache.backends.dummy import DummyCache
from django.urls import reverse
from rest_framework.test import APIClient

from secretariat import dataversion
from tests.workgroups.factories import (
    BodyFactory,
    ChairTermFactory,
    MilestoneFactory,
    NationalImplementationFactory,
)
from workgroups import caching
from workgroups.api import MilestoneSerializer
from workgroups.bulk import apply_preview
from workgroups.models import Milestone
from workgroups.services import milestone_update

pytestmark = pytest.mark.django_db


def dashboard(client, **params) -> str:
    response = client.get(reverse("workgroups:dashboard"), params)
    assert response.status_code == 200
    return response.content.decode()


def body_progress(page: str, code: str) -> str:
    """The ``data-progress`` of a body's row in the "Progress by body" table."""
    row = page.split(f">{code}</a></th>", 1)[1]
    return row.split('data-progress="', 1)[1].split('"', 1)[0]


def test_an_edit_in_the_browser_shows_on_the_next_dashboard(client_for, chair):
    milestone = MilestoneFactory(progress=10, status="on_track")
    client = client_for(chair)
    assert body_progress(dashboard(client), "CPTFWG") == "10.0"
    assert body_progress(dashboard(client), "CPTFWG") == "10.0"  # now served from the cache
    response = client.post(reverse("workgroups:milestone", args=[milestone.pk]), {
        "status": "at_risk", "progress": 35, "start_date": "2026-01-01",
        "due_date": "2026-12-31", "comment": "Pilot slipped", "version": milestone.version,
    })
    assert response.status_code == 302
    page = dashboard(client)
    assert body_progress(page, "CPTFWG") == "35.0"
    assert 'data-status="at_risk">1<' in page and 'data-status="on_track">0<' in page


def test_an_edit_by_someone_else_shows_on_my_dashboard(client_for, chair, secretariat):
    milestone = MilestoneFactory(progress=10)
    client = client_for(secretariat)
    assert body_progress(dashboard(client), "CPTFWG") == "10.0"
    milestone_update(actor=chair, milestone_id=milestone.pk, expected_version=1,
                     changes={"progress": 60}, comment="Pilot done")
    assert body_progress(dashboard(client), "CPTFWG") == "60.0"


def test_a_national_status_update_shows_in_the_matrix_and_rate(client_for, chair, vietnam):
    row = NationalImplementationFactory(administration=vietnam, status="in_progress")
    client = client_for(chair)
    assert "0 of 1 rows" in dashboard(client)
    response = client.post(
        reverse("workgroups:national_update", args=[row.milestone.pk, vietnam.code]),
        {"status": "implemented", "status_on": "2026-05-01", "note": "",
         "version": row.version},
    )
    assert response.status_code == 302
    assert "1 of 1 rows" in dashboard(client)


def test_a_save_outside_the_services_also_invalidates(client_for, chair):
    """Admin edits and the demo loader save models directly; the signal receivers bump."""
    milestone = MilestoneFactory(title="ASEAN Customs Transit System live")
    client = client_for(chair)
    assert "ASEAN Customs Transit System live" in dashboard(client)
    milestone.title = "ACTS extended to all member states"
    milestone.save()
    assert "ACTS extended to all member states" in dashboard(client)
    milestone.lead_administrations.add(chair.profile.administration)
    assert f'data-label="Lead">{chair.profile.administration.code}</td>' in dashboard(client)


def test_the_version_changes_again_after_commit(chair, django_capture_on_commit_callbacks):
    """An entry a reader computed from pre-commit data under the early token is dropped."""
    milestone = MilestoneFactory()
    before = caching.plan_data_version()
    with django_capture_on_commit_callbacks(execute=True):
        milestone_update(actor=chair, milestone_id=milestone.pk, expected_version=1,
                         changes={"progress": 5}, comment="start")
        during = caching.plan_data_version()
    assert len({before, during, caching.plan_data_version()}) == 3


def test_viewers_who_may_edit_less_never_get_the_editors_copy(client_for, chair, delegate):
    """Chair-country staff may edit every row; a delegate whose administration chairs no
    body may edit none: same data, different buttons."""
    milestone = MilestoneFactory()
    edit = reverse("workgroups:milestone_row", args=[milestone.pk]) + "?edit=1"
    assert edit in dashboard(client_for(chair))
    assert edit not in dashboard(client_for(delegate))


def test_a_chairing_delegate_gets_the_buttons_of_its_bodies(client_for, delegate, malaysia):
    ChairTermFactory(body=BodyFactory(code="CECWG"), administration=malaysia,
                     start_on=dt.date(2026, 1, 1), end_on=None)
    own = MilestoneFactory(body=BodyFactory(code="CECWG"))
    other = MilestoneFactory()
    page = dashboard(client_for(delegate))
    page = dashboard(client_for(delegate))  # the cached copy
    assert reverse("workgroups:milestone_row", args=[own.pk]) + "?edit=1" in page
    assert reverse("workgroups:milestone_row", args=[other.pk]) + "?edit=1" not in page


def test_the_public_never_gets_the_members_copy(client_for, chair, partner):
    MilestoneFactory(code="PUBLIC-1", published=True)
    MilestoneFactory(code="INTERNAL-1", published=False)
    assert "INTERNAL-1" in dashboard(client_for(chair))
    for viewer in (partner, None):
        page = dashboard(client_for(viewer))
        assert "PUBLIC-1" in page and "INTERNAL-1" not in page


def test_every_read_is_computed_when_the_cache_is_away(client_for, chair, monkeypatch):
    """Redis down: the resilient cache answers like a cache that keeps nothing."""
    monkeypatch.setattr(dataversion, "cache", DummyCache("", {}))
    milestone = MilestoneFactory(progress=10)
    client = client_for(chair)
    assert body_progress(dashboard(client), "CPTFWG") == "10.0"
    milestone_update(actor=chair, milestone_id=milestone.pk, expected_version=1,
                     changes={"progress": 20}, comment="no cache")
    assert body_progress(dashboard(client), "CPTFWG") == "20.0"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_list_rows_are_exactly_the_serializers(chair, vietnam, malaysia, thailand):
    """The list is built by hand from ``.values()``; it must stay what the serializer says."""
    MilestoneFactory(leads=[thailand, vietnam, malaysia], start_date=None, progress=45,
                     implemented_nationally=True, published=True)
    MilestoneFactory(leads=[])
    MilestoneFactory(leads=[malaysia], due_date=None)
    listed = api(chair).get("/api/v1/milestones/").json()["results"]
    expected = MilestoneSerializer(
        Milestone.objects.with_related().order_by("due_date", "code"), many=True).data
    assert listed == json.loads(json.dumps(expected))
    assert [list(row) for row in listed] == [list(row) for row in expected]  # key order too


def test_api_list_shows_a_patch_at_once(chair, partner):
    milestone = MilestoneFactory(progress=10, published=True)
    client = api(chair)
    assert client.get("/api/v1/milestones/").json()["results"][0]["progress"] == 10
    response = client.patch(f"/api/v1/milestones/{milestone.pk}/", {"progress": 70},
                            format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200
    assert client.get("/api/v1/milestones/").json()["results"][0]["progress"] == 70
    assert api(partner).get("/api/v1/milestones/").json()["results"][0]["progress"] == 70


def test_api_list_cache_is_per_audience(chair, partner):
    MilestoneFactory(code="PUBLIC-1", published=True)
    MilestoneFactory(code="INTERNAL-1", published=False)
    assert api(chair).get("/api/v1/milestones/").json()["count"] == 2
    listed = api(partner).get("/api/v1/milestones/").json()
    assert (listed["count"], listed["results"][0]["code"]) == (1, "PUBLIC-1")


def test_api_list_counts_only_when_the_page_is_full(chair, django_assert_num_queries):
    for _ in range(3):
        MilestoneFactory()
    client = api(chair)  # force_authenticate: the user and its profile are already loaded
    # the page (shorter than the limit: it is the whole list), its leads.
    with django_assert_num_queries(2):
        assert client.get("/api/v1/milestones/?limit=5").json()["count"] == 3
    # a full page: the COUNT too; next link kept.
    with django_assert_num_queries(3):
        full = client.get("/api/v1/milestones/?limit=2").json()
    assert full["count"] == 3 and "offset=2" in full["next"]
    # a page past the end must count to say how many there are.
    assert client.get("/api/v1/milestones/?limit=2&offset=9").json() == {
        "count": 3, "next": None, "previous": full["next"].replace("offset=2", "offset=7"),
        "results": []}
    # the same list again: from the cache.
    with django_assert_num_queries(0):
        client.get("/api/v1/milestones/?limit=5")


def test_public_copies_follow_the_writes(client, chair):
    """Anonymous visitors get whole pages from the process's memory, but never one older
    than the last write."""
    milestone = MilestoneFactory(progress=10, published=True)
    for _ in range(2):
        assert body_progress(dashboard(client), "CPTFWG") == "10.0"
        assert "10 %" in client.get(reverse("workgroups:body_list")).content.decode()
    milestone_update(actor=chair, milestone_id=milestone.pk, expected_version=1,
                     changes={"progress": 90}, comment="done soon")
    assert body_progress(dashboard(client), "CPTFWG") == "90.0"
    assert "90 %" in client.get(reverse("workgroups:body_list")).content.decode()


def test_logged_in_visitors_never_get_the_public_copy(client, client_for, chair):
    MilestoneFactory(code="INTERNAL-1", published=False)
    MilestoneFactory(code="PUBLIC-1", published=True)
    assert "INTERNAL-1" not in dashboard(client)
    assert "INTERNAL-1" in dashboard(client_for(chair))


def test_body_list_follows_chair_terms(client_for, chair, malaysia):
    client = client_for(chair)
    body = BodyFactory(code="CECWG")
    assert "Malaysia" not in client.get(reverse("workgroups:body_list")).content.decode()
    ChairTermFactory(body=body, administration=malaysia, start_on=dt.date(2026, 1, 1),
                     end_on=None)
    assert "Malaysia" in client.get(reverse("workgroups:body_list")).content.decode()


def test_home_panel_follows_the_writes(client_for, chair):
    milestone = MilestoneFactory(code="RISKY", status="at_risk", due_date=dt.date(2099, 1, 1))
    client = client_for(chair)
    assert "RISKY" in client.get(reverse("home")).content.decode()
    milestone_update(actor=chair, milestone_id=milestone.pk, expected_version=1,
                     changes={"status": "on_track"}, comment="back on track")
    assert "RISKY" not in client.get(reverse("home")).content.decode()


def test_each_page_and_filter_has_its_own_copy(client_for, chair):
    for n in range(55):
        MilestoneFactory(code=f"P-{n:02d}", status="at_risk" if n == 54 else "on_track",
                         due_date=dt.date(2027, 1, 1) + dt.timedelta(days=n))
    client = client_for(chair)
    first, second = dashboard(client), dashboard(client, page="2")
    assert "P-00" in first and "P-00" not in second
    assert "P-53" in second and "P-53" not in first
    assert "P-01" not in dashboard(client, status="at_risk")


def test_errors_are_never_cached(client, client_for, chair):
    hidden = MilestoneFactory(published=True).action_line.goal.plan
    hidden.published = False
    hidden.save()
    url = reverse("workgroups:dashboard")
    for _ in range(2):
        assert client.get(url, {"plan": hidden.pk}).status_code == 404
    assert client_for(chair).get(url, {"plan": hidden.pk}).status_code == 200
    assert client_for(None).get(url, {"plan": hidden.pk}).status_code == 404


def test_a_bulk_apply_bumps_once_and_shows_at_once(client_for, chair, monkeypatch):
    first, second = MilestoneFactory(progress=10), MilestoneFactory(progress=20)
    client = client_for(chair)
    assert body_progress(dashboard(client), "CPTFWG") == "15.0"
    bumps = []
    monkeypatch.setattr(caching.PLAN, "_new", lambda: bumps.append(1) or cache.set(
        caching.VERSION_KEY, f"v{len(bumps)}", timeout=None))
    apply_preview(actor=chair, rows=[
        {"id": first.pk, "version": 1, "changes": {"progress": 50}, "comment": "bulk"},
        {"id": second.pk, "version": 1, "changes": {"progress": 70}, "comment": "bulk"},
    ])
    assert len(bumps) == 1  # the test's own transaction never commits: the at-once bump
    assert body_progress(dashboard(client), "CPTFWG") == "60.0"
