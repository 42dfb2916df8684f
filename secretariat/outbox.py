"""The outbox: every email the portal sends goes through here, once per recipient.

A feature decides *who*, *what* and *when*; the outbox decides *how*. How to use it::

    from secretariat import outbox
    from secretariat.working_hours import window_for

    # Inside the transaction of the write that makes the email necessary:
    message, created = outbox.queue_email(
        purpose="meetings.convening",        # dotted "<app>.<kind>"; also names the hook below
        obj=meeting,                         # any saved model instance: what it is about
        recipient="head@customs.gov.my",     # ONE address; call once per recipient
        user=person,                         # optional: the recipient's account
        template="emails/meeting_convening", # triplet: _subject.txt, .txt, .html
        context={"meeting_title": "..."},    # JSON-serialisable values only
        not_before=instant,                  # optional, default now
        send_before=deadline,                # optional: skipped if it cannot go before
        window=window_for(administration),   # optional: only inside the working window
    )

``(purpose, obj, recipient)`` is unique: queueing it again returns the existing row with
``created=False`` and changes nothing, so a planner may run twice or concurrently. The email
is queued on the broker after commit; if the broker is down, the sweeper (beat, every
``OUTBOX_SWEEP_SECONDS``) offers it later. Nothing is lost while the database lives.

Context that must be computed when the email goes (current state, a visibility check, an
attachment), or a reason not to send any more, comes from a *preparer* registered for the
purpose, in the app's ``notices.py`` (every installed app's ``notices`` module is imported at
start-up)::

    @outbox.preparer("meetings.convening")
    def prepare_convening(message: OutboxMessage) -> outbox.Prepared:
        meeting = message.subject_object          # the ``obj`` given above (None if deleted)
        if meeting is None or meeting.cancelled:
            raise outbox.Cancel("The meeting was cancelled.")   # state ``cancelled``
        return outbox.Prepared(context={"meeting": meeting},
                               attachments=[Attachment("meeting.ics", ics, "text/calendar")])

Cancelling without sending: ``outbox.cancel(purpose=..., obj=..., reason=...)`` (or
``objects=<queryset>``) marks the pending messages ``cancelled`` (e.g. a report was submitted).
``outbox.messages_for(purpose=..., obj=...)`` reads them back for a page.

Guarantee ("effectively once"): no loss while the database lives; a duplicate only when the
process dies between the SMTP server's "250" and the ``sent`` UPDATE, or when that "250" is
lost on the wire; the resend then carries the same Message-ID. States: ``pending`` ->
``sending`` -> ``sent`` | ``failed`` | ``cancelled`` | ``skipped``. Transient errors (SMTP 4xx,
a dropped or refused connection, a timeout) are retried with exponential backoff and jitter up
to ``OUTBOX_MAX_ATTEMPTS``; a permanent refusal (5xx) or the last attempt is ``failed`` with an
ERROR log. Every row is in the admin with its state, attempts and last error.
"""

import datetime as dt
import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import mailers
from django.db import DatabaseError, models, transaction
from django.db.models import F
from django.utils import timezone

from secretariat import claims
from secretariat.emails import Attachment, build_email, message_id_for
from secretariat.models import DeliveryState, OutboxMessage
from secretariat.working_hours import WorkingWindow

logger = logging.getLogger(__name__)

__all__ = [
    "Attachment", "Cancel", "OutboxMessage", "Prepared", "cancel", "deliver", "is_transient",
    "messages_for", "preparer", "queue_email",
]


class Cancel(Exception):
    """Raised by a preparer: this message is not needed any more (state ``cancelled``)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Prepared:
    """What a preparer adds at send time: context (merged over the stored one), attachments."""

    context: dict = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)


Preparer = Callable[[OutboxMessage], Prepared | None]
_PREPARERS: dict[str, Preparer] = {}


def preparer(purpose: str) -> Callable[[Preparer], Preparer]:
    """Register the send-time hook of ``purpose`` (one per purpose)."""

    def register(func: Preparer) -> Preparer:
        if _PREPARERS.get(purpose, func) is not func:
            raise ValueError(f"A preparer for {purpose!r} is already registered.")
        _PREPARERS[purpose] = func
        return func

    return register


def _clean_address(address: str) -> str:
    address = (address or "").strip().lower()
    if not address or "@" not in address or any(c in address for c in "\r\n,;<> "):
        raise ValueError(f"Not one email address: {address!r}")
    return address


def queue_email(*, purpose: str, obj: models.Model, recipient: str, template: str,
                context: dict | None = None, user=None, not_before: dt.datetime | None = None,
                send_before: dt.datetime | None = None,
                window: WorkingWindow | None = None) -> tuple[OutboxMessage, bool]:
    """Record one email to one recipient and queue it after commit; see the module docstring.

    Returns ``(message, created)``. Idempotent per ``(purpose, obj, recipient)``. The first
    try is at ``not_before`` moved to the next opening of ``window``; the message is
    ``skipped`` if that is not before ``send_before``. Raises ``ValueError`` for an address
    that is not exactly one address. Call it inside the transaction of the write that makes
    the email necessary: the row commits (or rolls back) with it.
    """
    now = timezone.now()
    address = _clean_address(recipient)
    not_before = not_before or now
    due = window.next_opening(max(not_before, now)) if window else not_before
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    defaults = {
        "template": template, "context": context or {}, "user": user,
        "not_before": not_before, "send_before": send_before, "due_at": due,
        "window": window.as_json() if window else None,
    }
    if send_before is not None and due >= send_before:
        defaults.update(state=DeliveryState.SKIPPED, finished_at=now,
                        last_error="Skipped: no time left before its deadline.")
    # get_or_create absorbs the race of two planners (its insert runs in a savepoint and
    # falls back to a read on IntegrityError).
    message, created = OutboxMessage.objects.get_or_create(
        purpose=purpose, content_type=content_type, object_id=obj.pk, recipient=address,
        defaults=defaults,
    )
    if created and message.state == DeliveryState.PENDING and due <= now:
        transaction.on_commit(partial(_offer, [message.pk]), robust=True)
    return message, created


def messages_for(*, purpose: str, obj: models.Model | None = None,
                 objects: models.QuerySet | None = None):
    """The outbox rows of one (purpose, object), or of every object of a queryset (one
    query when evaluated), for a feature's pages or tests."""
    if (obj is None) == (objects is None):
        raise TypeError("Give obj or objects.")
    if objects is not None:
        content_type = ContentType.objects.get_for_model(objects.model,
                                                         for_concrete_model=False)
        return OutboxMessage.objects.filter(purpose=purpose, content_type=content_type,
                                            object_id__in=objects.values("pk"))
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return OutboxMessage.objects.filter(purpose=purpose, content_type=content_type,
                                        object_id=obj.pk)


def cancel(*, purpose: str, reason: str, obj: models.Model | None = None,
           objects: models.QuerySet | None = None) -> int:
    """Cancel the pending messages of (purpose, obj) or of every object in ``objects``;
    returns how many. One UPDATE. A message already being sent is not stopped (its preparer
    should re-check and raise ``Cancel``)."""
    return messages_for(purpose=purpose, obj=obj, objects=objects).filter(
        state=DeliveryState.PENDING).update(
        state=DeliveryState.CANCELLED, last_error=reason[:2000], finished_at=timezone.now())


def _offer(ids: list[int]) -> None:
    from secretariat.tasks import send_message

    claims.offer(OutboxMessage, ids, send_message)


def sweep(now: dt.datetime | None = None) -> int:
    """Offer the messages that need a task (never queued, lost, or lease expired)."""
    from secretariat.tasks import send_message

    return claims.sweep(OutboxMessage, send_message, now=now)


# --- Sending one ---------------------------------------------------------------------------

TRANSIENT_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError)


def is_transient(exc: BaseException) -> bool:
    """Worth retrying: SMTP 4xx answers, and network errors (refused, reset, timed out)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(
            400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, TRANSIENT_ERRORS)


@dataclass
class Outcome:
    state: str
    retry_at: dt.datetime | None = None
    detail: str = ""


def deliver(message_pk: int, *, now: dt.datetime | None = None) -> Outcome:
    """Make one attempt at message ``message_pk`` if this call wins its claim.

    Outside the window: handed back for its next opening (not counted as an attempt). Past
    ``send_before``: ``skipped``. The preparer may cancel. The Message-ID is written before
    the SMTP conversation; ``sent`` is recorded as soon as the server accepted it. Never call
    it inside a transaction: each state change must be committed on its own.
    """
    now = now or timezone.now()
    message = claims.claim(OutboxMessage, message_pk, now=now)
    if message is None:
        return Outcome("busy")
    if message.send_before and now >= message.send_before:
        claims.finish(message, DeliveryState.SKIPPED,
                      last_error="Skipped: its deadline passed before it could be sent.")
        return Outcome(DeliveryState.SKIPPED)
    if message.window:
        window = WorkingWindow.from_json(message.window)
        if not window.contains(now):
            opening = window.next_opening(now)
            if message.send_before and opening >= message.send_before:
                claims.finish(message, DeliveryState.SKIPPED,
                              last_error="Skipped: no working window left before its deadline.")
                return Outcome(DeliveryState.SKIPPED)
            # Not an attempt: the catch-up after an outage waits for the next opening.
            claims.finish(message, DeliveryState.PENDING, due_at=opening, enqueued_at=None,
                          attempts=F("attempts") - 1)
            return Outcome(DeliveryState.PENDING, retry_at=opening, detail="outside window")
    try:
        prepared = _prepare(message)
    except Cancel as verdict:
        claims.finish(message, DeliveryState.CANCELLED, last_error=verdict.reason[:2000])
        return Outcome(DeliveryState.CANCELLED, detail=verdict.reason)
    except DatabaseError as exc:  # the database went away mid-way: try again later
        return _failed_attempt(message, exc, now, transient=True)
    except Exception as exc:  # a bug in a preparer or template: permanent, and loud
        return _failed_attempt(message, exc, now, transient=False)
    if not message.message_id:
        message.message_id = message_id_for(message.purpose, message.pk)
        # Stored before the SMTP conversation: a resend after a crash has the same Message-ID.
        OutboxMessage.objects.filter(pk=message.pk, claim_token=message.claim_token).update(
            message_id=message.message_id)
    try:
        email = build_email(
            template=message.template, context={**message.context, **prepared.context},
            to=[message.recipient], message_id=message.message_id,
            attachments=prepared.attachments,
        )
    except Exception as exc:
        return _failed_attempt(message, exc, now, transient=False)
    mailer = mailers.default
    try:
        mailer.open()
        mailer.send_messages([email])
    except Exception as exc:
        _close_quietly(mailer)
        return _failed_attempt(message, exc, now, transient=is_transient(exc))
    # Recorded before the SMTP QUIT: a crash between the "250" and this UPDATE is the one way
    # to send twice, and the QUIT round trip would only widen that window.
    claims.finish(message, DeliveryState.SENT, sent_at=timezone.now(), last_error="",
                  retry_database_for=settings.OUTBOX_DB_RETRY_SECONDS)
    _close_quietly(mailer)
    return Outcome(DeliveryState.SENT)


def _prepare(message: OutboxMessage) -> Prepared:
    hook = _PREPARERS.get(message.purpose)
    if hook is None:
        return Prepared()
    return hook(message) or Prepared()


def _close_quietly(mailer) -> None:
    try:
        mailer.close()
    except Exception as exc:  # the message is already accepted (or already failed)
        logger.warning("Closing the SMTP connection failed: %r", exc)


def _failed_attempt(message: OutboxMessage, exc: BaseException, now: dt.datetime, *,
                    transient: bool) -> Outcome:
    error = f"attempt {message.attempts}: {exc!r}"[:2000]
    if transient and message.attempts < settings.OUTBOX_MAX_ATTEMPTS:
        retry_at = now + claims.backoff(message.attempts)
        claims.finish(message, DeliveryState.PENDING, due_at=retry_at, enqueued_at=None,
                      last_error=error)
        logger.warning("Outbox message %s (%s): transient error, retry at %s: %r", message.pk,
                       message.purpose, retry_at.isoformat(), exc)
        return Outcome(DeliveryState.PENDING, retry_at=retry_at, detail=repr(exc))
    claims.finish(message, DeliveryState.FAILED, last_error=error)
    logger.error("Outbox message %s (%s to %s) failed after %d attempt(s): %r", message.pk,
                 message.purpose, message.recipient, message.attempts, exc)
    return Outcome(DeliveryState.FAILED, detail=repr(exc))
