"""Consultations as iCalendar (RFC 5545), built with the ``icalendar`` library.

Every event carries its venue's time zone (a TZID with a matching VTIMEZONE, never floating
time), a UID that never changes, the SEQUENCE kept by ``services.consultation_update`` and a URL
back to the portal. Cancelled consultations stay in the feed as STATUS:CANCELLED so that calendar
apps remove them from a subscriber's calendar instead of silently keeping the old event.
"""

from collections.abc import Iterable

from django.conf import settings
from icalendar import Event

from consultations.models import Consultation
from secretariat.ical import BadAlarm, add_alarm, calendar_bytes, parse_alarm

__all__ = ["BadAlarm", "calendar_for", "event_for", "parse_alarm"]

_STATUS = {
    Consultation.Status.PLANNED: "TENTATIVE",
    Consultation.Status.POSTPONED: "TENTATIVE",
    Consultation.Status.CONFIRMED: "CONFIRMED",
    Consultation.Status.HELD: "CONFIRMED",
    Consultation.Status.CANCELLED: "CANCELLED",
}


def _description(consultation: Consultation) -> str:
    lines = [f"Dialogue partner: {consultation.partner.name}"]
    if consultation.meeting_id:
        lines.append(f"Held alongside the {consultation.meeting.display_title}")
    lines.append(f"Status: {consultation.get_status_display()}")
    if consultation.mode_note:
        lines.append(consultation.mode_note)
    if consultation.agenda:
        lines += ["", "Agenda:", consultation.agenda]
    return "\n".join(lines)


def event_for(consultation: Consultation, *, alarm_minutes: int | None = None) -> Event:
    """One VEVENT; expects ``series__partner`` and ``meeting__body`` already loaded."""
    event = Event.new(
        uid=consultation.ical_uid,
        summary=consultation.title,
        start=consultation.local_start,
        end=consultation.local_end,
        # DTSTAMP from the row, not the clock: an unchanged event serialises identically.
        stamp=consultation.updated_at,
        last_modified=consultation.updated_at,
        sequence=consultation.sequence,
        status=_STATUS[consultation.status],
        location=consultation.venue or None,
        description=_description(consultation),
        url=f"{settings.PORTAL_BASE_URL}{consultation.get_absolute_url()}",
        categories=[consultation.partner.short_name or consultation.partner.name],
    )
    if not consultation.is_cancelled:
        add_alarm(event, title=consultation.title, minutes=alarm_minutes)
    return event


def calendar_for(
    consultations: Iterable[Consultation],
    *,
    name: str,
    feed_id: str,
    alarm_minutes: int | None = None,
) -> bytes:
    """A complete VCALENDAR of consultations (``secretariat.ical`` assembles it)."""
    return calendar_bytes(
        (event_for(c, alarm_minutes=alarm_minutes) for c in consultations),
        name=name, feed_id=feed_id,
    )
