"""The meeting page's cached fragments (``meetings.page``, issue 14): the same queries with 2
rows or 30, cold and warm; never a paper or item to a viewer who may not see it, whoever
filled the cache first; every write on the very next request; rights and embargoes that
change with time, right at the instant, with no write."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import authoring
from meetings.models import AccessLevel, Delegation, DelegationMember, Visibility
from meetings.records import services as records
from meetings.records.models import OwnerKind
from secretariat.models import Role
from tests.consultations.factories import ConsultationFactory, SeriesFactory
from tests.factories import make_person
from tests.meetings.factories import (
    AgendaItemFactory,
    BodyFactory,
    DocumentFactory,
    MeetingFactory,
    make_head_of_delegation,
)
from tests.workgroups.factories import ChairTermFactory

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def _page(client, meeting):
    response = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _rows(meeting, n, *, start=0):
    """``n`` agenda items with one members paper each, and one public paper not filed."""
    for i in range(start, start + n):
        item = AgendaItemFactory(meeting=meeting, position=i + 1, visibility=Visibility.MEMBERS)
        DocumentFactory(meeting=meeting, agenda_item=item, access_level=AccessLevel.MEMBERS,
                        title=f"Row paper {i}")
    DocumentFactory(meeting=meeting, access_level=AccessLevel.PUBLIC, title=f"Unfiled {start}")


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# --- Queries: constant in rows, cold and warm ---------------------------------------------------

# Warm, the page costs no query: the session comes from Redis, the user from this process
# (secretariat.sessions and .auth), the chair terms the viewer's administration holds today
# from the plan data version. Cold, whatever the number of rows: the meeting with body and
# host, its embargo instants, its heads of delegation; papers, agenda items, [delegations
# (their members when there are any)], sessions; [the viewer's delegation, for the
# bilaterals link;] the records section's previous meeting [and, for who keeps the record,
# the sessions to mark]; the consultations held alongside.
COUNTS = {  # persona: (cold, warm)
    "chair": (11, 0),
    "delegate": (10, 0),
    "anonymous": (8, 0),
}


@pytest.mark.parametrize("who", sorted(COUNTS))
def test_queries_do_not_grow_with_rows(who, request, meeting, django_assert_num_queries,
                                       client_for):
    """Given 2 papers and items, then 30, the page costs the same queries, cold (just after
    a write) and warm."""
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = client_for(user)
    url = reverse("meetings:detail", args=[meeting.pk])
    client.get(url)  # the login's first request also stamps the session; not counted here
    cold, warm = COUNTS[who]
    _rows(meeting, 2)  # a write: the next request builds the fragments again
    with django_assert_num_queries(cold):
        client.get(url)
    with django_assert_num_queries(warm):
        client.get(url)
    _rows(meeting, 28, start=2)
    with django_assert_num_queries(cold):
        page = client.get(url).content.decode()
    with django_assert_num_queries(warm):
        client.get(url)
    if who == "anonymous":
        assert "Row paper 29" not in page and "Unfiled 2" in page
    else:
        assert "Row paper 29" in page and "Row paper 0" in page


def test_printable_agenda_and_attendance_are_constant(meeting, delegate, client_for,
                                                      django_assert_num_queries):
    """Cold (just after a write), both add the meeting's facts (the meeting, its embargo
    instants, its heads of delegation); then the printable agenda its agenda items and
    papers, the participants' list the delegations, their members and the administrations'
    names. Warm, both cost no query (the session from Redis, the user from this process)."""
    client = client_for(delegate)
    client.get(reverse("meetings:detail", args=[meeting.pk]))  # stamps the session
    make_head_of_delegation(meeting, delegate)  # a delegation with members to list
    for name, cold in (("agenda_print", 5), ("attendance", 6)):
        url = reverse(f"meetings:{name}", args=[meeting.pk])
        _rows(meeting, 2, start=100 * len(name))
        with django_assert_num_queries(cold):
            client.get(url)
        with django_assert_num_queries(0):
            client.get(url)
        _rows(meeting, 28, start=100 * len(name) + 2)
        with django_assert_num_queries(cold):
            client.get(url)


# --- Never to the wrong audience ---------------------------------------------------------------


def test_a_cached_copy_never_shows_a_paper_to_those_who_may_not_read_it(
        meeting, delegate, delegate_b, partner, secretariat, client_for):
    """Given members, partners, restricted and secretariat-only content, when the
    secretariat, a head of delegation and a delegate fill the cache first, then a partner,
    another delegate and the public still see only what they may."""
    AgendaItemFactory(meeting=meeting, title="Closed budget talks",
                      visibility=Visibility.SECRETARIAT)
    DocumentFactory(meeting=meeting, access_level=AccessLevel.MEMBERS, title="Members paper")
    DocumentFactory(meeting=meeting, access_level=AccessLevel.PARTNERS, title="Partners paper")
    DocumentFactory(meeting=meeting, access_level=AccessLevel.RESTRICTED, title="Heads paper")
    make_head_of_delegation(meeting, delegate)
    assert "Closed budget talks" in _page(client_for(secretariat), meeting)
    head_page = _page(client_for(delegate), meeting)
    assert "Heads paper" in head_page and "Closed budget talks" not in head_page

    other = _page(client_for(delegate_b), meeting)
    assert "Members paper" in other and "Heads paper" not in other
    assert "Closed budget talks" not in other
    seen_by_partner = _page(client_for(partner), meeting)
    assert "Partners paper" in seen_by_partner
    assert "Members paper" not in seen_by_partner and "Heads paper" not in seen_by_partner
    assert "Delegations" not in seen_by_partner
    public = _page(client_for(None), meeting)
    for title in ("Partners paper", "Members paper", "Heads paper", "Closed budget talks"):
        assert title not in public
    assert "Log in</a> to see the papers" in public


def test_the_prepare_controls_are_the_viewer_s_own(meeting, chair, delegate, client_for):
    """The chair's upload and edit controls (and its CSRF token) are never in a copy a
    delegate is served, though both read the same papers."""
    DocumentFactory(meeting=meeting, title="Shared paper")
    chair_page = _page(client_for(chair), meeting)
    assert "Upload documents" in chair_page and "Prepare this meeting" in chair_page
    delegate_page = _page(client_for(delegate), meeting)
    assert "Shared paper" in delegate_page
    assert "Upload documents" not in delegate_page and "Prepare this meeting" not in delegate_page


# --- Every write on the very next request ------------------------------------------------------


def test_writes_show_on_the_next_request(meeting, secretariat, delegate, vietnam, client_for):
    item = AgendaItemFactory(meeting=meeting, title="Opening", visibility=Visibility.PUBLIC)
    client = client_for(delegate)
    assert "Opening" in _page(client, meeting)

    DocumentFactory(meeting=meeting, agenda_item=item, title="Fresh paper")
    assert "Fresh paper" in _page(client, meeting)

    # The authoring service writes with a conditional UPDATE (no signal).
    item.refresh_from_db()
    authoring.agenda_item_update(actor=secretariat, item_id=item.pk,
                                 expected_version=item.version,
                                 changes={"title": "Opening of the Meeting"})
    page = _page(client, meeting)
    assert "Opening of the Meeting" in page

    delegation = Delegation.objects.create(meeting=meeting, administration=vietnam)
    assert "Viet Nam" in _page(client, meeting)
    DelegationMember.objects.create(delegation=delegation, full_name="Dato' Head",
                                    role=DelegationMember.Role.HEAD)
    assert "Dato&#x27; Head" in _page(client, meeting)
    delegation.delete()
    assert "Dato&#x27; Head" not in _page(client, meeting)


def test_section_writes_show_on_the_next_request(secretariat, delegate, malaysia, client_for,
                                                 wco):
    """The records' matters arising and the consultations held alongside cache themselves
    under their own versions: a change to either shows at once."""
    previous = MeetingFactory(start_date=dt.date(2023, 6, 4), end_date=dt.date(2023, 6, 6))
    item = AgendaItemFactory(meeting=previous, visibility=Visibility.MEMBERS)
    decision = records.decision_create(actor=secretariat, agenda_item=item, kind="tasked",
                                       text="The Meeting tasked the members.")
    action = records.action_item_create(
        actor=secretariat, decision=decision, text="Report ARISINGMARK progress",
        owner_kind=OwnerKind.ADMINISTRATION, owner_administration=malaysia,
        due_date=dt.date(2024, 5, 1))
    meeting = MeetingFactory()
    client = client_for(delegate)
    assert "ARISINGMARK" in _page(client, meeting)

    records.action_item_update(actor=secretariat, item_id=action.pk,
                               expected_version=action.version,
                               changes={"text": "Report RENAMEDMARK progress"})
    page = _page(client, meeting)
    assert "RENAMEDMARK" in page and "ARISINGMARK" not in page

    series = SeriesFactory(partner=wco, title="ASEAN-WCO Consultation")
    consultation = ConsultationFactory(series=series, ordinal=14, meeting=meeting)
    assert "14th ASEAN-WCO Consultation" in _page(client, meeting)
    consultation.published = False
    consultation.save()
    assert "14th ASEAN-WCO Consultation" not in _page(client, meeting)
    # The partner itself still sees its own unpublished consultation.
    partner = make_person("partner.own", Role.PARTNER, partner=wco)
    assert "14th ASEAN-WCO Consultation" in _page(client_for(partner), meeting)


# --- Time, with no write -----------------------------------------------------------------------


def test_a_chair_term_ending_removes_the_controls_without_a_write(thailand, client_for):
    """Given Thailand chairs a working group until 31 May 2027 (Jakarta's day), its staff
    prepare the group's meeting on that day and not a second later."""
    body = BodyFactory(code="CECWG", name="Customs Enforcement", kind="working_group")
    ChairTermFactory(body=body, administration=thailand, start_on=dt.date(2027, 1, 1),
                     end_on=dt.date(2027, 5, 31))
    staff = make_person("chair.th", Role.CHAIR, administration=thailand)
    meeting = MeetingFactory(body=body, start_date=dt.date(2027, 9, 1),
                             end_date=dt.date(2027, 9, 2))
    DocumentFactory(meeting=meeting, title="Group paper")
    last_second = dt.datetime(2027, 5, 31, 23, 59, 59, tzinfo=JAKARTA)
    with time_machine.travel(last_second, tick=False):
        page = _page(client_for(staff), meeting)
        assert "Upload documents" in page and "Prepare this meeting" in page
    with time_machine.travel(last_second + dt.timedelta(seconds=1), tick=False):
        page = _page(client_for(staff), meeting)
        assert "Group paper" in page
        assert "Upload documents" not in page and "Prepare this meeting" not in page


def test_an_embargo_lifts_at_its_instant_without_a_write(meeting, delegate, client_for):
    """A public paper under a members embargo until 17:00 Jakarta: the public sees it at
    17:00:00 and not at 16:59:59; members see its badge change at the same instant (the
    delegate reads Kuala Lumpur time: 18:00)."""
    lift = dt.datetime(2027, 6, 4, 17, 0, tzinfo=JAKARTA)
    DocumentFactory(meeting=meeting, title="Joint Media Statement",
                    access_level=AccessLevel.PUBLIC, embargo_until=lift,
                    embargo_level=AccessLevel.MEMBERS)
    with time_machine.travel(lift - dt.timedelta(seconds=1), tick=False):
        assert "Joint Media Statement" not in _page(client_for(None), meeting)
        assert "Public from 4 Jun 2027, 18:00" in _page(client_for(delegate), meeting)
    with time_machine.travel(lift, tick=False):
        assert "Joint Media Statement" in _page(client_for(None), meeting)
        member_page = _page(client_for(delegate), meeting)
        assert "Joint Media Statement" in member_page
        assert "Public from" not in member_page
