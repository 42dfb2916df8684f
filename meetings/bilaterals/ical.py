"""A delegation's bilaterals as iCalendar, with the portal's feed conventions
(``secretariat.ical``: venue TZID + VTIMEZONE, a UID that never changes, SEQUENCE)."""

from django.conf import settings
from django.urls import reverse
from icalendar import Event

from meetings.bilaterals.models import Bilateral
from meetings.models import Delegation
from secretariat import ical as portal_ical


def event_for(bilateral: Bilateral, delegation: Delegation) -> Event:
    tz = bilateral.meeting.zoneinfo
    cancelled = bilateral.status == Bilateral.Status.CANCELLED
    return Event.new(
        uid=bilateral.ical_uid,
        summary=f"Bilateral with {bilateral.other_side_name(delegation.pk)}",
        start=bilateral.starts_at.astimezone(tz),
        end=bilateral.ends_at.astimezone(tz),
        stamp=bilateral.updated_at,
        last_modified=bilateral.updated_at,
        sequence=bilateral.sequence,
        status="CANCELLED" if cancelled else "CONFIRMED",
        location=f"{bilateral.room.name}, {bilateral.meeting.place}" if bilateral.room else None,
        description=f"{bilateral.topic}\nBeside the {bilateral.meeting.display_title}",
        url=f"{settings.PORTAL_BASE_URL}{reverse('bilaterals:grid', args=[bilateral.meeting_id])}",
    )


def delegation_calendar(delegation: Delegation) -> bytes:
    bilaterals = (
        Bilateral.objects.with_related().involving_delegation(delegation.pk)
        .filter(starts_at__isnull=False, room__isnull=False)
        .filter(status__in=[Bilateral.Status.ACCEPTED, Bilateral.Status.CANCELLED])
        .order_by("starts_at")
    )
    return portal_ical.calendar_bytes(
        (event_for(b, delegation) for b in bilaterals),
        name=f"Bilaterals of {delegation.administration.country} at the "
             f"{delegation.meeting.display_title}",
        feed_id=f"bilaterals-{delegation.pk}",
    )
