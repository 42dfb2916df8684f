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


@register.filter
def webcal(url: str) -> str:
    """The same feed as a ``webcal://`` link, which opens the calendar app's subscribe dialog."""
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            return "webcal://" + url.removeprefix(scheme)
    return url


@register.inclusion_tag("consultations/_meeting_consultations.html", takes_context=True)
def meeting_consultations(context, meeting):
    """The consultations held alongside ``meeting`` that the viewer may see, for the meeting
    page: ``{% load consultations_tags %}{% meeting_consultations meeting %}``."""
    from consultations.selectors import consultations_for_meeting

    return {"meeting": meeting,
            "consultations": consultations_for_meeting(meeting, context["request"].user)}
