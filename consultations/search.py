"""What the consultations app offers to the portal's search (``secretariat.search``)."""

from consultations.selectors import consultations_visible_to
from secretariat.search import Hit, full_text


def find_consultations(user, query: str, limit: int) -> list[Hit]:
    # Unpublished consultations: the secretariat, the conference chair and the partner only.
    rows = full_text(consultations_visible_to(user), query,
                     fields=["series__title", "venue", "agenda", "mode_note"], limit=limit)
    return [
        Hit(title=c.title, url=c.get_absolute_url(), snippet=c.search_snippet,
            detail=f"{c.date:%d %b %Y} · {c.get_status_display()}")
        for c in rows
    ]
