"""iCalendar (RFC 5545) feeds of the portal, built with the ``icalendar`` library.

The conventions every feed follows, kept in one place: events carry their venue's time zone
(a TZID with a matching VTIMEZONE, never floating time), a UID that never changes and a
SEQUENCE raised on every change a calendar must pick up; DTSTAMP comes from the row, not the
clock, so an unchanged feed serialises identically. Apps build their ``Event``s and hand them
to ``calendar_for``.
"""

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar, Event


def calendar_for(events: Iterable[Event], *, prodid: str, name: str, feed_id: str) -> bytes:
    """A complete VCALENDAR with one VTIMEZONE per zone its events use."""
    calendar = Calendar.new(
        prodid=prodid,
        name=name,
        uid=f"{feed_id}@asean-customs-portal",
        method="PUBLISH",
        refresh_interval=dt.timedelta(hours=1),
    )
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
