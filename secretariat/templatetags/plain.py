# ruff: noqa: RUF002  (the en dash of a date range is the wording itself)
"""``{% load plain %}``: the portal's plain wording (``secretariat.plain``) in templates."""

from django import template
from django.utils import timezone

from secretariat import plain

register = template.Library()


@register.filter
def zone(value, on=None) -> str:
    """``{{ "Asia/Yangon"|zone }}`` → “Yangon, UTC+06:30”."""
    return plain.zone_label(value, on)


@register.simple_tag
def date_range(start, end) -> str:
    """``{% date_range m.start_date m.end_date %}`` → “2–4 June 2027”."""
    return plain.date_range(start, end)


@register.filter
def reminder_kind(kind) -> str:
    """``{{ dispatch.kind|reminder_kind }}`` in the current time zone."""
    return plain.reminder_kind(kind, timezone.get_current_timezone())


@register.inclusion_tag("secretariat/_milestone_state.html")
def milestone_state(milestone, today):
    """One badge that says one true thing, and the reported status beside it in words."""
    state, reported = plain.milestone_state(
        milestone.status, milestone.get_status_display(), milestone.due_date, today)
    return {"state": state, "reported": reported, "status": milestone.status,
            "overdue": state == "Overdue"}
