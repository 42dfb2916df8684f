"""Rights that follow the chair term, tested with time-machine on both sides of a boundary.

Given Viet Nam chairing the DG meeting until 2 June 2025 and Brunei from 3 June 2025 (days at
the ASEAN Secretariat, Asia/Jakarta), when each side's staff act on either day, then only
the chair of that day may; a "chair"-labelled account of a non-chairing administration never.
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from meetings import authoring
from meetings.models import Meeting
from secretariat.models import Role
from tests.factories import AdministrationFactory, make_person
from tests.meetings.factories import MeetingFactory
from tests.workgroups.factories import BodyFactory, ChairTermFactory, MilestoneFactory
from workgroups.access import ChairRights, EditRights, may_run_body
from workgroups.models import Body

pytestmark = pytest.mark.django_db

JAKARTA = dt.timezone(dt.timedelta(hours=7))
DAY_BEFORE = dt.datetime(2025, 6, 2, 12, 0, tzinfo=JAKARTA)
DAY_AFTER = dt.datetime(2025, 6, 3, 12, 0, tzinfo=JAKARTA)
LAST_MINUTE = dt.datetime(2025, 6, 2, 23, 59, tzinfo=JAKARTA)
FIRST_MINUTE = dt.datetime(2025, 6, 3, 0, 0, tzinfo=JAKARTA)


@pytest.fixture
def terms(vietnam):
    brunei = AdministrationFactory(code="BN", country="Brunei Darussalam",
                                   time_zone="Asia/Brunei")
    philippines = AdministrationFactory(code="PH", country="Philippines",
                                        time_zone="Asia/Manila")
    dg = BodyFactory(code="DG", kind=Body.Kind.DG_MEETING)
    ChairTermFactory(body=dg, administration=vietnam, start_on=dt.date(2024, 6, 4),
                     end_on=dt.date(2025, 6, 2))
    ChairTermFactory(body=dg, administration=brunei, start_on=dt.date(2025, 6, 3), end_on=None)
    return {
        "dg": dg,
        "outgoing": make_person("staff.vn", Role.CHAIR, administration=vietnam),
        "incoming": make_person("staff.bn", Role.DELEGATE, administration=brunei),
        "labelled": make_person("chair.ph", Role.CHAIR, administration=philippines),
    }


@pytest.mark.parametrize(("at", "outgoing", "incoming"), [
    (DAY_BEFORE, True, False), (LAST_MINUTE, True, False),
    (FIRST_MINUTE, False, True), (DAY_AFTER, False, True),
])
def test_the_right_follows_the_term_to_the_minute(terms, at, outgoing, incoming):
    dg = terms["dg"].pk
    assert may_run_body(terms["outgoing"], dg, at) is outgoing
    assert may_run_body(terms["incoming"], dg, at) is incoming
    assert may_run_body(terms["labelled"], dg, at) is False
    # The DG chair edits the whole Strategic Plan during its term, and only then.
    milestone = MilestoneFactory(body=BodyFactory(code="CECWG"))
    assert EditRights(terms["outgoing"], at).milestone(milestone) is outgoing
    assert EditRights(terms["labelled"], at).milestone(milestone) is False


def test_pages_follow_the_term(client_for, terms):
    meeting = MeetingFactory(body=terms["dg"], start_date=dt.date(2025, 6, 3),
                             end_date=dt.date(2025, 6, 5), time_zone="Asia/Brunei")
    url = reverse("meetings:edit", args=[meeting.pk])
    with time_machine.travel(DAY_BEFORE, tick=False):
        assert client_for(terms["outgoing"]).get(url).status_code == 200
        assert client_for(terms["incoming"]).get(url).status_code == 403
    with time_machine.travel(DAY_AFTER, tick=False):
        assert client_for(terms["outgoing"]).get(url).status_code == 403
        response = client_for(terms["incoming"]).post(url, {
            "ordinal": meeting.ordinal, "start_date": "2025-06-03", "end_date": "2025-06-05",
            "time_zone": "Asia/Brunei", "city": "Bandar Seri Begawan",
            "status": "draft", "version": meeting.version,
        })
        assert response.status_code == 302, response.content
        assert Meeting.objects.get(pk=meeting.pk).city == "Bandar Seri Begawan"
    for moment in (DAY_BEFORE, DAY_AFTER):
        with time_machine.travel(moment, tick=False):
            assert client_for(terms["labelled"]).get(url).status_code == 403


def test_services_and_api_follow_the_term(client_for, terms):
    meeting = MeetingFactory(body=terms["dg"])
    with time_machine.travel(DAY_AFTER, tick=False):
        with pytest.raises(PermissionDenied):
            authoring.agenda_item_create(actor=terms["outgoing"], meeting=meeting, title="x")
        authoring.agenda_item_create(actor=terms["incoming"], meeting=meeting, title="Opening")
        api = client_for(terms["outgoing"])
        response = api.post(reverse("api:agenda-item-list", args=[meeting.pk]),
                            {"title": "Late"}, content_type="application/json")
        assert response.status_code == 403
        response = client_for(terms["incoming"]).post(
            reverse("api:agenda-item-list", args=[meeting.pk]), {"title": "Adoption"},
            content_type="application/json")
        assert response.status_code == 201


def test_profile_shows_the_computed_chair(client_for, terms):
    with time_machine.travel(DAY_AFTER, tick=False):
        page = client_for(terms["incoming"]).get(reverse("profile")).content.decode()
        assert "Chair of the DG meeting" in page and "while the term runs" in page
        page = client_for(terms["outgoing"]).get(reverse("profile")).content.decode()
        assert "Chair of the DG meeting" not in page
    with time_machine.travel(DAY_BEFORE, tick=False):
        page = client_for(terms["outgoing"]).get(reverse("profile")).content.decode()
        assert "Chair of the DG meeting until 2 June 2025" in page
        assert ChairRights(terms["outgoing"]).dg_chair
