from django import template
from django.urls import reverse

from meetings.bilaterals.selectors import viewer_for

register = template.Library()


@register.simple_tag(takes_context=True)
def bilaterals_url(context, meeting) -> str:
    """The meeting's bilateral grid for the viewer, or "" when they have none there."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    if viewer_for(request.user, meeting) is None:
        return ""
    return reverse("bilaterals:grid", args=[meeting.pk])
