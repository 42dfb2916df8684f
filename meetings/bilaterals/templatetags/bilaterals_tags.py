from django import template

from meetings.bilaterals.selectors import bilaterals_link

register = template.Library()


@register.simple_tag(takes_context=True)
def bilaterals_url(context, meeting) -> str:
    """The meeting's bilateral grid for the viewer, or "" when they have none there."""
    request = context.get("request")
    if request is None:
        return ""
    return bilaterals_link(request.user, meeting)
