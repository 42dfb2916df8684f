"""The home page's "Next meetings" panel."""

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
