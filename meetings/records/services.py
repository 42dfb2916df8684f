"""Writes of the meeting record: attendance, decisions, action items, the issued record.

Every function takes the acting user, checks the right at the moment of the act
(``records.access.may_record``: the secretariat or the chair administration of the body at
that instant) and runs in one transaction. Updates are optimistic: a ``version`` column and
one conditional UPDATE (``Conflict`` when somebody saved first).
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from meetings import agenda as agenda_rules
from meetings import services as meeting_services
from meetings.models import (
    AccessLevel,
    AgendaItem,
    DelegationMember,
    Document,
    Meeting,
    NominationState,
    Session,
    Visibility,
)
from meetings.records.access import may_record
from meetings.records.models import (
    ActionItem,
    ActionStatus,
    Attendance,
    AttendanceStatus,
    Decision,
    DecisionKind,
    NoticeMode,
    NoticePreference,
    OwnerKind,
)
from meetings.records.notices import OVERDUE_PURPOSE
from secretariat import outbox


class Conflict(Exception):
    """Somebody saved first: ``current`` is the row as it is now."""

    def __init__(self, current):
        super().__init__("changed since it was read")
        self.current = current


def _require_recorder(actor, meeting: Meeting) -> None:
    if not may_record(actor, meeting):
        raise PermissionDenied(
            "Only the secretariat and the staff of the body's chair keep its meeting record."
        )


def _versioned_update(model, pk: int, expected_version: int, values: dict):
    changed = model.objects.filter(pk=pk, version=expected_version).update(
        **values, version=F("version") + 1, updated_at=timezone.now()
    )
    if not changed:
        raise Conflict(model.objects.get(pk=pk))
    return model.objects.get(pk=pk)


# --- Attendance -----------------------------------------------------------------------------


def nominated_members(meeting_id: int):
    """The people of the meeting's *submitted* nominations. A draft is the administration's
    work in progress (names may still change or be dropped): its people are not nominated
    yet, so nobody marks them, lists them as participants or expects them at the meeting."""
    return DelegationMember.objects.filter(delegation__meeting_id=meeting_id,
                                           delegation__state=NominationState.SUBMITTED)


def session_participants(session: Session):
    """The nominated participants expected at ``session``: members of the meeting's
    submitted nominations that name this session or no session (= every session)."""
    return (
        nominated_members(session.meeting_id)
        .filter(_expected_at(session))
        .select_related("delegation__administration")
        .order_by("delegation__administration__country", "role", "full_name")
    )


def _expected_at(session: Session):
    from django.db.models import Exists, OuterRef, Q

    through = DelegationMember.sessions.through
    named_any = Exists(through.objects.filter(delegationmember_id=OuterRef("pk")))
    named_this = Exists(through.objects.filter(delegationmember_id=OuterRef("pk"),
                                               session_id=session.pk))
    return ~Q(named_any) | Q(named_this)


@transaction.atomic
def attendance_mark(*, actor, session: Session, marks: dict[int, str]) -> int:
    """Record ``{member_id: status}`` for one session; returns how many marks changed.

    Guarantees: all or nothing; every member must be a participant of the session (else a
    field-keyed ``ValidationError``, nothing written); a constant number of queries whatever
    the number of participants (one read, one insert, one update, one history insert); each
    change is kept in the history with ``actor``.
    """
    _require_recorder(actor, session.meeting)
    bad_status = sorted({s for s in marks.values() if s not in AttendanceStatus.values})
    if bad_status:
        raise ValidationError({"status": f"Not a status: {', '.join(bad_status)}."})
    allowed = set(session_participants(session).values_list("pk", flat=True))
    strangers = sorted(set(marks) - allowed)
    if strangers:
        raise ValidationError(
            {"members": f"Not participants of this session: {', '.join(map(str, strangers))}."})
    now = timezone.now()
    existing = {a.member_id: a for a in Attendance.objects.filter(session=session,
                                                                  member_id__in=list(marks))}
    created, changed = [], []
    for member_id, status in marks.items():
        row = existing.get(member_id)
        if row is None:
            created.append(Attendance(session=session, member_id=member_id, status=status,
                                      marked_by=actor, marked_at=now))
        elif row.status != status:
            row.status, row.marked_by, row.marked_at = status, actor, now
            changed.append(row)
    if created:
        Attendance.objects.bulk_create(created)
        if any(row.pk is None for row in created):  # a backend without RETURNING
            created = list(Attendance.objects.filter(
                session=session, member_id__in=[r.member_id for r in created]))
    if changed:
        Attendance.objects.bulk_update(changed, ["status", "marked_by", "marked_at"])
    if created or changed:
        # ``bulk_*`` send no signal: the history is written here, in one INSERT.
        Attendance.history.bulk_history_create(
            [*created, *changed], default_user=actor, default_date=now)
    return len(created) + len(changed)


# --- Decisions ------------------------------------------------------------------------------


def _item_cap(item: AgendaItem) -> str:
    """The narrowest visibility of the item and its ancestors: a decision may not be wider."""
    narrowest, node = item.visibility, item
    while node.parent_id is not None:
        node = AgendaItem.objects.get(pk=node.parent_id)
        if agenda_rules.rank(node.visibility) < agenda_rules.rank(narrowest):
            narrowest = node.visibility
    return narrowest


def _check_decision(item: AgendaItem, kind: str, text: str, visibility: str,
                    documents: list[Document]) -> None:
    errors = {}
    if kind not in DecisionKind.values:
        errors["kind"] = "Choose noted, endorsed, agreed or tasked."
    if not text.strip():
        errors["text"] = "Write what the Meeting decided."
    if visibility not in Visibility.values:
        errors["visibility"] = "Not a visibility."
    else:
        cap = _item_cap(item)
        if agenda_rules.rank(visibility) > agenda_rules.rank(cap):
            errors["visibility"] = (
                f"A decision under item “{item.title}” cannot be more visible than the item "
                f"({Visibility(cap).label.lower()})."
            )
    if any(d.meeting_id != item.meeting_id for d in documents):
        errors["documents"] = "Every paper must belong to this meeting."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def decision_create(*, actor, agenda_item: AgendaItem, kind: str, text: str,
                    visibility: str | None = None, follow_up_body=None,
                    documents: list[Document] = ()) -> Decision:
    """Record a decision under ``agenda_item``. Visibility defaults to the item's."""
    meeting = agenda_item.meeting
    _require_recorder(actor, meeting)
    visibility = visibility or _item_cap(agenda_item)
    documents = list(documents)
    _check_decision(agenda_item, kind, text, visibility, documents)
    position = Decision.objects.filter(agenda_item=agenda_item).count() + 1
    decision = Decision.objects.create(
        meeting=meeting, agenda_item=agenda_item, kind=kind, text=text.strip(),
        visibility=visibility, follow_up_body=follow_up_body, position=position,
        created_by=actor,
    )
    if documents:
        decision.documents.set(documents)
    return decision


DECISION_FIELDS = frozenset({"kind", "text", "visibility", "follow_up_body", "documents"})


@transaction.atomic
def decision_update(*, actor, decision_id: int, expected_version: int,
                    changes: dict[str, Any]) -> Decision:
    current = Decision.objects.select_related("agenda_item", "meeting").get(pk=decision_id)
    _require_recorder(actor, current.meeting)
    unknown = set(changes) - DECISION_FIELDS
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "Not editable."))
    documents = changes.pop("documents", None)
    merged = {"kind": current.kind, "text": current.text, "visibility": current.visibility,
              **changes}
    _check_decision(current.agenda_item, merged["kind"], merged["text"], merged["visibility"],
                    list(documents) if documents is not None else [])
    if current.version != expected_version:
        raise Conflict(current)
    decision = _versioned_update(Decision, decision_id, expected_version, changes)
    if documents is not None:
        decision.documents.set(documents)
    return decision


# --- Action items ---------------------------------------------------------------------------


def _check_owner(owner_kind: str, owner_body, owner_administration) -> dict:
    if owner_kind == OwnerKind.BODY and owner_body is None:
        return {"owner_body": "Choose the body that owns it."}
    if owner_kind == OwnerKind.ADMINISTRATION and owner_administration is None:
        return {"owner_administration": "Choose the administration that owns it."}
    if owner_kind not in OwnerKind.values:
        return {"owner_kind": "Choose a body, an administration or the secretariat."}
    return {}


@transaction.atomic
def action_item_create(*, actor, decision: Decision, text: str, owner_kind: str,
                       due_date: dt.date, owner_body=None, owner_administration=None,
                       milestone=None) -> ActionItem:
    """An action item from ``decision``; its owner fields are kept consistent with its kind."""
    _require_recorder(actor, decision.meeting)
    errors = _check_owner(owner_kind, owner_body, owner_administration)
    if not text.strip():
        errors["text"] = "Say what is to be done."
    if due_date is None:
        errors["due_date"] = "Give a due date."
    if errors:
        raise ValidationError(errors)
    return ActionItem.objects.create(
        decision=decision, meeting_id=decision.meeting_id, text=text.strip(),
        owner_kind=owner_kind,
        owner_body=owner_body if owner_kind == OwnerKind.BODY else None,
        owner_administration=owner_administration
        if owner_kind == OwnerKind.ADMINISTRATION else None,
        due_date=due_date, milestone=milestone, created_by=actor,
    )


ACTION_FIELDS = frozenset({"text", "owner_kind", "owner_body", "owner_administration",
                           "due_date", "status", "milestone"})


@transaction.atomic
def action_item_update(*, actor, item_id: int, expected_version: int,
                       changes: dict[str, Any]) -> ActionItem:
    """Change an action item. Closing it (done or dropped) cancels its pending overdue
    reminders; reopening lets the planner remind it again only if none was sent."""
    current = ActionItem.objects.select_related("meeting").get(pk=item_id)
    _require_recorder(actor, current.meeting)
    unknown = set(changes) - ACTION_FIELDS
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "Not editable."))
    merged = {f: getattr(current, f) for f in ("owner_kind", "owner_body",
                                                "owner_administration")}
    merged.update({k: v for k, v in changes.items() if k in merged})
    errors = _check_owner(merged["owner_kind"], merged["owner_body"],
                          merged["owner_administration"])
    if "status" in changes and changes["status"] not in ActionStatus.values:
        errors["status"] = "Choose open, done or dropped."
    if "text" in changes and not str(changes["text"]).strip():
        errors["text"] = "Say what is to be done."
    if errors:
        raise ValidationError(errors)
    if "owner_kind" in changes:
        changes.setdefault("owner_body", merged["owner_body"])
        changes.setdefault("owner_administration", merged["owner_administration"])
        if merged["owner_kind"] != OwnerKind.BODY:
            changes["owner_body"] = None
        if merged["owner_kind"] != OwnerKind.ADMINISTRATION:
            changes["owner_administration"] = None
    if "status" in changes:
        closing = changes["status"] != ActionStatus.OPEN
        changes["closed_at"] = (current.closed_at or timezone.now()) if closing else None
    if current.version != expected_version:
        raise Conflict(current)
    item = _versioned_update(ActionItem, item_id, expected_version, changes)
    ActionItem.history.bulk_history_create([item], update=True, default_user=actor)
    if item.status != ActionStatus.OPEN:
        outbox.cancel(purpose=OVERDUE_PURPOSE, obj=item,
                      reason=f"The action item is {item.get_status_display().lower()}.")
    return item


# --- The issued record ----------------------------------------------------------------------

RECORD_TITLE = "Summary record of the {meeting}"


@transaction.atomic
def record_issue(*, actor, meeting: Meeting, reason: str = "") -> Document:
    """Store the record as it reads for member administrations as a paper of the meeting:
    the first issue creates it (minutes, members' level), a later one adds a version. Once
    the minutes are adopted the lock applies: a new version needs a reason."""
    from meetings.records.pdf import record_pdf_for_audience

    _require_recorder(actor, meeting)
    content = record_pdf_for_audience(meeting)
    filename = f"summary-record-{meeting.body.code.lower()}-{meeting.ordinal}.pdf"
    title = RECORD_TITLE.format(meeting=meeting.display_title)
    existing = (Document.objects.filter(meeting=meeting, kind=Document.Kind.MINUTES,
                                        title=title, withdrawn_at__isnull=True)
                .order_by("pk").first())
    if existing is None:
        return meeting_services.document_create(
            actor=actor, meeting=meeting, title=title, kind=Document.Kind.MINUTES,
            access_level=AccessLevel.MEMBERS, file=ContentFile(content, name=filename),
            filename=filename,
        )
    meeting_services.document_version_add(
        actor=actor, document=existing, file=ContentFile(content, name=filename),
        filename=filename, reason=reason,
    )
    return Document.objects.get(pk=existing.pk)


# --- Notice preferences ---------------------------------------------------------------------


@transaction.atomic
def notice_preference_set(*, actor, mode: str, bodies: list) -> NoticePreference:
    """The acting user's own choice of paper notices (nobody sets another's)."""
    if mode not in NoticeMode.values:
        raise ValidationError({"mode": "Choose immediately, daily digest or none."})
    preference, _ = NoticePreference.objects.update_or_create(user=actor,
                                                              defaults={"mode": mode})
    preference.bodies.set(bodies)
    return preference
