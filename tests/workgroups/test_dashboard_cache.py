"""The Strategic Plan dashboard's cached copies (issue 14), beside ``test_caching.py``:
constant queries from 2 to 30 milestones, rights right at the instant a chair term starts,
and the anonymous copy's stated bound (this process's writes at once, another's within
``PUBLIC_VERSION_SECONDS``)."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from secretariat import dataversion
from tests.workgroups.factories import BodyFactory, ChairTermFactory, MilestoneFactory
from workgroups.caching import PLAN
from workgroups.services import milestone_update

pytestmark = pytest.mark.django_db


def dashboard(client) -> str:
    response = client.get(reverse("workgroups:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def _milestones(n, start=0):
    for i in range(start, start + n):
        MilestoneFactory(code=f"M-{i:03d}", published=i % 2 == 0,
                         status="at_risk" if i % 3 else "on_track")


@pytest.mark.parametrize("who", ["anonymous", "chair", "delegate", "partner"])
def test_dashboard_costs_the_same_queries_with_2_milestones_and_with_30(
        who, request, client_for, django_assert_num_queries):
    client = client_for(None if who == "anonymous" else request.getfixturevalue(who))
    # Warm: no query for anyone. An anonymous visitor gets the whole page from memory; a
    # logged-in viewer's session comes from Redis, the user from this process
    # (secretariat.sessions and .auth), the chair terms and the content from the cache.
    expected = 0
    _milestones(2)
    dashboard(client)
    with django_assert_num_queries(expected):
        few = dashboard(client)
    _milestones(28, start=2)
    dashboard(client)
    with django_assert_num_queries(expected):
        many = dashboard(client)
    assert "M-028" in many and "M-028" not in few


def test_the_cached_content_is_the_page_s_own(client_for, chair):
    """The content is kept as bytes and spliced into the page: the page is whole, once."""
    MilestoneFactory(code="ÉTÉ-1", title="Douane à Hô Chi Minh")
    client = client_for(chair)
    first, second = dashboard(client), dashboard(client)  # built, then from the cache
    for page in (first, second):
        assert page.count("</html>") == 1 and "portal-fragment" not in page
        assert "Douane à Hô Chi Minh" in page
    assert second.count("Douane à Hô Chi Minh") == first.count("Douane à Hô Chi Minh")


def test_edit_buttons_come_with_a_chair_term_at_midnight_without_a_write(client_for, delegate,
                                                                       malaysia):
    """Malaysia's term as CECWG chair starts on 2 June: its staff's dashboard offers the
    edit buttons from midnight, and the cached copies and cached chair terms follow without
    any write. (The dashboard judges terms on the viewer's own day, Kuala Lumpur, UTC+8, as
    it did before caching; ``workgroups.access.term_day`` would say Jakarta.)"""
    body = BodyFactory(code="CECWG")
    ChairTermFactory(body=body, administration=malaysia, start_on=dt.date(2026, 6, 2),
                     end_on=None)
    milestone = MilestoneFactory(body=body)
    edit = reverse("workgroups:milestone_row", args=[milestone.pk]) + "?edit=1"
    client = client_for(delegate)
    with time_machine.travel(dt.datetime(2026, 6, 1, 15, 59, 59, tzinfo=dt.UTC), tick=False):
        assert edit not in dashboard(client)
        assert edit not in dashboard(client)
    with time_machine.travel(dt.datetime(2026, 6, 1, 16, 0, 0, tzinfo=dt.UTC), tick=False):
        assert edit in dashboard(client)


def test_a_chair_whose_term_ended_loses_the_buttons_the_next_day(client_for, delegate,
                                                                 malaysia):
    body = BodyFactory(code="CECWG")
    ChairTermFactory(body=body, administration=malaysia, start_on=dt.date(2026, 1, 1),
                     end_on=dt.date(2026, 6, 1))
    milestone = MilestoneFactory(body=body)
    edit = reverse("workgroups:milestone_row", args=[milestone.pk]) + "?edit=1"
    client = client_for(delegate)
    with time_machine.travel(dt.datetime(2026, 6, 1, 15, 59, 59, tzinfo=dt.UTC), tick=False):
        assert edit in dashboard(client)
    with time_machine.travel(dt.datetime(2026, 6, 1, 16, 0, tzinfo=dt.UTC), tick=False):
        assert edit not in dashboard(client)


def test_an_anonymous_copy_trails_another_process_s_write_by_at_most_the_bound(
        client, chair, monkeypatch):
    """This process's writes show at once (``test_caching.test_public_copies_follow_the_
    writes``); a write on another process (its token replaced in Redis, nothing here) shows
    once ``PUBLIC_VERSION_SECONDS`` have passed."""
    clock = [1000.0]
    monkeypatch.setattr(dataversion.time, "monotonic", lambda: clock[0])
    milestone = MilestoneFactory(progress=10, published=True)
    assert 'data-progress="10.0"' in dashboard(client)
    # Another process: the row and the token change, this process's memory does not.
    monkeypatch.setattr(PLAN, "_seen", PLAN._seen)
    with monkeypatch.context() as other:
        other.setattr(PLAN, "_new", lambda: cache.set(PLAN.key, "other-process", None))
        milestone_update(actor=chair, milestone_id=milestone.pk, expected_version=1,
                         changes={"progress": 90}, comment="elsewhere")
    assert 'data-progress="10.0"' in dashboard(client)  # within the bound
    clock[0] += dataversion.PUBLIC_VERSION_SECONDS
    assert 'data-progress="90.0"' in dashboard(client)
