from django import template
from django.utils import timezone
from django.utils.html import format_html

from meetings.models import AccessLevel

register = template.Library()

# Colour plus a word: the level never rests on colour alone.
BADGES = {
    AccessLevel.PUBLIC: ("text-bg-success", "Public"),
    AccessLevel.PARTNERS: ("text-bg-info", "Partners"),
    AccessLevel.MEMBERS: ("text-bg-primary", "Members"),
    AccessLevel.RESTRICTED: ("text-bg-danger", "Restricted"),
}


@register.simple_tag
def access_badge(document):
    css, label = BADGES[AccessLevel(document.access_level)]
    badge = format_html('<span class="badge {}">{}</span>', css, label)
    if document.is_embargoed():
        _, embargo_label = BADGES[AccessLevel(document.embargo_level)]
        until = timezone.localtime(document.embargo_until)
        badge = format_html(
            '{} <span class="badge text-bg-warning">Embargoed: {} until {} ({})</span>',
            badge, embargo_label, f"{until:%d %b %Y %H:%M}", until.tzname(),
        )
    return badge


@register.filter
def tz_abbrev(value):
    """``+07`` style offset label for an aware datetime."""
    offset = value.strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}" if offset else ""


@register.filter
def zone_name(zone) -> str:
    """A time zone as a reader knows it: “Ho Chi Minh City (UTC+07:00)”, not the IANA id."""
    import zoneinfo

    from meetings.authoring_forms import zone_label

    try:
        return zone_label(str(zone))
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return ""
