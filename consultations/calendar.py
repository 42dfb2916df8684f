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
from django.urls import reverse
from django.views.decorators.http import require_GET

from consultations import ical as consultation_ical
from consultations import selectors
from meetings import ical as meeting_ical
from meetings.models import Meeting, Session
from meetings.selectors import viewer_time_zone
from secretariat.ical import BadAlarm, calendar_bytes, ics_response, parse_alarm, throttled
from workgroups.models import Body

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
    sessions = Session.objects.select_related("meeting__body").filter(
        meeting__start_date__year=year)
    consultations = selectors.consultations_visible_to(user).filter(date__year=year)
    if body_code:
        meetings = meetings.filter(body__code=body_code)
        sessions = sessions.filter(meeting__body__code=body_code)
        consultations = consultations.filter(meeting__body__code=body_code)
    return (list(meetings.order_by("start_date")), list(sessions.order_by("starts_at")),
            list(consultations.order_by("starts_at")))


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
    year = forms.IntegerField(min_value=1995, max_value=2100, required=False)
    body = forms.ChoiceField(required=False, label="Body")
    view = forms.ChoiceField(choices=[("month", "By month"), ("list", "As a list")],
                             required=False)

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = [("", "All bodies"), *[(b.code, b.code) for b in bodies]]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


def _default_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


@require_GET
def year_calendar_page(request):
    bodies = list(Body.objects.order_by("code"))
    form = CalendarFilterForm(request.GET or None, bodies=bodies)
    year, body_code, view = _default_year(), None, "month"
    if form.is_bound:
        if not form.is_valid():
            return render(request, "consultations/year_calendar.html",
                          {"form": form, "months": [], "entries": [], "year": year,
                           "viewer_tz": viewer_time_zone(request.user)},
                          status=400)
        year = form.cleaned_data["year"] or year
        body_code = form.cleaned_data["body"] or None
        view = form.cleaned_data["view"] or "month"
    entries = entries_for(request.user, year=year, body_code=body_code)
    months = [(MONTHS[m - 1], [e for e in entries if e.day.month == m]) for m in range(1, 13)]
    query = f"?body={body_code}" if body_code else ""
    return render(request, "consultations/year_calendar.html", {
        "form": form, "year": year, "view": view, "entries": entries,
        "months": [(name, items) for name, items in months if items],
        "viewer_tz": viewer_time_zone(request.user), "body_code": body_code,
        "previous": year - 1, "next": year + 1,
        "feed_url": request.build_absolute_uri(reverse("consultations:year_feed")) + query,
    })


def feed_events(user, *, body_code: str | None = None, alarm: int | None = None) -> list:
    """Every meeting, session and consultation ``user`` may see, as VEVENTs (4 queries)."""
    meetings = Meeting.objects.with_related()
    sessions = Session.objects.select_related("meeting__body")
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


@require_GET
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
    body = calendar_bytes(feed_events(AnonymousUser(), body_code=body_code, alarm=alarm),
                          name="ASEAN customs meetings and consultations",
                          feed_id=f"year-feed-{body_code or 'all'}")
    return ics_response(request, body, private=False)
