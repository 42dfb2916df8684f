"""What the meetings app offers to the portal's search (``secretariat.search``): meetings,
papers (title and extracted text: PDF, DOCX, XLSX, PPTX) and meeting decisions."""

from django.urls import reverse

from meetings.models import Document, Meeting
from meetings.records.selectors import decisions_visible_to
from secretariat.search import Hit, full_text


def find_meetings(user, query: str, limit: int) -> list[Hit]:
    # Meetings (title, place, summary) are public, as on the meetings list.
    rows = full_text(Meeting.objects.select_related("body", "host"), query,
                     fields=["title", "city", "venue", "summary"], limit=limit)
    return [
        Hit(title=m.display_title, url=reverse("meetings:detail", args=[m.pk]),
            snippet=m.search_snippet, detail=f"{m.start_date:%d %b %Y} · {m.place}")
        for m in rows
    ]


def find_papers(user, query: str, limit: int) -> list[Hit]:
    # ``visible_to``: clearance, embargo, heads of delegation, withdrawn papers left out.
    rows = full_text(
        Document.objects.visible_to(user).select_related("meeting__body"), query,
        fields=["title", "search_text"], vector_field="search_vector", limit=limit)
    return [
        Hit(title=d.title, url=reverse("meetings:document", args=[d.pk]),
            snippet=d.search_snippet,
            detail=" · ".join(filter(None, [d.get_kind_display(),
                                            d.meeting.display_title if d.meeting else ""])))
        for d in rows
    ]


def find_decisions(user, query: str, limit: int) -> list[Hit]:
    # A decision is seen at its own level and its agenda item's (and parents'), whichever is
    # stricter (``records.access``): a secretariat-only item's decisions stay the secretariat's.
    rows = full_text(decisions_visible_to(user), query, fields=["text"], limit=limit)
    return [
        Hit(title=f"{d.get_kind_display()} — {d.meeting.display_title}",
            url=reverse("records:record", args=[d.meeting_id]), snippet=d.search_snippet,
            detail=f"Agenda item: {d.agenda_item.title}")
        for d in rows
    ]
