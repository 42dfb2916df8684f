"""iCalendar (RFC 5545) building and serving, shared by every feed and invitation.

``consultations`` (its feeds) and ``meetings`` (the year calendar, convening invitations)
describe their own events; how a calendar is assembled (one VTIMEZONE per zone used, PRODID,
refresh interval), how an alarm is parsed and how a feed is served (ETag, cache rules,
per-IP throttle) is decided here once, with the ``icalendar`` library.
"""

import datetime as dt
import hashlib
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from icalendar import Alarm, Calendar, Event

PRODID = "-//ASEAN Customs Secretariat Portal//Calendar//EN"
# The longest reminder a subscriber may ask for: one week, in minutes.
MAX_ALARM_MINUTES = 7 * 24 * 60


class BadAlarm(ValueError):
    pass


def parse_alarm(raw: str | None) -> int | None:
    """``?alarm=30`` → 30 minutes before the start; absent or empty → no alarm."""
    if raw in (None, ""):
        return None
    if not raw.isdigit() or not 0 <= int(raw) <= MAX_ALARM_MINUTES:
        raise BadAlarm(f"alarm must be a whole number of minutes from 0 to {MAX_ALARM_MINUTES}.")
    return int(raw)


def add_alarm(event: Event, *, title: str, minutes: int | None) -> Event:
    if minutes is not None:
        event.add_component(
            Alarm.new_display(description=f"{title} starts in {minutes} min",
                              trigger=-dt.timedelta(minutes=minutes))
        )
    return event


def calendar_bytes(events: Iterable[Event], *, name: str, feed_id: str,
                   method: str = "PUBLISH", organizer: str | None = None) -> bytes:
    """A complete VCALENDAR with one VTIMEZONE per zone its events use."""
    calendar = Calendar.new(
        prodid=PRODID, name=name, uid=f"{feed_id}@asean-customs-portal", method=method,
        refresh_interval=dt.timedelta(hours=1) if method == "PUBLISH" else None,
    )
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def throttled(request) -> HttpResponse | None:
    """Each calendar file is built from the database on request: a per-client limit (the one
    throttle module, keyed on the real client address behind a trusted proxy)."""
    from secretariat import throttles

    return throttles.limit(request, "consultation_feeds")


def ics_etag(body: bytes) -> str:
    return quote_etag(hashlib.sha256(body).hexdigest()[:32])


def ics_response(request, body: bytes, *, filename: str | None = None,
                 private: bool, etag: str | None = None) -> HttpResponse:
    """``etag``: ``ics_etag(body)`` when the caller cached it beside the body."""
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A private feed is a per-person secret: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    # The body is deterministic (DTSTAMP comes from the row), so calendar apps polling every
    # hour get a 304 until something changes.
    etag = etag or ics_etag(body)
    response["ETag"] = etag
    return get_conditional_response(request, etag=etag, response=response)
