"""What enforcement adds to other pages: the home-page panel of recent seizures and the
operations that follow a milestone. Both say nothing about seizures to the uncleared."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format

from workgroups.enforcement import access, selectors
from workgroups.enforcement.caching import ENFORCEMENT

PANEL_SIZE = 5


def recent_seizures_panel(request) -> dict | None:
    """Cleared people only; everyone else gets no panel at all (not an empty one)."""
    if not access.sees_seizures(request.user):
        return None
    # Every cleared person sees every report: one copy for all of them.
    return ENFORCEMENT.cached(("recent-seizures",), lambda: _recent_seizures_panel(request.user))


def _recent_seizures_panel(user) -> dict:
    items = []
    for report in selectors.reports_visible_to(user)[:PANEL_SIZE]:
        commodities = ", ".join(line.get_commodity_display() for line in report.lines.all())
        flag = " · illustrative" if report.is_illustrative else ""
        items.append({
            "label": f"{report.administration.country}: {commodities}",
            "url": reverse("enforcement:report", args=[report.pk]),
            "detail": f"{date_format(report.seized_on, 'd M Y')} · {report.place}{flag}",
        })
    return {"title": "Recent seizure reports (enforcement contacts)", "items": items,
            "empty": "No seizure report yet."}


def milestone_operations_panel(request, milestone) -> str | None:
    """Operations linked to the milestone: names for everyone, report counts only for the
    cleared."""
    operations = list(selectors.operations().filter(milestones=milestone).order_by("name"))
    if not operations:
        return None
    counts = selectors.report_counts_by_operation(request.user)
    for operation in operations:
        operation.report_count = counts.get(operation.pk)
    return render_to_string("enforcement/_milestone_operations.html", {
        "operations": operations, "cleared": access.sees_seizures(request.user),
    }, request=request)


def body_operations_panel(request, body) -> dict | None:
    """On the page of the body that follows them (the CECWG): its operations, by name."""
    operations = list(selectors.operations().filter(body=body).order_by("-starts_on"))
    if not operations:
        return None
    items = [{
        "label": op.name, "url": op.get_absolute_url(),
        "detail": f"led by {op.lead.country} · since {date_format(op.starts_on, 'M Y')}",
    } for op in operations]
    items.append({"label": "All enforcement operations",
                  "url": reverse("enforcement:operation_list"), "detail": ""})
    return {"title": "Joint enforcement operations", "items": items, "empty": ""}
