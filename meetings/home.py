"""Panels meetings adds to pages of the apps below: the home page's "Next meetings" and the
meetings of a body on its page."""

from django.urls import reverse

from meetings.selectors import upcoming_meetings


def next_meetings_panel(request) -> dict:
    return {
        "title": "Next meetings",
        "items": [
            {
                "label": m.display_title,
                "url": reverse("meetings:detail", args=[m.pk]),
                "detail": " · ".join(
                    p for p in (
                        f"{m.start_date.day}-{m.end_date:%d %B %Y}",
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
