"""Demo data of reporting: one open cycle on fixed dates, some reports in.

Loaded after ``workgroups`` (INSTALLED_APPS order). Idempotent: the cycle is keyed on its
title and opened once; a second load changes nothing. The dates are fixed (never computed from
the day of loading): reports are due on Tuesday 8 December 2026 at 17:00 Jakarta time, so the
T-7 reminder falls due on Tuesday 1 December 2026 at 09:00 in each administration's zone and
the T-1 on Monday 7 December; ``make run``'s worker sends them by itself into ``var/mail/``.
The demo cycle widens its working window to 07:00-22:00, every day, so that a visitor in
another time zone sees reminders go out while trying the demo (a cycle may override the
portal's 09:00-17:00, Monday to Friday); national public holidays still apply.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from secretariat.models import Administration, Contact, Role
from secretariat.services import person_create
from workgroups.models import Body, FocalPoint, Plan
from workgroups.reporting import services
from workgroups.reporting.models import ProgressReport, ReportingCycle, ReportState

TITLE = "Progress reports for the 36th DG Meeting"
# Administrations that have already reported, with a line each (demo narratives).
SUBMITTED = {
    "SG": ("delegate.sg", "Wei Ling", "Tan", "Milestone work on track; national rules in force."),
    "TH": ("delegate.th", "Somchai", "Wongsakul",
           "Pilot completed at Laem Chabang; roll-out to land border posts under way."),
}


def load(out) -> None:
    with transaction.atomic():
        _focal_points()
        cycle = _cycle()
        _submit_some(cycle)
    reports = ProgressReport.objects.filter(cycle=cycle)
    out(f"  reporting cycle '{cycle.title}': {reports.count()} reports expected, "
        f"{reports.filter(state=ReportState.SUBMITTED).count()} submitted, due "
        f"{cycle.due_at:%Y-%m-%d %H:%M} UTC")


def _focal_points() -> None:
    """A reporting focal point per administration, so that every reminder has an address."""
    dg = Body.objects.filter(code="DG").first()
    if dg is None:
        return
    for adm in Administration.objects.all():
        contact, _ = Contact.objects.update_or_create(
            administration=adm, full_name=f"Reporting focal point, {adm.country}",
            defaults={"email": f"reporting.{adm.code.lower()}@demo.asean-customs.invalid",
                      "position": "Strategic Plan reporting"},
        )
        FocalPoint.objects.get_or_create(body=dg, contact=contact)


def _secretariat_user():
    user = get_user_model().objects.filter(profile__role=Role.SECRETARIAT).first()
    return user


JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
DUE = dt.datetime(2026, 12, 8, 17, 0, tzinfo=JAKARTA)
OPENS = dt.datetime(2026, 11, 2, 9, 0, tzinfo=JAKARTA)


def _cycle() -> ReportingCycle:
    existing = ReportingCycle.objects.filter(title=TITLE).first()
    if existing is not None:
        return existing
    plan = Plan.objects.filter(start_year__lte=DUE.year, end_year__gte=DUE.year).first()
    actor = _secretariat_user()
    cycle = services.cycle_create(
        actor=actor, title=TITLE, plan=plan, opens_at=OPENS, due_at=DUE,
        window_opens=dt.time(7, 0), window_closes=dt.time(22, 0),
        window_weekdays=[0, 1, 2, 3, 4, 5, 6],
    )
    # Opened as on its opening day, so the membership that day decides who owes a report.
    return services.cycle_open(actor=actor, cycle_id=cycle.pk, now=OPENS)


def _submit_some(cycle: ReportingCycle) -> None:
    reports = {r.administration.code: r for r in
               ProgressReport.objects.filter(cycle=cycle).select_related("administration")}
    user_model = get_user_model()
    for code, (username, first, last, narrative) in SUBMITTED.items():
        report = reports.get(code)
        if report is None or report.state == ReportState.SUBMITTED:
            continue
        user = user_model.objects.filter(username=username).first() or person_create(
            actor=None, username=username, email=f"{username}@demo.asean-customs.invalid",
            role=Role.DELEGATE, administration=report.administration, first_name=first,
            last_name=last, position=f"Delegate, {report.administration.name}",
            password=settings.DEMO_PASSWORD,
        )
        entries = {
            entry.pk: {"status": entry.milestone.status,
                       "progress": min(entry.milestone.progress + 10, 100),
                       "narrative": narrative}
            for entry in report.entries.select_related("milestone")
        }
        services.report_submit(actor=user, report_id=report.pk, entries=entries)
