"""A small meeting record for the tests: one agenda item per visibility, one decision each
(with a marker word in its text), two sessions, three delegations (submitted nominations).

- item 1 (public) "Opening", decision PUBLICMARK
- item 2 (members) "Reports", decision MEMBERSMARK; its sub-item 2.1 (members), SUBMARK
- item 3 (secretariat only) "Closed briefing", decision SECRETMARK, with an action item
- the Viet Nam delegation is headed by Nguyễn Văn Cẩn
"""

import datetime as dt
from dataclasses import dataclass

import pytest

from meetings.models import (
    AgendaItem,
    Delegation,
    DelegationMember,
    Meeting,
    NominationState,
    Session,
    Visibility,
)
from meetings.records import services
from meetings.records.models import Decision, OwnerKind
from tests.meetings.factories import MeetingFactory

UTC = dt.UTC


@dataclass
class Built:
    meeting: Meeting
    items: dict
    decisions: dict
    sessions: list
    delegations: dict
    actions: dict


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def build_record(actor, *, vietnam, malaysia, thailand, members_per_delegation=2,
                 ordinal=33) -> Built:
    meeting = MeetingFactory(ordinal=ordinal)
    items = {
        "1": AgendaItem.objects.create(meeting=meeting, position=1, title="Opening",
                                       visibility=Visibility.PUBLIC),
        "2": AgendaItem.objects.create(meeting=meeting, position=2, title="Reports",
                                       visibility=Visibility.MEMBERS),
        "3": AgendaItem.objects.create(meeting=meeting, position=3, title="Closed briefing",
                                       visibility=Visibility.SECRETARIAT),
    }
    items["2.1"] = AgendaItem.objects.create(meeting=meeting, parent=items["2"], position=1,
                                             title="Working group report",
                                             visibility=Visibility.MEMBERS)
    texts = {"1": "The Meeting noted PUBLICMARK.", "2": "The Meeting endorsed MEMBERSMARK.",
             "2.1": "The Meeting tasked SUBMARK.", "3": "The Meeting agreed SECRETMARK."}
    decisions = {
        key: services.decision_create(actor=actor, agenda_item=items[key],
                                      kind=("noted" if key == "1" else "agreed"),
                                      text=text)
        for key, text in texts.items()
    }
    actions = {
        "3": services.action_item_create(
            actor=actor, decision=decisions["3"], text="Consolidate SECRETACTION figures",
            owner_kind=OwnerKind.SECRETARIAT, due_date=dt.date(2024, 7, 31)),
        "2": services.action_item_create(
            actor=actor, decision=decisions["2"], text="Report MEMBERSACTION progress",
            owner_kind=OwnerKind.ADMINISTRATION, owner_administration=malaysia,
            due_date=dt.date(2024, 9, 30)),
    }
    sessions = [
        Session.objects.create(meeting=meeting, title="Plenary",
                               starts_at=dt.datetime(2024, 6, 4, 2, tzinfo=UTC),
                               ends_at=dt.datetime(2024, 6, 4, 5, tzinfo=UTC)),
        Session.objects.create(meeting=meeting, title="Closing",
                               starts_at=dt.datetime(2024, 6, 6, 2, tzinfo=UTC),
                               ends_at=dt.datetime(2024, 6, 6, 4, tzinfo=UTC)),
    ]
    delegations = {}
    for adm in (vietnam, malaysia, thailand):
        delegation = Delegation.objects.create(meeting=meeting, administration=adm,
                                               state=NominationState.SUBMITTED,
                                               submitted_at=dt.datetime(2024, 5, 1, tzinfo=UTC))
        delegations[adm.code] = delegation
        for n in range(members_per_delegation):
            name = "Nguyễn Văn Cẩn" if adm.code == "VN" and n == 0 else f"{adm.code} delegate {n}"
            DelegationMember.objects.create(
                delegation=delegation, full_name=name,
                role=DelegationMember.Role.HEAD if n == 0 else DelegationMember.Role.DELEGATE)
    return Built(meeting, items, decisions, sessions, delegations, actions)


@pytest.fixture
def built(secretariat, vietnam, malaysia, thailand):
    return build_record(secretariat, vietnam=vietnam, malaysia=malaysia, thailand=thailand)


MARKS = {
    "public": {"PUBLICMARK"},
    "members": {"PUBLICMARK", "MEMBERSMARK", "SUBMARK"},
    "secretariat": {"PUBLICMARK", "MEMBERSMARK", "SUBMARK", "SECRETMARK"},
}
ALL_MARKS = MARKS["secretariat"]


def expected_marks(role: str) -> set[str]:
    return MARKS[{"anonymous": "public", "partner": "public", "partner_b": "public",
                  "delegate": "members", "delegate_b": "members", "chair": "members",
                  "secretariat": "secretariat"}[role]]


__all__ = ["ALL_MARKS", "Built", "Decision", "build_record", "expected_marks"]
