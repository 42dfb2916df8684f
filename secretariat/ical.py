"""iCalendar (RFC 5545) building and serving, shared by every feed and invitation.

``consultations`` (its feeds) and ``meetings`` (the year calendar, convening invitations)
describe their own events; how a calendar is assembled (one VTIMEZONE per zone used, PRODID,
refresh interval), how an alarm is parsed and how a feed is served (ETag, cache rules,
per-IP throttle) is decided here once, with the ``icalendar`` library.
"""

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from icalendar import Alarm, Calendar, Event
from rest_framework.throttling import SimpleRateThrottle

from secretariat.security_log import log_event

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


class FeedThrottle(SimpleRateThrottle):
    """Per-IP limit on calendar files: each one is built from the database on request."""

    scope = "consultation_feeds"
    rate = "60/min"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def throttled(request) -> HttpResponse | None:
    throttle = FeedThrottle()
    if throttle.allow_request(request, None):
        return None
    log_event("throttled", request, level=logging.WARNING, path=request.path)
    response = HttpResponse("Too many calendar requests; try again in a minute.", status=429,
                            content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(int(throttle.wait() or 60))
    return response


def ics_response(request, body: bytes, *, filename: str | None = None,
                 private: bool) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A private feed is a per-person secret: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    # The body is deterministic (DTSTAMP comes from the row), so calendar apps polling every
    # hour get a 304 until something changes.
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    response["ETag"] = etag
    return get_conditional_response(request, etag=etag, response=response)
