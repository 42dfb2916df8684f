"""Reminders of progress reports: who gets one, and when it is handed to the outbox.

The schedule is rows (``ReminderDispatch``), written when a cycle opens, unique per (cycle,
administration, kind), each already placed in the administration's working window
(``schedule.py``). The beat's planner (``plan_due``) hands every reminder whose time has come to
the outbox, one message per recipient (purpose ``reporting.reminder``); everything after that
(claim, send, retry, sweep, the working window at send time, the Message-ID) is the outbox's
job (``secretariat.outbox``). At send time ``notices.prepare_reminder`` cancels the message if
the report was submitted or the cycle closed meanwhile.

Catch-up rule: of an administration's reminders whose time has come, only the most recent is
handed over; older ones are ``skipped`` (after an outage the administration gets the one
reminder due now, not a burst), and a reminder whose deadline has passed is skipped too.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from secretariat import outbox
from secretariat.models import Contact, OutboxMessage, Role
from workgroups.models import FocalPoint
from workgroups.reporting.models import (
    DispatchStatus,
    ProgressReport,
    ReminderDispatch,
    ReportingCycle,
)

logger = logging.getLogger(__name__)

PURPOSE = "reporting.reminder"
EMAIL = "emails/reminder"
MISSING_LISTED = 30


@dataclass
class Plan:
    queued: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    messages: int = 0


def plan_due(now: dt.datetime | None = None, *, dry_run: bool = False) -> Plan:
    """Hand every reminder whose time has come to the outbox; see the module docstring.

    Idempotent and safe to run concurrently (two beats): a reminder is handed over by the one
    planner whose conditional UPDATE ``pending -> queued`` wins, and the outbox's unique key
    (purpose, reminder, recipient) would absorb a second hand-over anyway. One transaction.
    """
    now = now or timezone.now()
    plan = Plan()
    with transaction.atomic():
        rows = list(
            ReminderDispatch.objects.filter(
                status=DispatchStatus.PENDING, scheduled_for__lte=now,
                cycle__status=ReportingCycle.Status.OPEN,
            ).select_related("cycle", "administration").order_by("scheduled_for", "pk")
        )
        latest: dict[tuple[int, int], ReminderDispatch] = {}
        for row in rows:  # ordered by time: the last one seen per key is the most recent
            key = (row.cycle_id, row.administration_id)
            if key in latest:
                plan.skipped.append(latest[key].pk)
            latest[key] = row
        too_late = [r for r in latest.values() if r.send_before and r.send_before <= now]
        plan.skipped += [r.pk for r in too_late]
        due = [r for r in latest.values() if r not in too_late]
        if dry_run:
            plan.queued = [r.pk for r in due]
            return plan
        if plan.skipped:
            ReminderDispatch.objects.filter(
                pk__in=plan.skipped, status=DispatchStatus.PENDING
            ).update(status=DispatchStatus.SKIPPED,
                     note="Skipped: a more recent reminder was due, or its deadline passed.")
        for row in due:
            won = ReminderDispatch.objects.filter(
                pk=row.pk, status=DispatchStatus.PENDING
            ).update(status=DispatchStatus.QUEUED, queued_at=now)
            if won:
                sent = hand_over(row)
                (plan.queued if sent else plan.failed).append(row.pk)
                plan.messages += sent
    return plan


def hand_over(dispatch: ReminderDispatch) -> int:
    """Queue one outbox message per recipient of ``dispatch``; returns how many. A reminder
    with nobody to send to is marked ``failed`` with an ERROR log (someone must add a
    delegate or a focal point)."""
    recipients = recipients_for(dispatch)
    if not recipients:
        ReminderDispatch.objects.filter(pk=dispatch.pk).update(
            status=DispatchStatus.FAILED, note="No recipient with an email address.")
        logger.error("Reminder %s (%s to %s) not sent: no recipient address", dispatch.pk,
                     dispatch.kind, dispatch.administration.code)
        return 0
    window = dispatch.cycle.window_for(dispatch.administration)
    for address, user in recipients:
        outbox.queue_email(
            purpose=PURPOSE, obj=dispatch, recipient=address, user=user, template=EMAIL,
            not_before=dispatch.scheduled_for, send_before=dispatch.send_before, window=window,
        )
    return len(recipients)


def messages_of(dispatch_ids):
    """The outbox messages of these reminders (one query when evaluated)."""
    from django.contrib.contenttypes.models import ContentType

    return OutboxMessage.objects.filter(
        purpose=PURPOSE, content_type=ContentType.objects.get_for_model(ReminderDispatch),
        object_id__in=dispatch_ids,
    )


def recipients_for(dispatch: ReminderDispatch) -> list[tuple[str, object]]:
    """Who is reminded, as (address, user or None), one message each. Ordinary reminders:
    the administration's delegates and its focal points (for the cycle's body, or any body).
    Escalations: the head of administration and the secretariat's staff (if the
    administration names no head, its ordinary recipients and the secretariat). Three
    queries at most."""
    adm_id = dispatch.administration_id
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    found: dict[str, object] = {}

    def add(address: str, user=None) -> None:
        address = (address or "").strip().lower()
        if address and (address not in found or found[address] is None):
            found[address] = user

    heads = []
    if dispatch.escalation:
        heads = list(Contact.objects.filter(administration_id=adm_id, is_head=True)
                     .exclude(email="").select_related("user"))
        for head in heads:
            add(head.email, head.user)
    if not heads:
        for user in users.filter(profile__role=Role.DELEGATE, profile__administration_id=adm_id):
            add(user.email, user)
        focal = FocalPoint.objects.filter(contact__administration_id=adm_id).exclude(
            contact__email="").select_related("contact__user")
        if dispatch.cycle.body_id:
            focal = focal.filter(body_id=dispatch.cycle.body_id)
        for point in focal:
            add(point.contact.email, point.contact.user)
    if dispatch.escalation and found:
        for user in users.filter(profile__role=Role.SECRETARIAT):
            add(user.email, user)
    return sorted(found.items())


def utc_offset(moment: dt.datetime) -> str:
    """``+06:30`` for Yangon: the offset says more than an abbreviation across ASEAN."""
    raw = moment.strftime("%z")
    return f"{raw[:3]}:{raw[3:]}"


def reminder_context(dispatch: ReminderDispatch, report: ProgressReport, now: dt.datetime):
    """What the reminder says, computed when it goes (days left, what is still missing)."""
    tz = dispatch.administration.zoneinfo
    deadline = dispatch.cycle.due_at.astimezone(tz)
    days_left = (deadline.date() - now.astimezone(tz).date()).days
    # The email lists the first MISSING_LISTED missing milestones and counts the rest, so
    # its cost stays flat when an administration owes hundreds of them.
    missing_entries = report.entries.filter(
        Q(status="") | Q(progress__isnull=True) | Q(narrative="")
    ).select_related("milestone").order_by("milestone__due_date", "milestone__code")
    missing = [e.milestone for e in missing_entries[:MISSING_LISTED]]
    missing_count = len(missing) if len(missing) < MISSING_LISTED else missing_entries.count()
    return {
        "dispatch": dispatch,
        "cycle": dispatch.cycle,
        "administration": dispatch.administration,
        # Read once: the name comes from the name history (one query).
        "administration_name": dispatch.administration.name,
        "report": report,
        "deadline": deadline,
        "deadline_label": f"{deadline:%A %d %B %Y, %H:%M} (UTC{utc_offset(deadline)}, "
                          f"{dispatch.administration.country} time)",
        "deadline_short": f"{deadline:%d %b %Y %H:%M} (UTC{utc_offset(deadline)})",
        "days_left": days_left,
        "days_overdue": -days_left,
        "overdue": now > dispatch.cycle.due_at,
        "missing": missing,
        "missing_count": missing_count,
        "missing_more": missing_count - len(missing),
        "url": settings.PORTAL_BASE_URL + reverse("reporting:report", args=[report.pk]),
    }


def next_send_time(dispatch: ReminderDispatch, now: dt.datetime) -> dt.datetime | None:
    """When a pending reminder will actually go: its planned time, or, if that has passed
    (the planner has not run yet), the next opening of the window; None if it is too late."""
    window = dispatch.cycle.window_for(dispatch.administration)
    moment = window.next_opening(max(dispatch.scheduled_for, now))
    if dispatch.send_before and moment >= dispatch.send_before:
        return None
    return moment
