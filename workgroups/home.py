"""The home-page panel of the Strategic Plan."""

from django.urls import reverse
from django.utils import timezone

from workgroups.access import sees_unpublished
from workgroups.caching import PLAN
from workgroups.models import MilestoneStatus
from workgroups.selectors import milestones_visible_to, ordered_for_attention

PANEL_SIZE = 6


def overdue_and_at_risk_panel(request) -> dict:
    """Overdue milestones first, then at-risk and delayed ones (what the user may see).
    Cached per plan data version, audience and day (``workgroups.caching.PLAN``)."""
    today = timezone.localdate()
    return PLAN.cached(("home-panel", sees_unpublished(request.user), today.isoformat()),
                       lambda: _panel(request.user, today))


def _panel(user, today) -> dict:
    milestones = milestones_visible_to(user).filter(
        action_line__goal__plan__start_year__lte=today.year,
        action_line__goal__plan__end_year__gte=today.year,
    )
    attention = (
        milestones.overdue(today)
        | milestones.filter(status__in=[MilestoneStatus.AT_RISK, MilestoneStatus.DELAYED])
    )
    items = []
    for m in ordered_for_attention(attention.select_related("body"), today)[:PANEL_SIZE]:
        flag = "Overdue · " if m.is_overdue(today) else ""
        due = f"due {m.due_date:%d %b %Y}" if m.due_date else "no due date"
        items.append({
            "label": f"{m.code} {m.title}",
            "url": reverse("workgroups:milestone", args=[m.pk]),
            "detail": f"{flag}{m.get_status_display()} · {m.body.code} · {due} · "
                      f"{m.progress} %",
        })
    return {
        "title": "Strategic Plan: overdue and at risk",
        "items": items,
        "empty": "Nothing overdue or at risk in the plan now running.",
    }
