"""The home-page panel "Upcoming report deadlines"."""

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from secretariat.access import administration_id_of, is_member_staff, is_secretariat
from workgroups.access import chaired_body_ids
from workgroups.reporting import selectors
from workgroups.reporting.caching import REPORTING
from workgroups.reporting.models import ReportingCycle, ReportState

PANEL_SIZE = 5


def upcoming_deadlines_panel(request) -> dict | None:
    """Member staff: their administration's reports still to submit. Secretariat: the open
    cycles and how many reports are in. Nobody else sees the panel.

    Cached per audience (the administration, and the bodies it chairs today, which decide
    the reports seen; or the secretariat), zone and language of the dates shown, for the
    reporting data version, and until the next deadline shown passes ("late")."""
    user = request.user
    if is_member_staff(user):
        audience = ("member", administration_id_of(user), *sorted(chaired_body_ids(user)))
    elif is_secretariat(user):
        audience = ("secretariat",)
    else:
        return None
    parts = ("deadlines", audience, timezone.get_current_timezone_name(),
             translation.get_language())
    return REPORTING.cached_until(parts, lambda: _panel(user))


def _panel(user) -> tuple[dict, object]:
    items = []
    until = None
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
            if report.cycle.due_at >= now and (until is None or report.cycle.due_at < until):
                until = report.cycle.due_at  # from then on the label says "late"
            items.append({
                "label": report.cycle.title,
                "url": reverse("reporting:report", args=[report.pk]),
                "detail": f"{report.state_label(now)} · due {date_format(due, 'd M Y, H:i')}",
            })
    else:
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
    panel = {"title": "Upcoming report deadlines", "items": items,
             "empty": "No progress report is due."}
    return panel, until
