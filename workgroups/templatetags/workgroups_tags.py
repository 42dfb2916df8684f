from django import template
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

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


# The two widgets of every milestone row, as tags rather than ``{% include %}``s: a dashboard
# page renders a hundred of them, and an include costs many times a ``format_html``.
@register.simple_tag
def status_badge(status, label) -> str:
    return format_html(
        '<span class="badge status-badge status-{}"><span aria-hidden="true">{}</span> {}</span>',
        status, status_symbol(status), label,
    )


@register.simple_tag
def progress_bar(value) -> str:
    shown = pct(value)
    return format_html(
        '<div class="d-flex align-items-center gap-2"><div class="bar-track flex-grow-1" '
        'role="img" aria-label="{}"><div class="bar-fill {}"></div></div>'
        '<span class="small text-nowrap">{}</span></div>',
        shown, pct_class(value), shown,
    )


_MISSING_CELL = format_html(
    '<td class="impl-missing">{} <span class="visually-hidden">Not reported</span></td>', "—")


@register.simple_tag
def matrix_cells(cells) -> str:
    """The ``<td>``s of one row of the member-state matrix, from
    ``selectors.implementation_matrix``: symbol and label (never colour alone) and the month
    of the status."""
    return format_html_join("", "{}", ((_matrix_cell(cell),) for _adm, cell in cells))


def _matrix_cell(cell) -> str:
    if cell is None:
        return _MISSING_CELL
    when = format_html('<span class="d-block">{}</span>', date_format(cell.status_on, "M Y")) \
        if cell.status_on else ""
    return format_html('<td class="impl-{}"><span aria-hidden="true">{}</span> {}{}</td>',
                       cell.status, status_symbol(cell.status), cell.label, when)
