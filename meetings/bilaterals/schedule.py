"""The rules a bilateral's slot must satisfy, in one place: the request form, the answer, the
secretariat's own scheduling and the property test all ask ``clashes``.

A slot is refused when it

* falls outside the meeting's days (at the venue),
* overlaps a plenary session: every delegation sits in the meeting's sessions, and one side of
  a bilateral is always a delegation, so no session may overlap any bilateral,
* overlaps something a side's own calendar holds (a partner's consultation at the meeting,
  contributed by a higher app through ``register_busy_source``),
* overlaps another scheduled bilateral of either side,
* or, with a room, overlaps the room's other booking or needs more seats than it has.

Intervals are half-open: a bilateral may start the minute a session ends.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.formats import time_format

from meetings.models import Meeting, Session

DASH = "\N{EN DASH}"


@dataclass(frozen=True)
class Party:
    kind: str  # "delegation" or "partner"
    id: int


def parties_of(bilateral) -> frozenset[Party]:
    invitee = (Party("partner", bilateral.invitee_partner_id) if bilateral.invitee_partner_id
               else Party("delegation", bilateral.invitee_delegation_id))
    return frozenset({Party("delegation", bilateral.requester_id), invitee})


# fn(meeting, partner_ids, starts_at, ends_at) -> [(partner_id, label, starts_at, ends_at)]
BusySource = Callable[[Meeting, set[int], dt.datetime, dt.datetime], Iterable[tuple]]
_busy_sources: list[BusySource] = []


def register_busy_source(source: BusySource) -> BusySource:
    if source not in _busy_sources:
        _busy_sources.append(source)
    return source


def _span(meeting: Meeting, starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    tz = meeting.zoneinfo
    start, end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    return f"{start:%a %d %b} {time_format(start, 'H:i')}{DASH}{time_format(end, 'H:i')}"


def clashes(
    *, meeting: Meeting, parties: frozenset[Party], starts_at: dt.datetime,
    ends_at: dt.datetime, room=None, party_size: int = 0, exclude_id: int | None = None,
    names: dict[Party, str] | None = None,
) -> list[str]:
    """Every reason the slot cannot be used, each naming what it clashes with ([] = free).
    Queries: sessions, bilaterals (+names), and one per busy source."""
    from meetings.bilaterals.models import Bilateral

    names = names or {}
    problems: list[str] = []
    if ends_at <= starts_at:
        return ["The slot must end after it starts."]
    tz = meeting.zoneinfo
    first = starts_at.astimezone(tz).date()
    last = (ends_at - dt.timedelta(microseconds=1)).astimezone(tz).date()
    if first < meeting.start_date or last > meeting.end_date:
        problems.append(
            f"The slot is outside the meeting's days ({meeting.start_date:%d %b}{DASH}"
            f"{meeting.end_date:%d %b %Y} at the venue).")
    for session in Session.objects.filter(
        meeting=meeting, starts_at__lt=ends_at, ends_at__gt=starts_at
    ):
        problems.append(
            f"It overlaps the plenary session “{session.title}” "
            f"({_span(meeting, session.starts_at, session.ends_at)} at the venue).")
    partner_ids = {p.id for p in parties if p.kind == "partner"}
    for source in _busy_sources:
        for partner_id, label, busy_start, busy_end in source(
            meeting, partner_ids, starts_at, ends_at
        ):
            who = names.get(Party("partner", partner_id), "The partner")
            problems.append(
                f"{who} is at “{label}” then ({_span(meeting, busy_start, busy_end)}).")
    overlapping = (
        Bilateral.objects.scheduled().with_related()
        .filter(meeting=meeting, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(pk=exclude_id)
    )
    for other in overlapping:
        for party in sorted(parties_of(other) & parties, key=lambda p: (p.kind, p.id)):
            who = names.get(party) or _party_name(other, party)
            problems.append(
                f"{who} already has the {other.title} "
                f"({_span(meeting, other.starts_at, other.ends_at)}).")
        if room is not None and other.room_id == room.pk:
            problems.append(
                f"{room.name} is taken by the {other.title} "
                f"({_span(meeting, other.starts_at, other.ends_at)}).")
    if room is not None and party_size > room.seats:
        problems.append(f"{room.name} seats {room.seats}; this bilateral needs {party_size}.")
    return problems


def _party_name(bilateral, party: Party) -> str:
    if party.kind == "partner":
        return bilateral.invitee_partner.name
    if party.id == bilateral.requester_id:
        return bilateral.requester.administration.country
    return bilateral.invitee_delegation.administration.country
