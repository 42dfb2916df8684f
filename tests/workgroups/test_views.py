"""Pages of the Strategic Plan: permissions, conflicts in forms, figures, exports, queries."""

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from tests.workgroups.factories import (
    BodyFactory,
    InitiativeFactory,
    MilestoneFactory,
    NationalImplementationFactory,
    ParticipationFactory,
)
from workgroups.models import InitiativeParticipation, Milestone, NationalImplementation
from workgroups.services import milestone_history, milestone_update

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)


def edit_data(milestone, **overrides):
    data = {"status": milestone.status, "progress": milestone.progress,
            "start_date": milestone.start_date.isoformat(),
            "due_date": milestone.due_date.isoformat(), "comment": "update",
            "version": milestone.version}
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("persona", "published_status", "internal_status", "post_status"),
    [
        ("anonymous", 200, 404, 403),
        ("secretariat", 200, 200, 302),
        ("chair", 200, 200, 302),
        ("delegate", 200, 200, 403),
        ("delegate_b", 200, 200, 403),
        ("partner", 200, 404, 403),
        ("partner_b", 200, 404, 403),
    ],
)
def test_milestone_page_permission_matrix(client_for, personas, persona, published_status,
                                          internal_status, post_status):
    public = MilestoneFactory(published=True)
    internal = MilestoneFactory(published=False)
    client = client_for(personas[persona])
    assert client.get(reverse("workgroups:milestone", args=[public.pk])).status_code == \
        published_status
    assert client.get(reverse("workgroups:milestone", args=[internal.pk])).status_code == \
        internal_status
    response = client.post(reverse("workgroups:milestone", args=[public.pk]),
                           edit_data(public, progress=55))
    assert response.status_code == post_status
    public.refresh_from_db()
    assert public.progress == (55 if post_status == 302 else 0)


@pytest.mark.parametrize("persona", ["anonymous", "partner", "delegate", "chair", "secretariat"])
def test_listing_pages_open_to_everyone_but_partners_see_published_only(client_for, personas,
                                                                        persona):
    MilestoneFactory(published=True, title="Public milestone")
    MilestoneFactory(published=False, title="Internal milestone")
    client = client_for(personas[persona])
    for name, args in [("workgroups:dashboard", []), ("workgroups:body_list", []),
                       ("workgroups:body", ["CPTFWG"]), ("workgroups:initiatives", [])]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    page = client.get(reverse("workgroups:dashboard")).content.decode()
    assert "Public milestone" in page
    assert ("Internal milestone" in page) == (persona in {"delegate", "chair", "secretariat"})


def test_form_conflict_keeps_input_and_shows_the_other_change(client_for, chair, secretariat):
    """Given chair staff opened the form at version 1 and the secretariat then saved, when the
    chair saves, then the page answers 409 with the chair's typed values kept, a non-field
    error, and the secretariat's change and comment."""
    milestone = MilestoneFactory()
    milestone_update(actor=secretariat, milestone_id=milestone.pk, expected_version=1,
                     changes={"progress": 65}, comment="Agreed at the CPTFWG meeting")
    response = client_for(chair).post(
        reverse("workgroups:milestone", args=[milestone.pk]),
        edit_data(milestone, progress=20, comment="My typed comment", version=1),
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this milestone" in page
    assert 'value="My typed comment"' in page
    assert 'name="progress" id="id_progress" value="20"' in page
    assert "Agreed at the CPTFWG meeting" in page
    assert "Test Sec.Staff" in page  # the other person by name (issue 13)
    # The hidden version now is the current one: saving again is a conscious overwrite.
    assert 'name="version" value="2"' in page
    milestone.refresh_from_db()
    assert (milestone.progress, milestone.version) == (65, 2)


def test_form_requires_a_comment_and_keeps_input(client_for, chair):
    milestone = MilestoneFactory()
    response = client_for(chair).post(reverse("workgroups:milestone", args=[milestone.pk]),
                                      edit_data(milestone, progress=35, comment=""))
    assert response.status_code == 400
    assert 'value="35"' in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.version == 1


def test_htmx_inline_edit_saves_and_returns_the_row(client_for, chair):
    milestone = MilestoneFactory()
    client = client_for(chair)
    url = reverse("workgroups:milestone_row", args=[milestone.pk])
    form = client.get(url + "?edit=1", HTTP_HX_REQUEST="true")
    assert form.status_code == 200
    assert f'hx-post="{url}"' in form.content.decode()
    saved = client.post(url, edit_data(milestone, progress=45, status="on_track"),
                        HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    assert "45 %" in saved.content.decode()
    assert f'id="ms-{milestone.pk}"' in saved.content.decode()
    milestone.refresh_from_db()
    assert (milestone.progress, milestone.status, milestone.version) == (45, "on_track", 2)


def test_htmx_inline_conflict_is_409_with_the_form_and_other_values(client_for, chair,
                                                                    secretariat):
    milestone = MilestoneFactory()
    milestone_update(actor=secretariat, milestone_id=milestone.pk, expected_version=1,
                     changes={"status": "delayed"}, comment="Waiting for the legal review")
    response = client_for(chair).post(
        reverse("workgroups:milestone_row", args=[milestone.pk]),
        edit_data(milestone, progress=10, comment="inline typed", version=1),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Waiting for the legal review" in page
    assert 'value="inline typed"' in page


def test_delegate_cannot_open_the_inline_editor(client_for, delegate):
    milestone = MilestoneFactory()
    url = reverse("workgroups:milestone_row", args=[milestone.pk])
    assert client_for(delegate).get(url + "?edit=1").status_code == 403


def test_history_timeline_and_revert_by_the_secretariat_only(client_for, chair, secretariat):
    milestone = MilestoneFactory()
    milestone_update(actor=chair, milestone_id=milestone.pk, expected_version=1,
                     changes={"progress": 80}, comment="Too optimistic")
    (change,) = milestone_history(milestone.pk)
    url = reverse("workgroups:milestone_revert", args=[milestone.pk, change.history_id])
    page = client_for(chair).get(reverse("workgroups:milestone", args=[milestone.pk]))
    assert "Too optimistic" in page.content.decode()
    assert url not in page.content.decode()
    assert client_for(chair).post(url).status_code == 403
    page = client_for(secretariat).get(reverse("workgroups:milestone", args=[milestone.pk]))
    assert url in page.content.decode()
    assert client_for(secretariat).post(url).status_code == 302
    milestone.refresh_from_db()
    assert (milestone.progress, milestone.version) == (0, 3)
    assert Milestone.history.filter(id=milestone.pk, history_type="~").count() == 2


def test_partner_sees_no_history_on_a_published_milestone(client_for, partner, chair):
    milestone = MilestoneFactory(published=True)
    milestone_update(actor=chair, milestone_id=milestone.pk, expected_version=1,
                     changes={"progress": 80}, comment="internal remark")
    page = client_for(partner).get(reverse("workgroups:milestone", args=[milestone.pk]))
    assert "internal remark" not in page.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_dashboard_figures_match_hand_computed_ones(client_for, chair):
    """Progress 20, 40 and 90 (completed: 100) plus a cancelled milestone at 100: the mean
    counts the three (53.3 %); CECWG has 20 and 100 -> 60 %; one open milestone is past its
    due date."""
    cecwg = BodyFactory(code="CECWG")
    MilestoneFactory(body=cecwg, progress=20, status="on_track", due_date=dt.date(2026, 11, 1))
    MilestoneFactory(progress=40, status="at_risk")
    MilestoneFactory(body=cecwg, progress=100, status="completed", due_date=dt.date(2026, 1, 31))
    MilestoneFactory(progress=100, status="cancelled", due_date=dt.date(2026, 2, 1))
    response = client_for(chair).get(reverse("workgroups:dashboard"))
    board = response.context["board"]
    assert board.overall["progress"] == pytest.approx(160 / 3)
    assert (board.overall["counted"], board.overall["total"], board.overall["overdue"]) == (
        3, 4, 1)
    by_body = {r["body__code"]: r for r in board.by_body}
    assert by_body["CECWG"]["progress"] == pytest.approx(60)
    assert by_body["CPTFWG"]["progress"] == pytest.approx(40)
    counts = {c["status"]: c["count"] for c in board.status_counts}
    assert counts == {"not_started": 0, "on_track": 1, "at_risk": 1, "delayed": 0,
                      "completed": 1, "cancelled": 1}
    first = response.context["page"].object_list[0]
    assert first.body.code == "CECWG" and first.progress == 20  # overdue comes first
    page = response.content.decode()
    assert "cancelled milestones excluded" in page
    assert "53 %" in page


@time_machine.travel(TODAY, tick=False)
def test_dashboard_filters(client_for, chair, malaysia):
    MilestoneFactory(code="A", status="at_risk", leads=[malaysia], due_date=dt.date(2026, 12, 1))
    MilestoneFactory(code="B", status="on_track", due_date=dt.date(2027, 12, 1))
    MilestoneFactory(code="C", status="on_track", due_date=dt.date(2026, 10, 1))
    client = client_for(chair)

    def codes(**params):
        response = client.get(reverse("workgroups:dashboard"), params)
        return sorted(m.code for m in response.context["page"].object_list)

    assert codes(status="at_risk") == ["A"]
    assert codes(lead="MY") == ["A"]
    assert codes(due="30") == ["A"]
    assert codes(due="overdue") == ["C"]
    assert codes(body="CPTFWG") == ["A", "B", "C"]
    assert codes(body="CECWG") == []


def test_national_matrix_and_rate(client_for, chair, malaysia, thailand, vietnam):
    ni = NationalImplementationFactory(administration=malaysia, status="implemented")
    NationalImplementation.objects.create(milestone=ni.milestone, administration=thailand,
                                          status="not_applicable")
    NationalImplementation.objects.create(milestone=ni.milestone, administration=vietnam,
                                          status="in_progress")
    response = client_for(chair).get(reverse("workgroups:dashboard"))
    assert response.context["board"].national == {"implemented": 1, "applicable": 2}
    page = response.content.decode()
    assert "✔</span> Implemented" in page and "Not applicable" in page


def test_national_row_edited_by_own_administration_only(client_for, delegate, delegate_b,
                                                        malaysia):
    milestone = MilestoneFactory(implemented_nationally=True)
    url = reverse("workgroups:national_update", args=[milestone.pk, "MY"])
    data = {"status": "implemented", "status_on": "2026-05-01", "note": "", "version": ""}
    assert client_for(delegate_b).post(url, data).status_code == 403
    assert client_for(delegate).post(url, data).status_code == 302
    row = NationalImplementation.objects.get(milestone=milestone, administration=malaysia)
    assert (row.status, row.status_on) == ("implemented", dt.date(2026, 5, 1))
    assert row.history.first().history_user == delegate
    # A second save from a stale page is refused.
    client_for(delegate).post(url, {**data, "status": "in_progress", "version": "1"})
    client_for(delegate).post(url, {**data, "status": "not_started", "version": "1"})
    row.refresh_from_db()
    assert (row.status, row.version) == ("in_progress", 2)


def test_initiative_board_cells(client_for, delegate, delegate_b, secretariat, malaysia):
    cell = ParticipationFactory(initiative=InitiativeFactory(), administration=malaysia)
    url = reverse("workgroups:participation_edit", args=[cell.pk])
    data = {"status": "participating", "since": "2020-11-02", "detail": "", "version": 1}
    assert client_for(delegate_b).post(url, data).status_code == 403
    response = client_for(delegate).post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "2 Nov 2020" in response.content.decode()
    stale = client_for(secretariat).post(url, {**data, "detail": "x"}, HTTP_HX_REQUEST="true")
    assert stale.status_code == 409
    cell = InitiativeParticipation.objects.get(pk=cell.pk)
    assert (cell.status, cell.version, cell.detail) == ("participating", 2, "")


@time_machine.travel(TODAY, tick=False)
def test_csv_and_xlsx_exports(client_for, chair, vietnam):
    MilestoneFactory(code="X-1", title="=HYPERLINK(evil)", progress=30, leads=[vietnam],
                     due_date=dt.date(2026, 1, 1))
    MilestoneFactory(code="X-2", title="Plain", progress=70, status="on_track")
    client = client_for(chair)
    response = client.get(reverse("workgroups:export_csv"))
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Code", "Title", "Body"]
    assert rows[1][:2] == ["X-1", "'=HYPERLINK(evil)"]
    assert rows[1][5] == "VN" and rows[1][-1] == "yes"
    response = client.get(reverse("workgroups:export_xlsx"), {"status": "on_track"})
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["Milestones"]
    assert [c.value for c in sheet[2]][:2] == ["X-2", "Plain"]
    assert sheet.max_row == 2
    assert [c.value for c in workbook["Roll-up"][3]][:3] == ["CPTFWG", 1, 70]
    response = client.get(reverse("workgroups:export_xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Milestones"]
    assert sheet["B2"].value == "=HYPERLINK(evil)" and sheet["B2"].data_type == "s"


def test_partner_exports_contain_published_milestones_only(client_for, partner):
    MilestoneFactory(code="PUB", published=True)
    MilestoneFactory(code="INT", published=False)
    content = client_for(partner).get(reverse("workgroups:export_csv")).content.decode()
    assert "PUB" in content and "INT" not in content


def test_watch_and_unwatch(client_for, delegate):
    milestone = MilestoneFactory()
    client = client_for(delegate)
    url = reverse("workgroups:milestone_watch", args=[milestone.pk])
    client.post(url, {"watch": "1"})
    client.post(url, {"watch": "1"})
    assert milestone.watches.count() == 1
    client.post(url, {"watch": "0"})
    assert milestone.watches.count() == 0


def test_home_panel_lists_overdue_and_at_risk(client, chair):
    with time_machine.travel(TODAY, tick=False):
        MilestoneFactory(code="LATE", due_date=dt.date(2026, 10, 1), status="on_track")
        MilestoneFactory(code="RISKY", status="at_risk", due_date=dt.date(2027, 1, 1))
        MilestoneFactory(code="FINE", status="on_track", due_date=dt.date(2027, 1, 1))
        page = client.get(reverse("home")).content.decode()
    assert "Strategic Plan: overdue and at risk" in page
    assert page.index("LATE") < page.index("RISKY")
    assert "FINE" not in page


def make_milestones(n, leads):
    """Many milestones at once (bulk_create), with lead administrations."""
    template = MilestoneFactory.build()
    action_line = MilestoneFactory().action_line
    body = BodyFactory(code="CPTFWG")
    created = Milestone.objects.bulk_create(
        Milestone(action_line=action_line, body=body, code=f"BULK-{i:05d}", title=f"M {i}",
                  status=["on_track", "at_risk", "completed"][i % 3],
                  progress=100 if i % 3 == 2 else i % 101,
                  due_date=template.due_date, start_date=template.start_date,
                  implemented_nationally=i % 10 == 0, published=True)
        for i in range(n)
    )
    through = Milestone.lead_administrations.through
    through.objects.bulk_create(
        through(milestone_id=m.pk, administration_id=a.pk) for m in created for a in leads)
    NationalImplementation.objects.bulk_create(
        NationalImplementation(milestone=m, administration=leads[0], status="implemented")
        for m in created if m.implemented_nationally)


# The dashboard, measured. First view of a plan data version (a cache miss): session, user,
# current plan, overall aggregate (with the counts by status), by body (sums per owner body,
# then the body hierarchy to add sub-bodies to their parents), by goal, national
# aggregate, member administrations, matrix milestones + their national rows, plans menu,
# bodies menu, the page of milestones (joined body/line/goal/plan) + their leads, and the
# session save (3 statements), and the viewer's chair terms at this instant (one, for the
# computed edit rights): 19 at 2, 50 and 2,000 milestones. The page count reuses the
# overall aggregate. Later views read the rendered content from the cache: session, user and
# the session save only.
DASHBOARD_QUERIES = 19
DASHBOARD_CACHED_QUERIES = 5


@pytest.mark.parametrize("rows", [2, 50, 2000])
def test_t24_dashboard_query_count_is_constant(client_for, chair, vietnam, malaysia,
                                               django_assert_max_num_queries, rows):
    make_milestones(rows, [vietnam, malaysia])
    client = client_for(chair)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = client.get(reverse("workgroups:dashboard"))
    assert response.context["board"].overall["total"] == rows + 1
    with django_assert_max_num_queries(DASHBOARD_CACHED_QUERIES):
        cached = client.get(reverse("workgroups:dashboard"))
    # The same content (the page around it has a fresh CSRF token and CSP nonce).
    main = re.compile(rb"<main.*</main>", re.DOTALL)
    assert main.search(cached.content).group() == main.search(response.content).group()


@pytest.mark.parametrize("rows", [2, 50])
def test_t24_body_pages_query_count_is_constant(client_for, chair, vietnam,
                                                django_assert_max_num_queries, rows):
    make_milestones(rows, [vietnam])
    client = client_for(chair)
    # body list: session, user, the plan of the figures, its plans menu, the roll-up (sums
    # per owner body, the hierarchy), bodies, current chair terms, and the session save
    # (savepoint, update, release; SESSION_SAVE_EVERY_REQUEST).
    with django_assert_max_num_queries(11):
        assert client.get(reverse("workgroups:body_list")).status_code == 200
    # again: the table comes from the cache (session, user, plan, plans menu, session save).
    with django_assert_max_num_queries(7):
        assert client.get(reverse("workgroups:body_list")).status_code == 200
    # body page: role, body, terms, sub-bodies, focal points, milestones, their leads,
    # watch flag, chaired bodies, the body's meetings (the panel ``meetings`` registers), and
    # the plan, its menu and the roll-up (sums, hierarchy).
    with django_assert_max_num_queries(17):
        assert client.get(reverse("workgroups:body", args=["CPTFWG"])).status_code == 200


def test_evidence_added_by_editors_only(client_for, chair, delegate):
    milestone = MilestoneFactory()
    url = reverse("workgroups:evidence_create", args=[milestone.pk])
    data = {"title": "Joint Media Statement of the 34th DG meeting",
            "url": "https://asean.org/jms-34"}
    assert client_for(delegate).post(url, data).status_code == 403
    assert client_for(chair).post(url, {"title": "x", "url": "javascript:alert(1)"}
                                  ).status_code == 302
    assert milestone.evidence.count() == 0
    client_for(chair).post(url, data)
    page = client_for(chair).get(reverse("workgroups:milestone", args=[milestone.pk]))
    assert "Joint Media Statement of the 34th DG meeting" in page.content.decode()


def test_apps_above_add_panels_to_the_body_page(client, db):
    from workgroups import panels

    def meetings_panel(request, body):
        return {"title": f"Meetings of {body.code}",
                "items": [{"label": "32nd CCBWG meeting", "url": "", "detail": "March 2023"}]}

    BodyFactory(code="CCBWG")
    panels.register_body_panel(meetings_panel)
    try:
        page = client.get(reverse("workgroups:body", args=["CCBWG"])).content.decode()
    finally:
        panels.BODY_PANELS.unregister(meetings_panel)
    assert "Meetings of CCBWG" in page and "32nd CCBWG meeting" in page


@pytest.mark.parametrize("changes", [1, 30])
def test_t24_milestone_page_query_count_is_constant(client_for, chair, malaysia, thailand,
                                                    django_assert_max_num_queries, changes):
    milestone = MilestoneFactory(implemented_nationally=True, leads=[malaysia, thailand])
    for adm in (malaysia, thailand):
        NationalImplementation.objects.create(milestone=milestone, administration=adm)
    for n in range(changes):
        milestone_update(actor=chair, milestone_id=milestone.pk, expected_version=n + 1,
                         changes={"progress": n + 1}, comment=f"change {n}")
    client = client_for(chair)
    # session, user, milestone (joined body/line/goal/plan/updated_by), its leads, national
    # rows, member administrations, history (one query for every change), watch flag, the
    # documents cited as evidence (the panel ``meetings`` registers), evidence links, session
    # save (3), the viewer's chair terms at this instant (once, shared with the panel), and
    # the enforcement operations the milestone is linked to (issue 16's panel).
    with django_assert_max_num_queries(15):
        response = client.get(reverse("workgroups:milestone", args=[milestone.pk]))
    assert len(response.context["history"]) == changes
