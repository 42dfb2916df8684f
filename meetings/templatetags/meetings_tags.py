from django import template
from django.utils import timezone
from django.utils.html import format_html

from meetings.models import AccessLevel
from secretariat import plain

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
    """Who may read the paper now, in one badge; under an embargo, the stricter level it has
    until the embargo ends and, beside it, when it opens to whom ("Public from 4 Jun 2027,
    17:00 (Jakarta, UTC+07:00)"), so a "Public" badge never sits beside "Members until"."""
    final_css, final_label = BADGES[AccessLevel(document.access_level)]
    if not document.is_embargoed():
        return format_html('<span class="badge {}">{}</span>', final_css, final_label)
    css, label = BADGES[AccessLevel(document.embargo_level)]
    until = timezone.localtime(document.embargo_until)
    zone = plain.zone_label(timezone.get_current_timezone_name(), until.date())
    return format_html(
        '<span class="badge {}">{}</span> <span class="badge text-bg-warning">{} from {}, {}'
        ' ({})</span>',
        css, label, final_label, f"{until.day} {until:%b %Y}", f"{until:%H:%M}", zone,
    )


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
