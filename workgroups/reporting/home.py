"""The home-page panel "Upcoming report deadlines"."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from secretariat.access import is_member_staff, is_secretariat
from workgroups.reporting import selectors
from workgroups.reporting.models import ReportingCycle, ReportState

PANEL_SIZE = 5


def upcoming_deadlines_panel(request) -> dict | None:
    """Member staff: their administration's reports still to submit. Secretariat: the open
    cycles and how many reports are in. Nobody else sees the panel."""
    user = request.user
    items = []
    if is_member_staff(user):
        reports = (
            selectors.reports_visible_to(user)
            .filter(cycle__status=ReportingCycle.Status.OPEN)
            .exclude(state=ReportState.SUBMITTED)
            .order_by("cycle__due_at")[:PANEL_SIZE]
        )
        now = timezone.now()
        for report in reports:
            due = timezone.localtime(report.cycle.due_at)
            items.append({
                "label": report.cycle.title,
                "url": reverse("reporting:report", args=[report.pk]),
                "detail": f"{report.state_label(now)} · due {date_format(due, 'd M Y, H:i')}",
            })
    elif is_secretariat(user):
        cycles = selectors.cycles_with_counts().filter(
            status=ReportingCycle.Status.OPEN).order_by("due_at")[:PANEL_SIZE]
        for cycle in cycles:
            due = timezone.localtime(cycle.due_at)
            items.append({
                "label": cycle.title,
                "url": reverse("reporting:cycle", args=[cycle.pk]),
                "detail": f"{cycle.submitted} of {cycle.expected} submitted · due "
                          f"{date_format(due, 'd M Y, H:i')}",
            })
    else:
        return None
    return {"title": "Upcoming report deadlines", "items": items,
            "empty": "No progress report is due."}
