"""Change notices to a partner's contacts, through the outbox (one message per contact).

``consultation_update`` records a ``ConsultationNotice`` (what changed, at which SEQUENCE) and,
in the same transaction, queues one outbox message per contact of the partner who receives
notices. At send time the preparer attaches the event as it is then (.ics) and cancels the
message if the contact may no longer know of the consultation (the consultation rule,
``Consultation.objects.visible_to``) or no longer wants notices.
"""

from django.conf import settings

from consultations import ical
from consultations.models import Consultation, ConsultationNotice, PartnerContact
from secretariat import outbox
from secretariat.emails import Attachment

PURPOSE = "consultations.notice"
EMAIL = "emails/consultation_changed"


def contacts_for(consultation: Consultation):
    """The partner's contacts who receive notices (one query)."""
    return PartnerContact.objects.filter(
        partner_id=consultation.series.partner_id, receives_notices=True
    ).select_related("user").order_by("email")


def may_know(contact: PartnerContact, consultation: Consultation) -> bool:
    """The consultation rule for a contact: through its account when it has one, else as a
    member of its partner organisation (a partner knows all of its own consultations)."""
    if contact.user_id:
        return Consultation.objects.visible_to(contact.user).filter(pk=consultation.pk).exists()
    return contact.partner_id == consultation.series.partner_id


def notices_queue(notice: ConsultationNotice) -> int:
    """Queue one message per contact for ``notice``; call inside the change's transaction."""
    consultation = notice.consultation
    queued = 0
    for contact in contacts_for(consultation):
        if not may_know(contact, consultation):
            continue
        outbox.queue_email(purpose=PURPOSE, obj=notice, recipient=contact.email,
                           user=contact.user, template=EMAIL)
        queued += 1
    return queued


@outbox.preparer(PURPOSE)
def prepare_notice(message) -> outbox.Prepared:
    notice = (ConsultationNotice.objects
              .select_related("consultation__series__partner", "consultation__meeting__body")
              .filter(pk=message.object_id).first())
    if notice is None:
        raise outbox.Cancel("Not sent: the consultation is gone.")
    consultation = notice.consultation
    contact = PartnerContact.objects.filter(
        partner_id=consultation.series.partner_id, email__iexact=message.recipient,
        receives_notices=True).select_related("user").first()
    if contact is None or not may_know(contact, consultation):
        raise outbox.Cancel("Not sent: the contact no longer receives notices of it.")
    calendar = ical.calendar_for(
        [consultation], name=consultation.title, feed_id=f"consultation-{consultation.uid}"
    )
    return outbox.Prepared(
        context={
            "consultation": consultation,
            "change": notice.get_change_display().lower(),
            "change_code": notice.change,
            "url": f"{settings.PORTAL_BASE_URL}{consultation.get_absolute_url()}",
        },
        attachments=[Attachment("consultation.ics", calendar,
                                "text/calendar; method=PUBLISH; charset=UTF-8")],
    )
