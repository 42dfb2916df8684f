"""Panels meetings adds to pages of the apps below: the home page's "Next meetings", the
meetings of a body on its page, and the documents cited as evidence on a milestone's page."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from meetings.caching import MEETINGS
from meetings.selectors import evidence_of_milestone, upcoming_meetings
from secretariat import plain
from workgroups.access import rights_for


def next_meetings_panel(request) -> dict:
    """The same for everyone: cached per version of the meetings' data, day and zone."""
    return MEETINGS.cached(
        ("next-panel", timezone.localdate().isoformat(), timezone.get_current_timezone_name()),
        _next_meetings_panel)


def _next_meetings_panel() -> dict:
    return {
        "title": "Next meetings",
        "items": [
            {
                "label": m.display_title,
                "url": reverse("meetings:detail", args=[m.pk]),
                "detail": " · ".join(
                    p for p in (
                        plain.date_range(m.start_date, m.end_date),
                        m.place,
                        "host proposed, not confirmed" if m.host_is_inferred else "",
                    ) if p
                ),
            }
            for m in upcoming_meetings(limit=4)
        ],
        "empty": "No meeting scheduled.",
    }


def body_meetings_panel(request, body) -> dict:
    meetings = list(body.meetings.select_related("body", "host").order_by("-start_date")[:6])
    return {
        "title": "Meetings",
        "items": [
            {
                "label": m.display_title,
                "url": reverse("meetings:detail", args=[m.pk]),
                "detail": " · ".join(
                    p for p in (f"{m.start_date:%d %b %Y}", m.place,
                                "host proposed" if m.host_is_inferred else "") if p
                ),
            }
            for m in meetings
        ],
        "empty": "No meeting recorded.",
    }


def milestone_evidence_panel(request, milestone) -> str | None:
    """The meeting documents cited as evidence, as far as the viewer may read them.

    Hidden when the viewer sees none and cannot attach any: a partner is not told that
    members-only evidence exists.
    """
    links = evidence_of_milestone(request.user, milestone)
    can_edit = rights_for(request).milestone(milestone)
    if not links and not can_edit:
        return None
    return render_to_string(
        "meetings/_milestone_evidence.html",
        {"milestone": milestone, "links": links, "can_edit": can_edit},
        request=request,
    )
