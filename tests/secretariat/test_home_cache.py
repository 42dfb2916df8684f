"""The logged-in home page's panels are cached per audience and data version (issue 14):
constant queries however many rows, never a copy for a viewer who may not see it, a write
shown on the next request, and rights and deadlines right at the instant without a write."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.models import Consultation
from meetings.models import AgendaItem, Visibility
from meetings.records import services as records
from meetings.records.models import OwnerKind
from secretariat import dataversion
from tests.consultations.factories import ConsultationFactory, SeriesFactory
from tests.meetings.factories import MeetingFactory
from tests.reporting.factories import CycleFactory
from tests.workgroups.factories import BodyFactory, ChairTermFactory, MilestoneFactory
from workgroups.reporting import services as reporting

pytestmark = pytest.mark.django_db

# A fixed instant, so that "upcoming", "overdue" and chair terms hold still (Jakarta noon).
NOW = dt.datetime(2026, 6, 1, 5, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _meeting_with_decision(secretariat, visibility=Visibility.MEMBERS):
    meeting = MeetingFactory(start_date=dt.date(2026, 5, 1), end_date=dt.date(2026, 5, 2))
    item = AgendaItem.objects.create(meeting=meeting, position=1, title="Reports",
                                     visibility=visibility)
    return records.decision_create(actor=secretariat, agenda_item=item, kind="agreed",
                                   text="The Meeting agreed.")


def _rows(n, *, secretariat, malaysia, wco, start=0):
    """``n`` of everything the panels list: at-risk milestones, upcoming meetings, action
    items for Malaysia and the secretariat, consultations."""
    decision = _meeting_with_decision(secretariat)
    series = SeriesFactory(partner=wco)
    for i in range(start, start + n):
        MilestoneFactory(code=f"RISK-{i:02d}", status="at_risk",
                         due_date=dt.date(2026, 12, 1) + dt.timedelta(days=i))
        MeetingFactory(start_date=dt.date(2026, 7, 1) + dt.timedelta(days=i),
                       end_date=dt.date(2026, 7, 2) + dt.timedelta(days=i))
        for kind, owner in ((OwnerKind.ADMINISTRATION, malaysia), (OwnerKind.SECRETARIAT, None)):
            records.action_item_create(actor=secretariat, decision=decision,
                                       text=f"ACTION-{kind}-{i:02d}", owner_kind=kind,
                                       owner_administration=owner,
                                       due_date=dt.date(2026, 9, 1) + dt.timedelta(days=i))
        ConsultationFactory(series=series,
                            starts_at=dt.datetime(2026, 8, 1, 2, tzinfo=dt.UTC)
                            + dt.timedelta(days=i))


@pytest.mark.parametrize("who", ["chair", "delegate", "partner", "secretariat"])
def test_home_costs_the_same_queries_with_2_rows_and_with_30(
        who, request, client_for, secretariat, malaysia, wco, django_assert_num_queries):
    viewer = request.getfixturevalue(who)
    client = client_for(viewer)
    _rows(2, secretariat=secretariat, malaysia=malaysia, wco=wco)
    home(client)
    # Warm: no query at all. The session comes from Redis and the user from this process
    # (secretariat.sessions and .auth); every panel, the table and the chair terms come from
    # the cached copies.
    with django_assert_num_queries(0):
        few = home(client)
    _rows(28, secretariat=secretariat, malaysia=malaysia, wco=wco, start=2)
    home(client)
    with django_assert_num_queries(0):
        many = home(client)
    assert "RISK-00" in few and "RISK-00" in many


@pytest.mark.parametrize("who", ["chair", "delegate", "partner", "secretariat"])
def test_cold_home_costs_the_same_queries_with_2_rows_and_with_30(
        who, request, client_for, secretariat, malaysia, wco):
    """With every cache empty (after writes to everything), each panel is built in a
    bounded number of queries: as many with 30 rows as with 2."""
    client = client_for(request.getfixturevalue(who))

    def cold() -> int:
        cache.clear()
        dataversion.process_cache.clear()
        with CaptureQueriesContext(connection) as queries:
            home(client)
        return len(queries)

    _rows(2, secretariat=secretariat, malaysia=malaysia, wco=wco)
    home(client)  # the session's first request writes it; not the page's cost
    few = cold()
    _rows(28, secretariat=secretariat, malaysia=malaysia, wco=wco, start=2)
    assert cold() == few


def test_members_only_rows_never_reach_a_partner(client_for, delegate, partner, partner_b,
                                                 wco, japan_customs):
    MilestoneFactory(code="INTERNAL-1", status="at_risk", published=False)
    MilestoneFactory(code="PUBLIC-1", status="at_risk", published=True)
    ConsultationFactory(series=SeriesFactory(partner=wco), published=False,
                        starts_at=dt.datetime(2026, 8, 1, 2, tzinfo=dt.UTC))
    page = home(client_for(delegate))  # the members' copy is in the cache now
    assert "INTERNAL-1" in page and "PUBLIC-1" in page
    assert "ASEAN-WCO Consultation" not in page  # unpublished: its partner and the chair only
    for _ in range(2):
        page = home(client_for(partner))
        assert "INTERNAL-1" not in page and "PUBLIC-1" in page
        assert "ASEAN-WCO Consultation" in page  # its own, unpublished
        page = home(client_for(partner_b))
        assert "INTERNAL-1" not in page and "ASEAN-WCO Consultation" not in page


def test_the_secretariat_s_action_items_never_reach_a_member(client_for, secretariat, delegate,
                                                            malaysia):
    secret = _meeting_with_decision(secretariat, visibility=Visibility.SECRETARIAT)
    records.action_item_create(actor=secretariat, decision=secret, text="SECRET-ACTION",
                               owner_kind=OwnerKind.SECRETARIAT,
                               due_date=dt.date(2026, 9, 1))
    assert "SECRET-ACTION" in home(client_for(secretariat))
    assert "SECRET-ACTION" not in home(client_for(delegate))


def test_a_write_shows_on_the_next_home(client_for, secretariat, delegate, malaysia, wco):
    client = client_for(delegate)
    decision = _meeting_with_decision(secretariat)
    consultation = ConsultationFactory(series=SeriesFactory(partner=wco),
                                       starts_at=dt.datetime(2026, 8, 1, 2, tzinfo=dt.UTC))
    page = home(client)
    assert "No open action item for you." in page and "Confirmed" in page
    action = records.action_item_create(actor=secretariat, decision=decision,
                                        text="Send NEWACTION figures",
                                        owner_kind=OwnerKind.ADMINISTRATION,
                                        owner_administration=malaysia,
                                        due_date=dt.date(2026, 9, 1))
    consultation.status = Consultation.Status.POSTPONED
    consultation.save()
    page = home(client)
    assert "Send NEWACTION figures" in page and "Postponed" in page
    # The record services write with a conditional UPDATE (no signal): still seen at once.
    records.action_item_update(actor=secretariat, item_id=action.pk,
                               expected_version=action.version, changes={"status": "done"})
    assert "Send NEWACTION figures" not in home(client)


def test_a_chair_term_that_starts_tonight_changes_the_home_without_a_write(
        client_for, secretariat, delegate, malaysia, _frozen):
    """Items owned by a body are its chair's: Malaysia's term starts on 2 June (a day at the
    Secretariat, Jakarta), and its staff's home shows them from midnight there."""
    body = BodyFactory(code="CECWG")
    ChairTermFactory(body=body, administration=malaysia, start_on=dt.date(2026, 6, 2),
                     end_on=None)
    decision = _meeting_with_decision(secretariat)
    records.action_item_create(actor=secretariat, decision=decision, text="CECWG-ACTION",
                               owner_kind=OwnerKind.BODY, owner_body=body,
                               due_date=dt.date(2026, 9, 1))
    client = client_for(delegate)
    assert "CECWG-ACTION" not in home(client)
    # A session idles out after 30 minutes: log in again (no data is written).
    _frozen.move_to(dt.datetime(2026, 6, 1, 16, 59, 59, tzinfo=dt.UTC))  # 23:59:59 Jakarta
    client = client_for(delegate)
    assert "CECWG-ACTION" not in home(client)
    assert "CECWG-ACTION" not in home(client)
    _frozen.move_to(dt.datetime(2026, 6, 1, 17, 0, 0, tzinfo=dt.UTC))  # midnight Jakarta
    assert "CECWG-ACTION" in home(client)


def test_an_action_item_is_overdue_from_the_day_after_its_due_date(
        client_for, secretariat, delegate, malaysia, _frozen):
    decision = _meeting_with_decision(secretariat)
    records.action_item_create(actor=secretariat, decision=decision, text="DUE-ACTION",
                               owner_kind=OwnerKind.ADMINISTRATION,
                               owner_administration=malaysia, due_date=dt.date(2026, 6, 1))
    client = client_for(delegate)
    # The viewer's day (Kuala Lumpur, UTC+8) ends at 16:00 UTC.
    _frozen.move_to(dt.datetime(2026, 6, 1, 15, 59, 59, tzinfo=dt.UTC))
    client = client_for(delegate)
    assert "DUE-ACTION" in home(client)
    assert "Overdue · due 01 Jun 2026" not in home(client)
    _frozen.move_to(dt.datetime(2026, 6, 1, 16, 0, tzinfo=dt.UTC))
    assert "Overdue · due 01 Jun 2026" in home(client)


def test_a_report_is_late_at_the_deadline_instant(client_for, secretariat, delegate, malaysia,
                                                  _frozen):
    """Reports to submit say "late" once the deadline (an instant) has passed, on the
    cached panel too: no write happens at 17:00."""
    MilestoneFactory().lead_administrations.add(malaysia)
    cycle = CycleFactory(due_at=dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC))
    reporting.cycle_open(actor=secretariat, cycle_id=cycle.pk, now=NOW)
    _frozen.move_to(dt.datetime(2026, 6, 1, 9, 59, tzinfo=dt.UTC))
    client = client_for(delegate)
    assert "Not started · due" in home(client)
    _frozen.move_to(dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC))
    assert "Not started · due" in home(client)
    _frozen.move_to(dt.datetime(2026, 6, 1, 10, 0, 1, tzinfo=dt.UTC))
    assert "Not started, late · due" in home(client)
