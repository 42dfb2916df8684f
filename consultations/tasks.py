"""Background work of consultations: change notices to partner contacts."""

import datetime as dt
import logging
import smtplib

from celery import shared_task
from django.utils import timezone

from consultations import notices
from consultations.models import ConsultationNotice
from consultations.notices import CLAIM_LEASE

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
TRANSIENT_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError,
                    smtplib.SMTPResponseException, ConnectionError, TimeoutError)


@shared_task(bind=True, max_retries=MAX_ATTEMPTS, acks_late=True)
def send_consultation_notice(self, notice_id: int) -> str:
    """Email one notice to the partner's contacts, with the event as it is now attached.

    Idempotent: the task proceeds only if it wins the claim (``pending`` → ``sending``), so a
    redelivered or doubly-queued task sends nothing twice. A transient SMTP or network error
    puts the row back to ``pending`` and retries with backoff; after ``MAX_ATTEMPTS`` the row is
    ``failed`` and logged at ERROR. Returns the final state, for tests and the worker log.
    """
    outcome = notices.notice_claim(notice_id)
    if outcome is None:
        return "skipped"
    try:
        notices.notice_send(outcome)
    except TRANSIENT_ERRORS as exc:
        if notices.notice_release(outcome, error=repr(exc), final=self.request.retries
                                  >= MAX_ATTEMPTS - 1):
            raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
        logger.error("Notice %s failed after %s attempts: %r", notice_id, MAX_ATTEMPTS, exc)
        return ConsultationNotice.State.FAILED
    return ConsultationNotice.State.SENT


@shared_task(acks_late=True)
def requeue_pending_notices() -> int:
    """Sweeper for the beat schedule: queue notices the broker never delivered.

    Picks ``pending`` rows older than a minute and ``sending`` rows whose lease expired; the
    claim in ``send_consultation_notice`` keeps a row that is queued twice from going out twice.
    """
    now = timezone.now()
    stale = ConsultationNotice.objects.filter(
        state=ConsultationNotice.State.PENDING, created_at__lt=now - dt.timedelta(minutes=1)
    ) | ConsultationNotice.objects.filter(
        state=ConsultationNotice.State.SENDING, claimed_at__lt=now - CLAIM_LEASE
    )
    ids = list(stale.values_list("pk", flat=True)[:500])
    for notice_id in ids:
        send_consultation_notice.delay(notice_id)
    return len(ids)
