"""Planning and sending reminders: the part that must never lose or repeat an email.

Design (QUALITY.md "Reminders: a design that survives faults", healthchecks.io's pattern):

* The schedule is rows (``ReminderDispatch``), written when a cycle opens, unique per
  (cycle, administration, kind). Celery carries only row ids.
* ``plan_due(now)`` is the planner and the sweeper in one: it releases claims whose lease
  expired (a worker died mid-send), applies the catch-up rule, and returns the ids to queue.
  It needs no broker to be correct: a row stays ``pending`` until it is sent, failed,
  cancelled or skipped, so a Redis outage or a stopped worker only delays it to the next run.
* ``dispatch_send(id)`` claims the row with one conditional UPDATE (``pending`` -> ``sending``)
  and goes on only if exactly one row changed: a redelivered task, a duplicated message or two
  planners queueing the same id can never both send. The Message-ID is stored before the SMTP
  conversation, so the one residual duplicate (a crash between the server's "250" and our
  ``sent`` UPDATE) is at least recognisably the same message.
"""

import datetime as dt
import logging
import random
import smtplib
from dataclasses import dataclass, field
from email.utils import make_msgid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from secretariat.models import Contact, Role
from workgroups.models import FocalPoint
from workgroups.reporting.models import (
    DispatchStatus,
    ProgressReport,
    ReminderDispatch,
    ReportingCycle,
    ReportState,
)

logger = logging.getLogger(__name__)

EMAIL = "emails/reminder"
MAX_ATTEMPTS = 5
MISSING_LISTED = 30
MESSAGE_ID_DOMAIN = "asean-customs-portal"


def lease() -> dt.timedelta:
    """How long a claim protects a row. Longer than Celery's hard time limit, so that a live
    worker never loses its row to the sweeper; a dead worker's row is re-offered after it."""
    return dt.timedelta(seconds=getattr(settings, "REPORTING_LEASE_SECONDS", 600))


def backoff(attempts: int) -> dt.timedelta:
    """Exponential backoff with jitter: about 1, 2, 4, 8 minutes (base configurable)."""
    base = getattr(settings, "REPORTING_RETRY_BASE_SECONDS", 60)
    delay = base * 2 ** max(attempts - 1, 0)
    # Jitter spreads the retries of a batch that failed together (an SMTP server restarting).
    return dt.timedelta(seconds=delay * (1 + random.random() / 4))  # noqa: S311


# --- Planner -------------------------------------------------------------------------------

@dataclass
class Plan:
    to_queue: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    released: int = 0


def plan_due(now: dt.datetime, *, dry_run: bool = False) -> Plan:
    """Work out, from the database alone, which reminders to queue now.

    1. Claims older than the lease go back to ``pending`` (their worker died).
    2. Catch-up rule: of an administration's pending reminders whose time has come, only the
       most recent is kept; older ones are ``skipped`` (after an outage the administration
       gets the one reminder due now, not a burst of every missed one).
    3. Due rows not queued within the lease are returned and stamped ``enqueued_at``, so a
       beat tick does not re-queue what the workers are still chewing through.

    A constant number of queries whatever the number of rows (4, plus the savepoint).
    Idempotent and safe to run concurrently: every write is a conditional UPDATE.
    """
    cutoff = now - lease()
    plan = Plan()
    with transaction.atomic():
        stale = ReminderDispatch.objects.filter(
            status=DispatchStatus.SENDING, claimed_at__lt=cutoff
        )
        if dry_run:
            plan.released = stale.count()
        else:
            plan.released = stale.update(status=DispatchStatus.PENDING, enqueued_at=None)
        rows = ReminderDispatch.objects.filter(
            status=DispatchStatus.PENDING, scheduled_for__lte=now,
            cycle__status=ReportingCycle.Status.OPEN,
        ).values_list("pk", "cycle_id", "administration_id", "scheduled_for", "due_at",
                      "enqueued_at")
        latest: dict[tuple[int, int], tuple] = {}
        for row in rows:
            key = (row[1], row[2])
            if key not in latest or (row[3], row[0]) > (latest[key][3], latest[key][0]):
                if key in latest:
                    plan.skipped.append(latest[key][0])
                latest[key] = row
            else:
                plan.skipped.append(row[0])
        plan.to_queue = sorted(
            pk for pk, _, _, _, due_at, enqueued_at in latest.values()
            if due_at <= now and (enqueued_at is None or enqueued_at < cutoff)
        )
        if dry_run:
            return plan
        if plan.skipped:
            ReminderDispatch.objects.filter(
                pk__in=plan.skipped, status=DispatchStatus.PENDING
            ).update(status=DispatchStatus.SKIPPED,
                     last_error="Skipped: a more recent reminder was due at the same time.")
        if plan.to_queue:
            ReminderDispatch.objects.filter(
                pk__in=plan.to_queue, status=DispatchStatus.PENDING
            ).update(enqueued_at=now)
    return plan


def enqueue_sends(ids: list[int]) -> int:
    """Queue ``send_reminder`` for each id; returns how many were queued.

    Called after commit. If the broker is down, one ERROR is logged and the rows not queued
    get their ``enqueued_at`` cleared, so the next planner run queues them again: nothing is
    lost and the caller (a page, the beat) never fails.
    """
    from workgroups.reporting.tasks import send_reminder

    for index, dispatch_id in enumerate(ids):
        try:
            send_reminder.delay(dispatch_id)
        except Exception as exc:  # any broker error: the rows stay pending either way
            left = ids[index:]
            logger.error("Could not queue %d reminder(s) (%r); the planner will retry them",
                         len(left), exc)
            ReminderDispatch.objects.filter(
                pk__in=left, status=DispatchStatus.PENDING
            ).update(enqueued_at=None)
            return index
    return len(ids)


def plan_and_enqueue(now: dt.datetime | None = None) -> Plan:
    """The beat task's body: plan, commit, then queue."""
    plan = plan_due(now or timezone.now())
    enqueue_sends(plan.to_queue)
    return plan


# --- Sending one -------------------------------------------------------------------------

@dataclass
class Outcome:
    status: str
    dispatch: ReminderDispatch | None = None
    retry_at: dt.datetime | None = None
    detail: str = ""


def dispatch_claim(dispatch_id: int, now: dt.datetime) -> ReminderDispatch | None:
    """Take the row for sending; None if another worker has it, it is final or not yet due.

    The ``due_at`` condition keeps a stray duplicate task from cutting a backoff short.
    """
    won = ReminderDispatch.objects.filter(
        pk=dispatch_id, status=DispatchStatus.PENDING, due_at__lte=now
    ).update(status=DispatchStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not won:
        return None
    return ReminderDispatch.objects.select_related("cycle", "administration").get(pk=dispatch_id)


def _finish(dispatch: ReminderDispatch, status: str, **fields) -> None:
    ReminderDispatch.objects.filter(pk=dispatch.pk, status=DispatchStatus.SENDING).update(
        status=status, **fields
    )
    dispatch.status = status
    for name, value in fields.items():
        setattr(dispatch, name, value)


@dataclass
class Recipients:
    to: list[str]
    cc: list[str]


def recipients_for(dispatch: ReminderDispatch) -> Recipients:
    """Who is reminded. Ordinary reminders: the administration's delegates and its focal
    points (for the cycle's body, or any body). Escalations: the head of administration,
    with the secretariat in copy. Three queries at most."""
    adm_id = dispatch.administration_id
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if dispatch.escalation:
        heads = Contact.objects.filter(administration_id=adm_id, is_head=True).exclude(
            email="").values_list("email", flat=True)
        cc = users.filter(profile__role=Role.SECRETARIAT).values_list("email", flat=True)
        to = _clean(heads)
        if to:
            return Recipients(to, [e for e in _clean(cc) if e not in to])
    delegates = users.filter(
        profile__role=Role.DELEGATE, profile__administration_id=adm_id
    ).values_list("email", flat=True)
    focal = FocalPoint.objects.filter(contact__administration_id=adm_id).exclude(
        contact__email="")
    if dispatch.cycle.body_id:
        focal = focal.filter(body_id=dispatch.cycle.body_id)
    to = _clean([*delegates, *focal.values_list("contact__email", flat=True)])
    cc = _clean(users.filter(profile__role=Role.SECRETARIAT).values_list("email", flat=True)
                ) if dispatch.escalation else []
    return Recipients(to, [e for e in cc if e not in to])


def _clean(emails) -> list[str]:
    return sorted({e.strip().lower() for e in emails if e and e.strip()})


def utc_offset(moment: dt.datetime) -> str:
    """``+06:30`` for Yangon: the offset says more than an abbreviation across ASEAN."""
    raw = moment.strftime("%z")
    return f"{raw[:3]}:{raw[3:]}"


def reminder_context(dispatch: ReminderDispatch, report: ProgressReport, now: dt.datetime):
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
        "deadline_label": f"{deadline:%A %d %B %Y, %H:%M} ({dispatch.administration.time_zone})",
        "deadline_short": f"{deadline:%d %b %Y %H:%M} (UTC{utc_offset(deadline)})",
        "days_left": days_left,
        "days_overdue": -days_left,
        "overdue": now > dispatch.cycle.due_at,
        "missing": missing,
        "missing_count": missing_count,
        "missing_more": missing_count - len(missing),
        "url": settings.PORTAL_BASE_URL + reverse("reporting:report", args=[report.pk]),
    }


def build_message(dispatch: ReminderDispatch, report: ProgressReport, recipients: Recipients,
                  now: dt.datetime) -> EmailMultiAlternatives:
    context = reminder_context(dispatch, report, now)
    subject = " ".join(render_to_string(f"{EMAIL}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"{EMAIL}.txt", context),
        to=recipients.to, cc=recipients.cc,
        headers={"Message-ID": dispatch.message_id},
    )
    message.attach_alternative(render_to_string(f"{EMAIL}.html", context), "text/html")
    return message


def _is_transient(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | OSError)


def dispatch_send(dispatch_id: int, *, now: dt.datetime | None = None) -> Outcome:
    """Send one reminder if this call wins its claim.

    Guarantees: at most one caller proceeds per attempt (conditional UPDATE); nothing is sent
    for a submitted report or a cycle no longer open (the row is ``cancelled``); the
    Message-ID is fixed and saved before sending; a transient SMTP or network error puts the
    row back to ``pending`` with ``due_at`` pushed by an exponential backoff (``retry_at`` is
    returned so the caller can queue a delayed task); after ``MAX_ATTEMPTS`` or a permanent
    (5xx) refusal the row is ``failed`` and an ERROR is logged. Never runs inside a caller's
    transaction: each state change must be committed on its own.
    """
    now = now or timezone.now()
    dispatch = dispatch_claim(dispatch_id, now)
    if dispatch is None:
        return Outcome("skipped")
    report = ProgressReport.objects.filter(
        cycle_id=dispatch.cycle_id, administration_id=dispatch.administration_id
    ).first()
    if report is None or report.state == ReportState.SUBMITTED or (
        dispatch.cycle.status != ReportingCycle.Status.OPEN
    ):
        _finish(dispatch, DispatchStatus.CANCELLED,
                last_error="Not sent: the report was submitted or the cycle is not open.")
        return Outcome(DispatchStatus.CANCELLED, dispatch)
    recipients = recipients_for(dispatch)
    if not recipients.to:
        _finish(dispatch, DispatchStatus.FAILED, last_error="No recipient with an email address.")
        logger.error("Reminder %s (%s to %s) failed: no recipient address", dispatch.pk,
                     dispatch.kind, dispatch.administration.code)
        return Outcome(DispatchStatus.FAILED, dispatch, detail="no recipient")
    if not dispatch.message_id:
        dispatch.message_id = make_msgid(idstring=f"reminder-{dispatch.pk}",
                                         domain=MESSAGE_ID_DOMAIN)
    # Saved before the SMTP conversation: a resend after a crash carries the same Message-ID.
    dispatch.recipients = {"to": recipients.to, "cc": recipients.cc}
    ReminderDispatch.objects.filter(pk=dispatch.pk).update(
        message_id=dispatch.message_id, recipients=dispatch.recipients
    )
    message = build_message(dispatch, report, recipients, now)
    mailer = mailers.default
    try:
        mailer.open()
        mailer.send_messages([message])
    except Exception as exc:
        _close_quietly(mailer)
        return _failed_attempt(dispatch, exc, now)
    # Recorded as sent as soon as the server accepted the message, before the SMTP QUIT:
    # a crash between the server's "250" and this UPDATE is the one way to send twice, and
    # the QUIT round trip would otherwise widen that window (T16 caught it doing so).
    _finish(dispatch, DispatchStatus.SENT, sent_at=now, last_error="")
    _close_quietly(mailer)
    return Outcome(DispatchStatus.SENT, dispatch)


def _close_quietly(mailer) -> None:
    try:
        mailer.close()
    except Exception as exc:  # the message is already accepted (or already failed)
        logger.warning("Closing the SMTP connection failed: %r", exc)


def _failed_attempt(dispatch: ReminderDispatch, exc: Exception, now: dt.datetime) -> Outcome:
    error = f"attempt {dispatch.attempts}: {exc!r}"[:2000]
    if _is_transient(exc) and dispatch.attempts < MAX_ATTEMPTS:
        retry_at = now + backoff(dispatch.attempts)
        # Not queued yet: the Celery task stamps ``enqueued_at`` once its delayed retry is
        # queued; the synchronous command leaves it empty so that its next run retries.
        _finish(dispatch, DispatchStatus.PENDING, due_at=retry_at, claimed_at=None,
                enqueued_at=None, last_error=error)
        logger.warning("Reminder %s: transient error, retry at %s: %r", dispatch.pk,
                       retry_at.isoformat(), exc)
        return Outcome(DispatchStatus.PENDING, dispatch, retry_at=retry_at, detail=repr(exc))
    _finish(dispatch, DispatchStatus.FAILED, last_error=error)
    logger.error("Reminder %s (%s to %s) failed after %d attempt(s): %r", dispatch.pk,
                 dispatch.kind, dispatch.administration.code, dispatch.attempts, exc)
    return Outcome(DispatchStatus.FAILED, dispatch, detail=repr(exc))
