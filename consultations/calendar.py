"""The calendar of the year: every meeting, session and consultation a viewer may see, as a
page (by month or as a list, filterable by body) and as iCalendar feeds.

It lives in ``consultations``, the top app, because it is the one that knows both meetings and
consultations. Who sees what is not restated here: meetings and their sessions are public
(``meetings.selectors``), consultations go through ``Consultation.objects.visible_to``.
"""

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from consultations import ical as consultation_ical
from consultations import selectors
from consultations.models import Consultation
from meetings import ical as meeting_ical
from meetings.caching import MEETINGS, body_codes
from meetings.models import Meeting, Session
from meetings.selectors import viewer_time_zone
from secretariat.dataversion import DataVersion
from secretariat.ical import (
    BadAlarm,
    calendar_bytes,
    ics_etag,
    ics_response,
    parse_alarm,
    throttled,
)

# The consultations' side of what the calendar page and the feeds show (consultations, their
# series and partners); the meetings' side is ``meetings.caching.MEETINGS``. Every cached
# calendar names both (``also=``), so a write to either shows on the next request.
CALENDAR = DataVersion("calendar")


def connect_signals() -> None:
    from consultations.models import Consultation, ConsultationSeries
    from secretariat.models import Partner

    CALENDAR.connect([Consultation, ConsultationSeries, Partner])

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


@dataclass
class Entry:
    """One line of the calendar page, already in the viewer's zone where it has a time."""

    kind: str  # "meeting", "session" or "consultation"
    title: str
    url: str
    day: dt.date
    start: dt.datetime | None
    end: dt.datetime | None
    body: str
    status: str
    detail: str


def year_items(user, *, year: int, body_code: str | None = None):
    """(meetings, sessions, consultations) of ``year`` that ``user`` may see: 3 queries."""
    meetings = Meeting.objects.with_related().filter(start_date__year=year)
    sessions = _sessions().filter(meeting__start_date__year=year)
    consultations = selectors.consultations_visible_to(user).filter(date__year=year)
    if body_code:
        meetings = meetings.filter(body__code=body_code)
        sessions = sessions.filter(meeting__body__code=body_code)
        consultations = consultations.filter(meeting__body__code=body_code)
    return (list(meetings.order_by("start_date")), list(sessions.order_by("starts_at")),
            list(consultations.order_by("starts_at")))


def _sessions():
    # The host too: a session's location falls back to the meeting's place (city, host's
    # country), one query per session otherwise.
    return Session.objects.select_related("meeting__body", "meeting__host")


def entries_for(user, *, year: int, body_code: str | None = None) -> list[Entry]:
    tz = viewer_time_zone(user)
    meetings, sessions, consultations = year_items(user, year=year, body_code=body_code)
    entries = [
        Entry("meeting", m.display_title, reverse("meetings:detail", args=[m.pk]),
              m.start_date, None, None, m.body.code, m.get_status_display(),
              f"{m.start_date:%d %b} to {m.end_date:%d %b %Y}"
              + (f" · {m.place}" if m.place else "")
              + (" · host proposed by the rotation" if m.host_is_inferred else ""))
        for m in meetings
    ]
    entries += [
        Entry("session", s.title, reverse("meetings:detail", args=[s.meeting_id]),
              s.starts_at.astimezone(tz).date(), s.starts_at.astimezone(tz),
              s.ends_at.astimezone(tz), s.meeting.body.code, s.get_mode_display(),
              s.meeting.display_title)
        for s in sessions
    ]
    entries += [
        Entry("consultation", c.title, reverse("consultations:detail", args=[c.pk]),
              c.starts_at.astimezone(tz).date(), c.starts_at.astimezone(tz),
              c.ends_at.astimezone(tz), c.meeting.body.code if c.meeting_id else "",
              c.get_status_display(), c.partner.name)
        for c in consultations
    ]
    entries.sort(key=lambda e: (e.day, e.start or dt.datetime.combine(e.day, dt.time.min,
                                                                       tzinfo=tz), e.kind))
    return entries


class CalendarFilterForm(forms.Form):
    """``bodies``: the bodies' codes."""

    year = forms.IntegerField(min_value=1995, max_value=2100, required=False)
    body = forms.ChoiceField(required=False, label="Body")
    view = forms.ChoiceField(choices=[("month", "By month"), ("list", "As a list")],
                             required=False)

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = [("", "All bodies"), *[(code, code) for code in bodies]]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


def _default_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


@require_safe
def year_calendar_page(request):
    form = CalendarFilterForm(request.GET or None, bodies=body_codes())
    year, body_code, view = _default_year(), None, "month"
    viewer_tz = viewer_time_zone(request.user)
    if form.is_bound:
        if not form.is_valid():
            return render(request, "consultations/year_calendar.html", {
                "year": year,
                "content": render_to_string("consultations/_year_calendar_content.html", {
                    "form": form, "months": [], "entries": [], "year": year,
                    "viewer_tz": viewer_tz}),
            }, status=400)
        year = form.cleaned_data["year"] or year
        body_code = form.cleaned_data["body"] or None
        view = form.cleaned_data["view"] or "month"
    feed_url = request.build_absolute_uri(reverse("consultations:year_feed")) + (
        f"?body={body_code}" if body_code else "")

    # Built only on a miss (or when a caller reads the context's ``entries``).
    entries = SimpleLazyObject(lambda: entries_for(request.user, year=year, body_code=body_code))

    def content() -> str:
        months = [(MONTHS[m - 1], [e for e in entries if e.day.month == m])
                  for m in range(1, 13)]
        return render_to_string("consultations/_year_calendar_content.html", {
            "form": form, "year": year, "view": view, "entries": entries,
            "months": [(name, items) for name, items in months if items],
            "viewer_tz": viewer_tz, "body_code": body_code,
            "previous": year - 1, "next": year + 1, "feed_url": feed_url,
        })

    # The same for everyone of one audience: meetings and sessions are public, consultations
    # are seen as ``ConsultationQuerySet.audience`` says (chair rights computed now); times in the
    # viewer's zone; the form as asked (its widgets show the values sent); the feed address
    # names the host the page was asked on.
    parts = ("calendar-page", Consultation.objects.audience(request.user), year, body_code, view,
             form["body"].value(), form["view"].value(), str(viewer_tz), feed_url)
    return render(request, "consultations/year_calendar.html", {
        "year": year, "entries": entries,
        "content": mark_safe(CALENDAR.cached(parts, content, also=[MEETINGS])),  # noqa: S308
    })


def feed_events(user, *, body_code: str | None = None, alarm: int | None = None) -> list:
    """Every meeting, session and consultation ``user`` may see, as VEVENTs (4 queries)."""
    meetings = Meeting.objects.with_related()
    sessions = _sessions()
    consultations = selectors.consultations_visible_to(user)
    if body_code:
        meetings = meetings.filter(body__code=body_code)
        sessions = sessions.filter(meeting__body__code=body_code)
        consultations = consultations.filter(meeting__body__code=body_code)
    events = [meeting_ical.meeting_event(m, alarm_minutes=alarm)
              for m in meetings.order_by("start_date")]
    events += [meeting_ical.session_event(s, alarm_minutes=alarm)
               for s in sessions.order_by("starts_at")]
    events += [consultation_ical.event_for(c, alarm_minutes=alarm)
               for c in consultations.order_by("starts_at")]
    return events


@require_safe
def year_feed(request):
    """The public feed of meetings, sessions and published consultations, whatever the
    session (this URL gets shared). ``?body=DG`` narrows it, ``?alarm=30`` adds a reminder."""
    if limited := throttled(request):
        return limited
    try:
        alarm = parse_alarm(request.GET.get("alarm"))
    except BadAlarm as exc:
        return HttpResponseBadRequest(str(exc))
    body_code = (request.GET.get("body") or "")[:20] or None

    def build() -> tuple[bytes, str]:
        body = calendar_bytes(feed_events(AnonymousUser(), body_code=body_code, alarm=alarm),
                              name="ASEAN customs meetings and consultations",
                              feed_id=f"year-feed-{body_code or 'all'}")
        return body, ics_etag(body)

    # One file for everyone (the anonymous view), rebuilt after any write to what it shows.
    body, etag = CALENDAR.cached(("year-feed", body_code, alarm), build, also=[MEETINGS])
    return ics_response(request, body, private=False, etag=etag)
