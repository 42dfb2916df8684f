import datetime as dt
import zoneinfo

import pytest

from meetings.bilaterals import services
from meetings.bilaterals.models import Room
from meetings.models import Delegation, Session
from tests.meetings.factories import MeetingFactory, make_head_of_delegation

VENUE = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: int, hhmm: str) -> dt.datetime:
    """An instant on day ``day`` (0 = 4 June 2024) of the meeting, venue time."""
    return dt.datetime.combine(dt.date(2024, 6, 4 + day), dt.time.fromisoformat(hhmm),
                               tzinfo=VENUE)


@pytest.fixture
def meeting(db):
    meeting = MeetingFactory(ordinal=33, city="Phu Quoc")
    Session.objects.create(meeting=meeting, title="Opening and plenary",
                           starts_at=at(0, "09:00"), ends_at=at(0, "12:00"))
    Session.objects.create(meeting=meeting, title="Reports of the CCC",
                           starts_at=at(0, "14:00"), ends_at=at(0, "17:30"))
    Session.objects.create(meeting=meeting, title="Closing",
                           starts_at=at(2, "09:00"), ends_at=at(2, "11:30"))
    return meeting


@pytest.fixture
def rooms(meeting):
    return {
        "lotus": Room.objects.create(meeting=meeting, name="Lotus", seats=10),
        "orchid": Room.objects.create(meeting=meeting, name="Orchid", seats=4),
    }


@pytest.fixture
def delegations(meeting, chair, delegate, delegate_b):
    """Viet Nam (its head is ``chair``), Malaysia (head ``delegate``), Thailand (no head
    linked: ``delegate_b`` is only a delegate of it)."""
    vn = make_head_of_delegation(meeting, chair).delegation
    my = make_head_of_delegation(meeting, delegate).delegation
    th = Delegation.objects.create(meeting=meeting,
                                   administration=delegate_b.profile.administration)
    return {"VN": vn, "MY": my, "TH": th}


def request(actor, meeting, requester, *, partner=None, delegation=None, slots, size=6,
            topic="Drugs"):
    return services.bilateral_request(
        actor=actor, meeting=meeting, requester=requester, invitee_partner=partner,
        invitee_delegation=delegation, topic=topic, party_size=size, slots=slots)


def schedule(actor, meeting, requester, *, partner=None, delegation=None, slot, size=6,
             room=None):
    """Request one slot and accept it as the secretariat: the shortest way to a scheduled
    bilateral (the scheduler checks it both times)."""
    bilateral = request(actor, meeting, requester, partner=partner, delegation=delegation,
                        slots=[slot], size=size)
    return services.bilateral_accept(actor=actor, bilateral_id=bilateral.pk,
                                     proposal_id=bilateral.proposals.get().pk, room=room)
