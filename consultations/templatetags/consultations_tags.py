from django import template

from consultations.models import Consultation

register = template.Library()

# Colour is never the only signal: the badge always carries the status word too.
_BADGES = {
    Consultation.Status.PLANNED: "text-bg-secondary",
    Consultation.Status.CONFIRMED: "text-bg-success",
    Consultation.Status.HELD: "text-bg-primary",
    Consultation.Status.POSTPONED: "text-bg-warning",
    Consultation.Status.CANCELLED: "text-bg-danger",
}


@register.filter
def status_badge(status: str) -> str:
    return _BADGES.get(status, "text-bg-secondary")
