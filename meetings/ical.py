"""Meetings and sessions as iCalendar events: for the year calendar's feeds and for the
convening invitation. Calendars are assembled by ``secretariat.ical``.

Feeds: a meeting is an all-day event over its dates (UID ``meeting-<uuid>``) and each session
a timed event in the venue's zone (TZID + VTIMEZONE, UID ``session-<uuid>``). The invitation
is ONE event per meeting (iTIP wants one UID per REQUEST): from the first session's start to
the last session's end in the venue's zone, the timetable in its description.
"""

import datetime as dt

from django.conf import settings
from django.urls import reverse
from icalendar import Event, vCalAddress

from meetings.models import Meeting, MeetingStatus, Session
from secretariat.ical import add_alarm

_STATUS = {
    MeetingStatus.DRAFT: "TENTATIVE",
    MeetingStatus.POSTPONED: "TENTATIVE",
    MeetingStatus.CONVENED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
}


def meeting_url(meeting: Meeting) -> str:
    return f"{settings.PORTAL_BASE_URL}{reverse('meetings:detail', args=[meeting.pk])}"


def _location(meeting: Meeting) -> str | None:
    return ", ".join(p for p in (meeting.venue, meeting.place) if p) or None


def meeting_event(meeting: Meeting, *, alarm_minutes: int | None = None) -> Event:
    """All-day event over the meeting's dates (DTEND is exclusive: the day after)."""
    event = Event.new(
        uid=meeting.ical_uid, summary=meeting.display_title,
        start=meeting.start_date, end=meeting.end_date + dt.timedelta(days=1),
        stamp=meeting.updated_at, last_modified=meeting.updated_at,
        sequence=meeting.sequence, status=_STATUS[MeetingStatus(meeting.status)],
        location=_location(meeting), url=meeting_url(meeting),
        description=meeting.summary or None, categories=[meeting.body.code],
    )
    if not meeting.is_cancelled:
        add_alarm(event, title=meeting.display_title, minutes=alarm_minutes)
    return event


def session_event(session: Session, *, alarm_minutes: int | None = None) -> Event:
    """A timed session in the venue's zone; expects ``session.meeting`` (with body) loaded."""
    meeting = session.meeting
    tz = meeting.zoneinfo
    event = Event.new(
        uid=session.ical_uid, summary=f"{meeting.display_title}: {session.title}",
        start=session.starts_at.astimezone(tz), end=session.ends_at.astimezone(tz),
        stamp=meeting.updated_at, last_modified=meeting.updated_at,
        # SEQUENCE rises with every edit of the session (version 1 is the first edition).
        sequence=session.version - 1, status=_STATUS[MeetingStatus(meeting.status)],
        location=session.location or _location(meeting), url=meeting_url(meeting),
        description=f"{session.get_mode_display()}. {meeting.display_title}",
        categories=[meeting.body.code],
    )
    if not meeting.is_cancelled:
        add_alarm(event, title=session.title, minutes=alarm_minutes)
    return event


def invitation_event(meeting: Meeting, sessions: list[Session], *, organizer_email: str,
                     cancel: bool = False, nomination_deadline_text: str = "") -> Event:
    """The convening invitation's one VEVENT (same UID every time; SEQUENCE from the row)."""
    tz = meeting.zoneinfo
    if sessions:
        start = min(s.starts_at for s in sessions).astimezone(tz)
        end = max(s.ends_at for s in sessions).astimezone(tz)
    else:
        start, end = meeting.start_date, meeting.end_date + dt.timedelta(days=1)
    lines = [meeting.display_title, _location(meeting) or "", ""]
    for s in sessions:
        local_start, local_end = s.starts_at.astimezone(tz), s.ends_at.astimezone(tz)
        lines.append(f"{local_start:%a %d %b %H:%M}-{local_end:%H:%M} {s.title} "
                     f"({s.get_mode_display()}{', ' + s.location if s.location else ''})")
    if nomination_deadline_text:
        lines += ["", f"Nominate your delegation by {nomination_deadline_text}."]
    lines += ["", meeting_url(meeting)]
    organizer = vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = "ASEAN Customs Secretariat Portal"
    return Event.new(
        uid=meeting.ical_uid, summary=meeting.display_title, start=start, end=end,
        stamp=meeting.updated_at, sequence=meeting.sequence,
        status="CANCELLED" if cancel else "CONFIRMED", location=_location(meeting),
        url=meeting_url(meeting), description="\n".join(lines), organizer=organizer,
        categories=[meeting.body.code],
    )
