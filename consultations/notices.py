"""Change notices: claim a row, build the email (template triplet + .ics), send, record."""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from consultations import ical
from consultations.models import Consultation, ConsultationNotice, PartnerContact

logger = logging.getLogger(__name__)
EMAIL = "emails/consultation_changed"
# A claimed notice whose worker died is offered again after this long.
CLAIM_LEASE = dt.timedelta(minutes=10)


def notice_claim(notice_id: int) -> ConsultationNotice | None:
    """Take the notice for sending; None if someone else has it or it is already final.

    One conditional UPDATE: of two workers holding the same id, exactly one changes the row.
    """
    now = timezone.now()
    claimable = Q(state=ConsultationNotice.State.PENDING) | Q(
        state=ConsultationNotice.State.SENDING, claimed_at__lt=now - CLAIM_LEASE
    )
    won = ConsultationNotice.objects.filter(claimable, pk=notice_id).update(
        state=ConsultationNotice.State.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not won:
        return None
    return ConsultationNotice.objects.select_related(
        "consultation__series__partner", "consultation__meeting__body"
    ).get(pk=notice_id)


def notice_release(notice: ConsultationNotice, *, error: str, final: bool) -> bool:
    """After a failed send: back to pending (True, retry) or failed for good (False)."""
    state = ConsultationNotice.State.FAILED if final else ConsultationNotice.State.PENDING
    ConsultationNotice.objects.filter(pk=notice.pk).update(state=state, last_error=error[:2000])
    return not final


def recipients_for(consultation: Consultation) -> list[str]:
    emails = PartnerContact.objects.filter(
        partner_id=consultation.series.partner_id, receives_notices=True
    ).values_list("email", flat=True)
    return sorted({e.strip().lower() for e in emails if e})


def build_message(notice: ConsultationNotice, to: list[str]) -> EmailMultiAlternatives:
    consultation = notice.consultation
    context = {
        "consultation": consultation,
        "change": notice.get_change_display().lower(),
        "change_code": notice.change,
        "url": f"{settings.PORTAL_BASE_URL}{consultation.get_absolute_url()}",
    }
    subject = " ".join(render_to_string(f"{EMAIL}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{EMAIL}.txt", context),
        to=to,
        # Fixed per notice: a resend after a crash is recognisably the same message.
        headers={"Message-ID": f"<consultation-notice-{notice.pk}@asean-customs-portal>"},
    )
    message.attach_alternative(render_to_string(f"{EMAIL}.html", context), "text/html")
    calendar = ical.calendar_for(
        [consultation], name=consultation.title, feed_id=f"consultation-{consultation.uid}"
    )
    message.attach("consultation.ics", calendar, "text/calendar; method=PUBLISH; charset=UTF-8")
    return message


def notice_send(notice: ConsultationNotice) -> None:
    """Send a claimed notice and mark it sent. SMTP errors propagate to the task."""
    to = recipients_for(notice.consultation)
    if to:
        message = build_message(notice, to)
        message.send()
        message_id = message.extra_headers["Message-ID"]
    else:
        logger.info("No contacts to notify for %s", notice.consultation)
        message_id = ""
    ConsultationNotice.objects.filter(pk=notice.pk).update(
        state=ConsultationNotice.State.SENT, sent_at=timezone.now(),
        recipients="\n".join(to), message_id=message_id, last_error="",
    )
