"""One set of figures (issue 13, item 3): the body roll-up is the same on every page, the API
and the XLSX export; a parent includes its sub-bodies; figures are per plan; cancelled
milestones are out of count and mean; "Completed" implies 100 %."""

import datetime as dt
import io
import re

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from tests.workgroups.factories import (
    ActionLineFactory,
    BodyFactory,
    GoalFactory,
    MilestoneFactory,
    PlanFactory,
)
from workgroups.models import COMPLETED_NOT_100, Body

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def plans():
    """Given the CPTFWG with two sub-working groups, in the 2026 plan: its own milestones at
    60 and 80 (70 % alone), SWG-A's at 20, SWG-B's at 40 plus a cancelled one at 100 — so
    (60 + 80 + 20 + 40) / 4 = 50 % with its sub-bodies; and one milestone at 10 % in the
    2021 plan, which the 2026 figures must not mix in."""
    cptfwg = BodyFactory(code="CPTFWG")
    swg_a = BodyFactory(code="SWG-A", reports_to=cptfwg, kind=Body.Kind.SUB_WORKING_GROUP)
    swg_b = BodyFactory(code="SWG-B", reports_to=cptfwg, kind=Body.Kind.SUB_WORKING_GROUP)
    current = PlanFactory()
    old = PlanFactory(title="SPCD 2021-2025", start_year=2021, end_year=2025)
    line = ActionLineFactory(goal=GoalFactory(plan=current))
    old_line = ActionLineFactory(goal=GoalFactory(plan=old))
    for body, progress, status in [(cptfwg, 60, "on_track"), (cptfwg, 80, "on_track"),
                                   (swg_a, 20, "at_risk"), (swg_b, 40, "delayed"),
                                   (swg_b, 100, "cancelled")]:
        MilestoneFactory(action_line=line, body=body, progress=progress, status=status)
    MilestoneFactory(action_line=old_line, body=cptfwg, progress=10, status="on_track")
    return current, old


def _data_progress(html: str, marker: str) -> str:
    """The ``data-progress`` of the first element after ``marker`` in ``html``."""
    start = html.index(marker)
    return re.search(r'data-progress="([^"]*)"', html[start:]).group(1)


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("role", ["chair", "partner", "anonymous"])
def test_the_same_figure_on_bodies_body_page_plan_api_and_xlsx(request, client_for, plans,
                                                              role):
    current, old = plans
    user = request.getfixturevalue(role) if role != "anonymous" else None
    client = client_for(user)
    query = {"plan": current.pk}
    bodies = client.get(reverse("workgroups:body_list"), query).content.decode()
    body_page = client.get(reverse("workgroups:body", args=["CPTFWG"]), query).content.decode()
    board = client.get(reverse("workgroups:dashboard"), query).content.decode()
    api = APIClient()
    # The API wants a token; anonymous visitors read the same public figures as a partner.
    api.force_authenticate(user or request.getfixturevalue("partner"))
    rollup = api.get("/api/v1/bodies/CPTFWG/", query).json()["rollup"]
    workbook = openpyxl.load_workbook(io.BytesIO(
        client.get(reverse("workgroups:export_xlsx"), query).content))
    xlsx = {row[0].value: [c.value for c in row] for row in workbook["Roll-up"].iter_rows()}

    assert _data_progress(bodies, 'href="/bodies/CPTFWG/"') == "50.0"
    assert _data_progress(body_page, 'id="body-figure"') == "50.0"
    assert _data_progress(board, 'href="/bodies/CPTFWG/?plan=') == "50.0"
    assert rollup == {"plan": current.pk, "milestones": 4, "progress": 50.0, "sub_bodies": 2,
                      "milestones_alone": 2, "progress_alone": 70.0}
    assert xlsx["CPTFWG"][:5] == ["CPTFWG", 4, 50.0, 2, 70.0]
    # Shown both ways, in words.
    assert "4 milestones with its 2 sub-bodies; 70 % alone (2)" in body_page
    assert "4 milestones with its 2 sub-bodies; 70 % alone (2)" in bodies
    # The body page says which plan and offers the other one.
    assert "Progress in SPCD 2026-2030" in body_page
    assert f'<option value="{old.pk}">SPCD 2021-2025</option>' in body_page
    # The other plan's figure is its own.
    assert api.get("/api/v1/bodies/CPTFWG/", {"plan": old.pk}).json()["rollup"][
        "progress"] == 10.0


@time_machine.travel(TODAY, tick=False)
def test_public_and_members_figures_differ_with_a_word_why(client_for, plans, chair):
    current, _old = plans
    MilestoneFactory(action_line=ActionLineFactory(goal=GoalFactory(plan=current)),
                     body=Body.objects.get(code="CPTFWG"), progress=100, status="completed",
                     published=False)
    member = client_for(chair).get(reverse("workgroups:body", args=["CPTFWG"])).content.decode()
    assert _data_progress(member, 'id="body-figure"') == "60.0"
    assert "Member view: these figures include milestones not yet published" in member
    public = client_for(None).get(reverse("workgroups:body", args=["CPTFWG"])).content.decode()
    assert _data_progress(public, 'id="body-figure"') == "50.0"
    assert "Public view: these figures count the published milestones only" in public


def test_an_unknown_plan_gives_empty_figures_on_the_bodies_api(plans, delegate):
    """Like every id filter of the API (schemathesis' positive-data check): a plan id no plan
    has is a 200 with figures of nothing, never another plan's; a non-number is a 400."""
    api = APIClient()
    api.force_authenticate(delegate)
    response = api.get("/api/v1/bodies/", {"plan": 999999})
    assert response.status_code == 200
    rollups = [body["rollup"] for body in response.json()["results"]]
    assert rollups and all(r["plan"] is None and r["milestones"] == 0 and r["progress"] is None
                           for r in rollups)
    assert api.get("/api/v1/bodies/").json()["results"][0]["rollup"]["plan"] is not None
    assert api.get("/api/v1/bodies/", {"plan": "x"}).status_code == 400


# --- Completed implies 100 % ------------------------------------------------------------------


def _patch(user, milestone, data):
    api = APIClient()
    api.force_authenticate(user)
    return api.patch(f"/api/v1/milestones/{milestone.pk}/", {"comment": "Done", **data},
                     format="json", HTTP_IF_MATCH=f'"{milestone.version}"')


@pytest.mark.parametrize("data", [{"status": "completed", "progress": 40},
                                  {"status": "completed"}])
def test_the_api_refuses_completed_below_100_with_a_field_message(secretariat, data):
    milestone = MilestoneFactory(progress=40, status="on_track")
    response = _patch(secretariat, milestone, data)
    assert response.status_code == 400
    assert response.json() == {"progress": [COMPLETED_NOT_100]}
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress, milestone.version) == ("on_track", 40, 1)
    # Lowering the progress of a completed milestone is the same contradiction.
    done = MilestoneFactory(status="completed")
    assert _patch(secretariat, done, {"progress": 90}).status_code == 400


def test_the_api_accepts_completed_at_100(secretariat):
    milestone = MilestoneFactory(progress=40, status="on_track")
    response = _patch(secretariat, milestone, {"status": "completed", "progress": 100})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["progress"]) == ("completed", 100)


def test_the_web_form_refuses_completed_below_100_on_the_progress_field(client_for,
                                                                       secretariat):
    milestone = MilestoneFactory(progress=40, status="on_track")
    response = client_for(secretariat).post(
        reverse("workgroups:milestone", args=[milestone.pk]),
        {"status": "completed", "progress": 40, "comment": "Done", "version": 1})
    assert response.status_code == 400
    assert response.context["form"].errors["progress"] == [COMPLETED_NOT_100]
    assert "A completed milestone is at 100 %" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.status == "on_track"


def test_the_demo_data_has_no_completed_milestone_below_100(db):
    from django.core.management import call_command
    from django.test import override_settings

    from workgroups.models import Milestone

    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=io.StringIO())
    assert Milestone.objects.filter(status="completed").exists()
    assert not Milestone.objects.filter(status="completed").exclude(progress=100).exists()
