"""Writes that prepare a meeting: the meeting itself, its sessions, its agenda and its papers.

Every function takes the acting user and checks, at that instant, that the user runs the
meeting's body (``workgroups.access.ChairRights``): the secretariat, or the staff of the
administration chairing the body today. Edits of an existing row are optimistic: the caller
passes the version it read, and the version check is part of the UPDATE (``Conflict``
otherwise), as for milestones. Each function is one transaction.
"""

import datetime as dt
import zoneinfo
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from meetings import events
from meetings.agenda import check_visibility, rank
from meetings.models import (
    AccessLevel,
    AgendaItem,
    Document,
    Meeting,
    Session,
    Visibility,
)
from secretariat.models import Administration
from workgroups.access import ChairRights
from workgroups.models import Body


class Conflict(Exception):
    """Somebody saved first: ``current`` is the row as it is now."""

    def __init__(self, current):
        super().__init__("changed since it was read")
        self.current = current


def require_runner(actor, body_id: int | None) -> None:
    if not ChairRights(actor).runs(body_id):
        raise PermissionDenied(
            "Only the secretariat and the staff of the body's chair run its meetings."
        )


def _versioned_update(model, pk: int, expected_version: int, values: dict):
    """The version check and the write in ONE statement; ``Conflict`` if somebody won."""
    changed = model.objects.filter(pk=pk, version=expected_version).update(
        **values, version=F("version") + 1
    )
    if not changed:
        raise Conflict(model.objects.get(pk=pk))
    return model.objects.get(pk=pk)


# --- Meetings ---------------------------------------------------------------------------------

MEETING_FIELDS = frozenset({
    "ordinal", "title", "host", "host_is_inferred", "city", "venue", "start_date", "end_date",
    "time_zone", "chair_name", "chair_title", "summary", "status", "nomination_deadline",
})
# What an invitation shows: a change of these after convening sends an update (SEQUENCE + 1).
INVITATION_FIELDS = frozenset({"start_date", "end_date", "venue", "city", "time_zone",
                               "status", "host"})


def next_ordinal(body: Body) -> int:
    """The ordinal proposed for the body's next meeting (overridable: ordinals are stored)."""
    return (Meeting.objects.filter(body=body).aggregate(m=Max("ordinal"))["m"] or 0) + 1


def _validate_meeting(meeting: Meeting) -> None:
    """Field errors by field; the database constraints are re-stated here so that a clash
    names its field instead of arriving as one non-field error."""
    try:
        meeting.full_clean(exclude=["body"], validate_unique=False,
                           validate_constraints=False)
    except ValidationError as exc:
        errors = exc.message_dict
    else:
        errors = {}
    if Meeting.objects.filter(body_id=meeting.body_id, ordinal=meeting.ordinal).exclude(
        pk=meeting.pk
    ).exists():
        errors["ordinal"] = [f"The {meeting.body.code} already has a meeting with this number."]
    if meeting.start_date and meeting.end_date and meeting.end_date < meeting.start_date:
        errors["end_date"] = ["The meeting cannot end before it starts."]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def meeting_create(*, actor, body: Body, **fields: Any) -> Meeting:
    """A new meeting of ``body``, as a draft. Field errors are ``ValidationError`` by field."""
    require_runner(actor, body.pk)
    unknown = set(fields) - MEETING_FIELDS
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "Not a meeting field."))
    fields.setdefault("ordinal", next_ordinal(body))
    host = fields.get("host")
    if host is not None and not fields.get("time_zone"):
        fields["time_zone"] = host.time_zone
    meeting = Meeting(body=body, **fields)
    _validate_meeting(meeting)
    meeting.save()
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting_id: int, expected_version: int,
                   changes: dict[str, Any]) -> Meeting:
    """Change a meeting. Once convened, a change to what the invitation shows (dates, venue,
    zone, host) sends an update to every recipient and a cancellation a METHOD:CANCEL, each
    with the next SEQUENCE; ``Conflict`` if the meeting changed since ``expected_version``."""
    from meetings import convening

    current = Meeting.objects.select_related("body").get(pk=meeting_id)
    require_runner(actor, current.body_id)
    unknown = set(changes) - MEETING_FIELDS
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "Not a meeting field."))
    candidate = Meeting.objects.select_related("body").get(pk=meeting_id)
    for name, value in changes.items():
        setattr(candidate, name, value)
    _validate_meeting(candidate)
    values = {name: getattr(candidate, name) for name in changes}
    touches_invitation = any(
        getattr(current, name) != values[name] for name in INVITATION_FIELDS & set(values)
    )
    updated = _versioned_update(Meeting, meeting_id, expected_version, values)
    if current.convened_at is not None and touches_invitation:
        convening.notice_send(actor=actor, meeting=updated)
        updated.refresh_from_db()
    return updated


# --- Sessions ---------------------------------------------------------------------------------

SESSION_FIELDS = frozenset({"title", "starts_at", "ends_at", "mode", "location"})


def venue_instant(meeting: Meeting, day: dt.date, time: dt.time) -> dt.datetime:
    """A date and a time typed in the venue's zone, as an instant."""
    return dt.datetime.combine(day, time, tzinfo=zoneinfo.ZoneInfo(meeting.time_zone))


def _validate_session(session: Session) -> None:
    session.full_clean(exclude=["meeting"])
    if session.ends_at <= session.starts_at:
        raise ValidationError({"ends_at": "The session must end after it starts."})


@transaction.atomic
def session_create(*, actor, meeting: Meeting, **fields: Any) -> Session:
    require_runner(actor, meeting.body_id)
    session = Session(meeting=meeting, **fields)
    _validate_session(session)
    session.save()
    _sessions_changed(actor, meeting)
    return session


@transaction.atomic
def session_update(*, actor, session_id: int, expected_version: int,
                   changes: dict[str, Any]) -> Session:
    session = Session.objects.select_related("meeting").get(pk=session_id)
    require_runner(actor, session.meeting.body_id)
    unknown = set(changes) - SESSION_FIELDS
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "Not a session field."))
    for name, value in changes.items():
        setattr(session, name, value)
    _validate_session(session)
    updated = _versioned_update(Session, session_id, expected_version, dict(changes))
    _sessions_changed(actor, session.meeting)
    return updated


@transaction.atomic
def session_delete(*, actor, session_id: int) -> None:
    session = Session.objects.select_related("meeting").get(pk=session_id)
    require_runner(actor, session.meeting.body_id)
    session.delete()
    _sessions_changed(actor, session.meeting)


def _sessions_changed(actor, meeting: Meeting) -> None:
    """The invitation lists the sessions: once convened, a changed timetable is an update."""
    from meetings import convening

    Meeting.objects.filter(pk=meeting.pk).update(version=F("version") + 1,
                                                  updated_at=timezone.now())
    if meeting.convened_at is not None:
        convening.notice_send(actor=actor, meeting=Meeting.objects.get(pk=meeting.pk))


# --- Agenda -----------------------------------------------------------------------------------

# Positions while two siblings swap: above any real one, so the unique constraints hold.
_PARKING = 30000


def _siblings(meeting_id: int, parent_id: int | None):
    return AgendaItem.objects.filter(meeting_id=meeting_id, parent_id=parent_id)


def _next_position(meeting_id: int, parent_id: int | None) -> int:
    top = _siblings(meeting_id, parent_id).filter(position__lt=_PARKING).aggregate(
        m=Max("position"))["m"]
    return (top or 0) + 1


def _parent_in(meeting: Meeting, parent_id: int | None) -> AgendaItem | None:
    if parent_id is None:
        return None
    parent = AgendaItem.objects.filter(meeting=meeting, pk=parent_id).first()
    if parent is None:
        raise ValidationError({"parent": "No such item in this meeting's agenda."})
    return parent


def _narrow_descendants(item: AgendaItem) -> None:
    """Narrowing an item narrows every descendant wider than it: the cap holds downwards."""
    narrower = [v for v in Visibility if rank(v) <= rank(item.visibility)]
    stack = [item.pk]
    while stack:
        children = list(AgendaItem.objects.filter(parent_id__in=stack))
        AgendaItem.objects.filter(pk__in=[c.pk for c in children]).exclude(
            visibility__in=narrower).update(visibility=item.visibility, version=F("version") + 1)
        stack = [c.pk for c in children]


@transaction.atomic
def agenda_item_create(*, actor, meeting: Meeting, title: str, parent_id: int | None = None,
                       visibility: str = Visibility.MEMBERS, description: str = "") -> AgendaItem:
    """A new last item under ``parent_id`` (top level if None). ``ValidationError`` on the
    ``visibility`` field if it is wider than the parent's."""
    require_runner(actor, meeting.body_id)
    parent = _parent_in(meeting, parent_id)
    if error := check_visibility(visibility, parent):
        raise ValidationError({"visibility": error})
    item = AgendaItem(meeting=meeting, parent=parent, title=title.strip(),
                      description=description, visibility=visibility,
                      position=_next_position(meeting.pk, parent_id))
    item.full_clean(exclude=["meeting", "parent"], validate_constraints=False)
    item.save()
    return item


@transaction.atomic
def agenda_item_update(*, actor, item_id: int, expected_version: int,
                       changes: dict[str, Any]) -> AgendaItem:
    """Rename, describe, change visibility (capped by the parent; narrowing an item narrows
    its sub-items) or re-parent (``parent`` id; the item goes last under its new parent)."""
    item = AgendaItem.objects.select_related("meeting", "parent").get(pk=item_id)
    require_runner(actor, item.meeting.body_id)
    unknown = set(changes) - {"title", "description", "visibility", "parent"}
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "Not an agenda item field."))
    values = dict(changes)
    parent = item.parent
    if "parent" in values:
        parent = _parent_in(item.meeting, values["parent"])
        if parent is not None and _is_descendant_or_self(parent, item):
            raise ValidationError({"parent": "An item cannot go under itself or its sub-items."})
        values.pop("parent")
        if parent != item.parent:
            values["parent_id"] = parent.pk if parent else None
            values["position"] = _next_position(item.meeting_id, values["parent_id"])
    visibility = values.get("visibility", item.visibility)
    if error := check_visibility(visibility, parent):
        raise ValidationError({"visibility": error})
    if "title" in values:
        values["title"] = values["title"].strip()
        if not values["title"]:
            raise ValidationError({"title": "An agenda item needs a title."})
    updated = _versioned_update(AgendaItem, item_id, expected_version, values)
    _narrow_descendants(updated)
    return updated


def _is_descendant_or_self(candidate: AgendaItem, item: AgendaItem) -> bool:
    node = candidate
    seen = set()
    while node is not None and node.pk not in seen:
        if node.pk == item.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


@transaction.atomic
def agenda_item_move(*, actor, item_id: int, direction: str) -> AgendaItem:
    """``up``/``down`` swaps with the neighbouring sibling; ``indent`` puts the item last under
    its previous sibling; ``outdent`` puts it right after its parent. Visibility is narrowed
    to the new parent's if needed (the cap), never widened."""
    item = AgendaItem.objects.select_for_update(of=("self",)).select_related(
        "meeting", "parent").get(pk=item_id)
    require_runner(actor, item.meeting.body_id)
    siblings = _siblings(item.meeting_id, item.parent_id)
    if direction in {"up", "down"}:
        neighbour = (
            siblings.filter(position__lt=item.position).order_by("-position").first()
            if direction == "up" else
            siblings.filter(position__gt=item.position).order_by("position").first()
        )
        if neighbour is None:
            return item
        mine, theirs = item.position, neighbour.position
        AgendaItem.objects.filter(pk=item.pk).update(position=_PARKING)
        AgendaItem.objects.filter(pk=neighbour.pk).update(position=mine)
        AgendaItem.objects.filter(pk=item.pk).update(position=theirs,
                                                     version=F("version") + 1)
    elif direction == "indent":
        previous = siblings.filter(position__lt=item.position).order_by("-position").first()
        if previous is None:
            raise ValidationError({"direction": "The first item has nothing to go under."})
        _reparent(item, previous, _next_position(item.meeting_id, previous.pk))
    elif direction == "outdent":
        parent = item.parent
        if parent is None:
            raise ValidationError({"direction": "The item is already at the top level."})
        # Make room right after the parent among the parent's siblings.
        later = _siblings(item.meeting_id, parent.parent_id).filter(
            position__gt=parent.position).order_by("-position")
        for sibling in later:
            AgendaItem.objects.filter(pk=sibling.pk).update(position=F("position") + 1)
        _reparent(item, parent.parent, parent.position + 1)
    else:
        raise ValidationError({"direction": "Use up, down, indent or outdent."})
    return AgendaItem.objects.get(pk=item.pk)


def _reparent(item: AgendaItem, parent: AgendaItem | None, position: int) -> None:
    visibility = item.visibility
    if parent is not None and rank(visibility) > rank(parent.visibility):
        visibility = parent.visibility
    AgendaItem.objects.filter(pk=item.pk).update(
        parent=parent, position=position, visibility=visibility, version=F("version") + 1)
    _narrow_descendants(AgendaItem.objects.get(pk=item.pk))


@transaction.atomic
def agenda_item_delete(*, actor, item_id: int) -> None:
    """Delete an empty item: one with no sub-items and no papers (papers are withdrawn, not
    lost with their item)."""
    item = AgendaItem.objects.select_related("meeting").get(pk=item_id)
    require_runner(actor, item.meeting.body_id)
    if item.children.exists():
        raise ValidationError("Only an empty item can be deleted: it has sub-items.")
    if Document.objects.filter(agenda_item=item).exists():
        raise ValidationError("Only an empty item can be deleted: papers are attached to it.")
    item.delete()


# --- Papers -----------------------------------------------------------------------------------

DOCUMENT_FIELDS = frozenset({"title", "kind", "access_level", "embargo_until", "embargo_level",
                             "agenda_item"})


def _require_paper_editor(actor, document: Document) -> None:
    """The secretariat, or the chair (now) of the body whose meeting the paper belongs to."""
    require_runner(actor, document.meeting.body_id if document.meeting_id else None)


@transaction.atomic
def document_update(*, actor, document: Document, changes: dict[str, Any]) -> Document:
    """Change a paper's title, kind, access level, embargo or agenda item."""
    document = Document.objects.select_for_update(of=("self",)).select_related(
        "meeting").get(pk=document.pk)
    _require_paper_editor(actor, document)
    unknown = set(changes) - DOCUMENT_FIELDS
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "Not a paper field."))
    item = changes.get("agenda_item", document.agenda_item)
    if item is not None and item.meeting_id != document.meeting_id:
        raise ValidationError({"agenda_item": "This agenda item belongs to another meeting."})
    for name, value in changes.items():
        setattr(document, name, value)
    if not (document.title or "").strip():
        raise ValidationError({"title": "A paper needs a title."})
    if document.embargo_level not in AccessLevel.values:
        raise ValidationError({"embargo_level": "Not an access level."})
    document.full_clean(exclude=["current_version", "meeting", "agenda_item", "created_by"])
    document.save()
    return document


@transaction.atomic
def document_withdraw(*, actor, document: Document, reason: str = "") -> Document:
    """Withdraw a paper: it stays in the record (versions, downloads) and leaves every list
    and search. Idempotent."""
    document = Document.objects.select_for_update(of=("self",)).select_related(
        "meeting").get(pk=document.pk)
    _require_paper_editor(actor, document)
    if document.withdrawn_at is None:
        document.withdrawn_at = timezone.now()
        document.withdrawn_by = actor
        document.withdrawn_reason = reason.strip()[:300]
        document.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason",
                                     "updated_at"])
        events.paper_changed(document, "withdrawn")  # issue 12: papers-posted notices
    return document


def host_choices() -> list[Administration]:
    return list(Administration.objects.with_names().order_by("country"))

