from django import template

from workgroups.selectors import percent_class

register = template.Library()

# A symbol beside every status label, so status is never told by colour alone.
STATUS_SYMBOLS = {
    "not_started": "○", "on_track": "▶", "at_risk": "⚠", "delayed": "⏱",
    "completed": "✔", "cancelled": "✕",
    "implemented": "✔", "in_progress": "◐", "not_applicable": "-",
    "participating": "✔", "preparing": "◐",
}


@register.filter
def pct_class(value) -> str:
    return percent_class(value)


@register.filter
def status_symbol(value) -> str:
    return STATUS_SYMBOLS.get(value, "")


@register.filter
def pct(value) -> str:
    return "—" if value is None else f"{float(value):.0f} %"
