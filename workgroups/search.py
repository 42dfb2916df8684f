"""What the working groups offer to the portal's search (``secretariat.search``)."""

from django.urls import reverse

from secretariat.search import Hit, full_text
from workgroups.models import Body
from workgroups.selectors import milestones_visible_to


def find_milestones(user, query: str, limit: int) -> list[Hit]:
    # Partners and the public: published milestones of published plans only.
    rows = full_text(
        milestones_visible_to(user).select_related("body", "action_line__goal__plan"),
        query, fields=["code", "title", "description"], limit=limit)
    return [
        Hit(title=f"{m.code} {m.title}", url=reverse("workgroups:milestone", args=[m.pk]),
            snippet=m.search_snippet,
            detail=f"{m.body.code} · {m.action_line.goal.plan.title} · {m.get_status_display()}")
        for m in rows
    ]


def find_bodies(user, query: str, limit: int) -> list[Hit]:
    # Bodies, their names and mandates are public information (``selectors.body_for``).
    rows = full_text(Body.objects.all(), query, fields=["code", "name", "mandate"], limit=limit)
    return [
        Hit(title=f"{b.name} ({b.code})", url=reverse("workgroups:body", args=[b.code]),
            snippet=b.search_snippet, detail=b.get_kind_display())
        for b in rows
    ]
