"""Reads of the meeting record, scoped to a reader (a person) or an audience (the issued
record is what member administrations read). Pages, the API, the PDFs and the exports all
build from ``record_for`` / ``record_for_audience``, so they cannot disagree."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone

from meetings.agenda import numbered_tree
from meetings.models import (
    AccessLevel,
    AgendaItem,
    Delegation,
    DelegationMember,
    Document,
    Meeting,
    Session,
)
from meetings.records.access import AUDIENCE_MEMBERS, levels_for
from meetings.records.models import ActionItem, Attendance, AttendanceStatus, Decision
from meetings.records.services import nominated_members, session_participants
from secretariat.access import Clearance, clearance_of, is_secretariat


@dataclass(frozen=True)
class Audience:
    """What a record shows: agenda visibilities, readable papers, and whether attendance."""

    levels: list[str]
    documents: object  # a Document queryset
    sees_attendance: bool
    label: str = ""


def audience_of(user) -> Audience:
    return Audience(
        levels=levels_for(user),
        documents=Document.objects.visible_to(user),
        sees_attendance=clearance_of(user) >= Clearance.MEMBERS,
    )


def members_audience(now: dt.datetime | None = None) -> Audience:
    """Member administrations as a whole: the audience of the issued record (no head of
    delegation's extra papers, no secretariat-only item)."""
    now = now or timezone.now()
    allowed = AccessLevel.up_to(Clearance.MEMBERS)
    papers = Document.objects.filter(
        Q(embargo_until__isnull=True) | Q(embargo_until__lte=now) | Q(embargo_level__in=allowed),
        access_level__in=allowed, withdrawn_at__isnull=True,
    )
    return Audience(levels=list(AUDIENCE_MEMBERS), documents=papers, sees_attendance=True,
                    label="Member administrations")


@dataclass
class AttendanceRow:
    member: DelegationMember
    administration: str
    marks: list[str]  # one status (or "") per session, in session order

    @property
    def attended(self) -> int:
        return sum(1 for m in self.marks if m in {AttendanceStatus.PRESENT,
                                                  AttendanceStatus.ONLINE})


@dataclass
class Record:
    meeting: Meeting
    audience: Audience
    items: list[AgendaItem]
    actions: list[ActionItem]
    sessions: list[Session] = field(default_factory=list)
    attendance: list[AttendanceRow] = field(default_factory=list)

    @property
    def decision_count(self) -> int:
        return sum(len(i.record_decisions) for i in self.items)


def decisions_for(audience: Audience, meeting: Meeting):
    return (
        Decision.objects.for_audience(audience.levels).filter(meeting=meeting)
        .select_related("follow_up_body")
        .prefetch_related(
            Prefetch("documents", queryset=audience.documents.order_by("title"),
                     to_attr="visible_documents"))
        .order_by("agenda_item_id", "position", "pk")
    )


def actions_for(audience: Audience, *, meeting: Meeting | None = None):
    actions = ActionItem.objects.for_audience(audience.levels).select_related(
        "owner_body", "owner_administration", "milestone", "decision__agenda_item", "meeting__body")
    if meeting is not None:
        actions = actions.filter(meeting=meeting)
    return actions.order_by("due_date", "pk")


def record_for_audience(meeting: Meeting, audience: Audience) -> Record:
    """The record as ``audience`` reads it. Queries: agenda items, decisions, their papers,
    action items; with attendance also sessions, participants, marks — constant in the
    number of items, decisions, participants and sessions."""
    items = numbered_tree(
        AgendaItem.objects.filter(meeting=meeting, visibility__in=audience.levels)
    )
    by_item: dict[int, list[Decision]] = {}
    for decision in decisions_for(audience, meeting):
        by_item.setdefault(decision.agenda_item_id, []).append(decision)
    for item in items:
        item.record_decisions = by_item.get(item.pk, [])
    shown = {d.pk for i in items for d in i.record_decisions}
    actions = [a for a in actions_for(audience, meeting=meeting) if a.decision_id in shown]
    numbers = {i.pk: i.display_number for i in items}
    for action in actions:
        action.item_number = numbers.get(action.decision.agenda_item_id, "")
    record = Record(meeting=meeting, audience=audience, items=items, actions=actions)
    if audience.sees_attendance:
        record.sessions, record.attendance = attendance_grid(meeting)
    return record


def record_for(user, meeting: Meeting) -> Record:
    return record_for_audience(meeting, audience_of(user))


def attendance_grid(meeting: Meeting) -> tuple[list[Session], list[AttendanceRow]]:
    """Participants of the submitted nominations (rows) by sessions (columns). Three queries
    whatever the size."""
    sessions = list(meeting.sessions.order_by("starts_at"))
    members = list(
        nominated_members(meeting.pk)
        .select_related("delegation__administration")
        .order_by("delegation__administration__country", "role", "full_name")
    )
    marks = {
        (a.member_id, a.session_id): a.status
        for a in Attendance.objects.filter(session__meeting=meeting).only(
            "member_id", "session_id", "status")
    }
    rows = [
        AttendanceRow(
            member=m, administration=m.delegation.administration.country,
            marks=[marks.get((m.pk, s.pk), "") for s in sessions],
        )
        for m in members
    ]
    return sessions, rows


@dataclass
class SessionSheet:
    session: Session
    delegations: list[tuple[Delegation, list[tuple[DelegationMember, str]]]]


def session_sheet(session: Session) -> SessionSheet:
    """The marking screen of one session: its participants by delegation with their marks.
    Three queries whatever the number of participants."""
    members = list(session_participants(session))
    marks = dict(Attendance.objects.filter(session=session).values_list("member_id", "status"))
    groups: dict[int, tuple[Delegation, list]] = {}
    for member in members:
        delegation = member.delegation
        groups.setdefault(delegation.pk, (delegation, []))[1].append(
            (member, marks.get(member.pk, "")))
    return SessionSheet(session=session, delegations=list(groups.values()))


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return (Meeting.objects.filter(body_id=meeting.body_id, start_date__lt=meeting.start_date)
            .select_related("body").order_by("-start_date").first())


def matters_arising(user, meeting: Meeting) -> tuple[Meeting | None, list[ActionItem]]:
    """The previous meeting of the body and its open action items that ``user`` may see:
    the "matters arising" list of ``meeting``'s agenda."""
    previous = previous_meeting(meeting)
    if previous is None:
        return None, []
    actions = list(actions_for(audience_of(user), meeting=previous).open())
    return previous, actions


def my_action_items(user, *, limit: int | None = None):
    actions = (ActionItem.objects.owned_by(user).open()
               .select_related("meeting__body", "owner_body", "owner_administration")
               .order_by("due_date", "pk"))
    return list(actions[:limit] if limit else actions)


def action_items_visible_to(user):
    return ActionItem.objects.visible_to(user).select_related(
        "meeting__body", "owner_body", "owner_administration", "milestone")


def decisions_visible_to(user):
    return Decision.objects.visible_to(user).select_related("meeting__body", "agenda_item")


def downloads_of(document: Document):
    from meetings.models import DownloadLog

    return (DownloadLog.objects.filter(version__document=document)
            .select_related("user", "version").order_by("-downloaded_at", "pk"))


def may_see_secretariat_views(user) -> bool:
    return is_secretariat(user)
