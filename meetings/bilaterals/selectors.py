"""Reads of the bilateral scheduler: who is looking (a delegation, a partner or the
secretariat) and the grid they see, in the venue's and their own time zone."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils.formats import time_format

from meetings.bilaterals.models import Bilateral, Room
from meetings.bilaterals.schedule import DASH
from meetings.models import Delegation, Meeting
from secretariat.access import (
    administration_id_of,
    is_member_staff,
    is_secretariat,
    partner_id_of,
    profile_of,
)


@dataclass
class Viewer:
    kind: str  # "secretariat", "delegation" or "partner"
    time_zone: str
    zone_place: str  # "Malaysia", "your"
    delegation: Delegation | None = None
    partner_id: int | None = None

    @property
    def is_secretariat(self) -> bool:
        return self.kind == "secretariat"


def _own_zone(user) -> str:
    profile = profile_of(user)
    return profile.effective_time_zone if profile else settings.PORTAL_DEFAULT_TIME_ZONE


def viewer_for(user, meeting: Meeting, *, delegation_id: int | None = None) -> Viewer | None:
    """Who ``user`` is at this meeting's bilaterals, or None (the page is then a 404).

    Staff of an administration see its delegation's grid; a partner its own bilaterals; the
    secretariat everything, or one delegation's grid (``delegation_id``) as that delegation
    sees it.
    """
    if is_secretariat(user):
        if delegation_id is not None:
            delegation = (Delegation.objects.select_related("administration")
                          .filter(meeting=meeting, pk=delegation_id).first())
            if delegation is not None:
                return Viewer("delegation", delegation.administration.time_zone,
                              delegation.administration.country, delegation=delegation)
        return Viewer("secretariat", _own_zone(user), "your")
    if is_member_staff(user):
        delegation = (Delegation.objects.select_related("administration")
                      .filter(meeting=meeting, administration_id=administration_id_of(user))
                      .first())
        if delegation is None:
            return None
        return Viewer("delegation", delegation.administration.time_zone,
                      delegation.administration.country, delegation=delegation)
    partner_id = partner_id_of(user)
    if partner_id is not None:
        return Viewer("partner", _own_zone(user), "your", partner_id=partner_id)
    return None


def bilaterals_link(user, meeting: Meeting) -> str:
    """The meeting's bilateral grid for ``user``, or "" when ``viewer_for`` gives them none.

    For the meeting page: the answer is cached under the meetings' data version (it depends
    on the meeting's delegations) and keyed by exactly what ``viewer_for`` reads of the user.
    """
    from django.urls import reverse

    from meetings.caching import MEETINGS

    if not getattr(user, "is_authenticated", False):
        return ""
    inputs = (is_secretariat(user), is_member_staff(user), administration_id_of(user),
              partner_id_of(user) is not None)
    has_grid = MEETINGS.cached(("bilaterals-link", meeting.pk, inputs),
                               lambda: viewer_for(user, meeting) is not None)
    return reverse("bilaterals:grid", args=[meeting.pk]) if has_grid else ""


def bilaterals_for(viewer: Viewer, meeting: Meeting):
    bilaterals = Bilateral.objects.with_related().filter(meeting=meeting)
    if viewer.kind == "delegation":
        return bilaterals.involving_delegation(viewer.delegation.pk)
    if viewer.kind == "partner":
        return bilaterals.filter(invitee_partner_id=viewer.partner_id)
    return bilaterals


def zone_label(place: str, tz: str, at: dt.datetime) -> str:
    """“Phu Quoc time (UTC+07:00)”: a place and an offset, never a raw IANA name."""
    offset = at.astimezone(zoneinfo.ZoneInfo(tz)).strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}"
    return f"{place} time ({offset})" if place != "your" else f"your time ({offset})"


def _span(start: dt.datetime, end: dt.datetime, tz: str, day: dt.date | None = None) -> str:
    zone = zoneinfo.ZoneInfo(tz)
    s, e = start.astimezone(zone), end.astimezone(zone)
    text = f"{time_format(s, 'H:i')}{DASH}{time_format(e, 'H:i')}"
    if day is not None and s.date() != day:
        text += f" ({s:%a %d %b})"
    return text


@dataclass
class GridItem:
    kind: str  # "session" or "bilateral"
    title: str
    venue_time: str
    own_time: str
    where: str
    detail: str = ""
    bilateral: Bilateral | None = None


@dataclass
class GridDay:
    day: dt.date
    items: list[GridItem] = field(default_factory=list)


def grid(viewer: Viewer, meeting: Meeting) -> list[GridDay]:
    """Each meeting day at the venue: its plenary sessions and the viewer's scheduled
    bilaterals, in time order. Two queries (sessions, bilaterals with their sides)."""
    venue_tz = meeting.time_zone
    days = {}
    day = meeting.start_date
    while day <= meeting.end_date:
        days[day] = GridDay(day)
        day += dt.timedelta(days=1)
    events = []
    for session in meeting.sessions.all():
        events.append((session.starts_at, GridItem(
            "session", session.title,
            _span(session.starts_at, session.ends_at, venue_tz),
            "", session.location or "Plenary", detail=session.get_mode_display(),
        ), session.ends_at))
    own = viewer.delegation.pk if viewer.delegation else None
    for bilateral in bilaterals_for(viewer, meeting).scheduled():
        title = (f"Bilateral with {bilateral.other_side_name(own)}" if own
                 else bilateral.title.removeprefix("Bilateral: "))
        if viewer.kind == "partner":
            title = f"Bilateral with {bilateral.requester.administration.country}"
        events.append((bilateral.starts_at, GridItem(
            "bilateral", title, _span(bilateral.starts_at, bilateral.ends_at, venue_tz), "",
            bilateral.room.name, bilateral=bilateral,
            detail=" · ".join(x for x in (bilateral.topic, bilateral.note) if x),
        ), bilateral.ends_at))
    venue_zone = zoneinfo.ZoneInfo(venue_tz)
    for start, item, end in sorted(events, key=lambda e: e[0]):
        local_day = start.astimezone(venue_zone).date()
        item.own_time = _span(start, end, viewer.time_zone, day=local_day)
        if local_day in days:
            days[local_day].items.append(item)
    return list(days.values())


def pending_for(viewer: Viewer, meeting: Meeting) -> list[Bilateral]:
    return list(
        bilaterals_for(viewer, meeting)
        .filter(status__in=[Bilateral.Status.REQUESTED, Bilateral.Status.PROPOSED])
        .prefetch_related("proposals").order_by("created_at")
    )


def rooms_with_bookings(meeting: Meeting) -> list[Room]:
    rooms = list(meeting.rooms.all())
    booked = {}
    for b in Bilateral.objects.with_related().scheduled().filter(meeting=meeting):
        booked.setdefault(b.room_id, []).append(b)
    for room in rooms:
        room.bookings = sorted(booked.get(room.pk, []), key=lambda b: b.starts_at)
    return rooms


def invitee_choices(meeting: Meeting, requester: Delegation | None):
    from secretariat.models import Partner

    delegations = (Delegation.objects.select_related("administration")
                   .filter(meeting=meeting).order_by("administration__country"))
    if requester is not None:
        delegations = delegations.filter(~Q(pk=requester.pk))
    partners = Partner.objects.order_by("name")
    return list(delegations), list(partners)
