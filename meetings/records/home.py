"""Panels records adds to lower pages: "My action items" on the home page, and the record
and matters-arising section on a meeting's page."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from meetings.caching import MEETINGS
from meetings.records import selectors
from meetings.records.access import levels_for, may_record, owner_audience
from meetings.records.caching import RECORDS
from secretariat.access import Clearance, clearance_of

PANEL_SIZE = 6


def my_action_items_panel(request) -> dict | None:
    """Open action items the user answers for, overdue first. Hidden for the public.

    Not personal: cached per audience, i.e. what decides the rows (the agenda levels the
    viewer reads, and whose items they answer for: the secretariat's, or their
    administration's and those of the bodies it chairs today), the day (the overdue flag)
    and the versions of the records' and the meetings' data."""
    if not request.user.is_authenticated:
        return None
    user = request.user
    today = timezone.localdate()
    parts = ("my-action-items", tuple(levels_for(user)), owner_audience(user),
             today.isoformat(), MEETINGS.current())
    return RECORDS.cached(parts, lambda: _my_action_items_panel(user, today))


def _my_action_items_panel(user, today) -> dict:
    actions = selectors.my_action_items(user, limit=PANEL_SIZE)
    return {
        "title": "My action items",
        "items": [
            {
                "label": a.text,
                "url": reverse("records:record", args=[a.meeting_id]) + "#actions",
                "detail": " · ".join(p for p in (
                    "Overdue" if a.is_overdue(today) else "",
                    f"due {a.due_date:%d %b %Y}", a.owner_label, a.meeting.display_title,
                ) if p),
            }
            for a in actions
        ],
        "empty": "No open action item for you.",
    }


def meeting_record_section(request, meeting) -> str:
    """The record's links and the matters arising from the previous meeting, cached per
    audience: the agenda levels the viewer reads, whether they are a member (attendance),
    whether they keep this meeting's record at this instant (the chair term, computed now),
    the day and zone (overdue marks). ``meeting`` may be lazy: only ``pk`` and ``body_id``
    are read here, the rest when building."""
    user = request.user
    recorder = may_record(user, meeting)
    members = clearance_of(user) >= Clearance.MEMBERS
    today = timezone.localdate()

    def build() -> str:
        previous, arising = selectors.matters_arising(user, meeting)
        sessions = list(meeting.sessions.order_by("starts_at")) if recorder else []
        return render_to_string("records/_meeting_section.html", {
            "meeting": meeting, "previous": previous, "arising": arising,
            "members": members, "sessions": sessions, "today": today,
        })

    parts = (MEETINGS.current(), "meeting-section", meeting.pk, tuple(levels_for(user)),
             members, recorder, today.isoformat(), timezone.get_current_timezone_name())
    return mark_safe(RECORDS.cached(parts, build))  # noqa: S308 (rendered by Django)
