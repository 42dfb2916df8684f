"""The one email builder: a template triplet and a context become a message.

A template name ``emails/reminder`` means three files: ``templates/emails/reminder_subject.txt``
(one line; whitespace is collapsed), ``reminder.txt`` (the plain-text body) and
``reminder.html`` (the HTML alternative). Every email of the portal is built here, so every one
carries a stable Message-ID (a resend after a crash is recognisably the same message), the
portal's From address and the same headers.

Features do not call this directly for scheduled or transactional mail: they call
``secretariat.outbox.queue_email``, which stores the intent and builds the message at send
time through ``build_email``. Calling it directly is fine for previews and tests.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

MESSAGE_ID_DOMAIN_DEFAULT = "asean-customs-portal"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str | bytes
    mimetype: str


def message_id_for(kind: str, pk: int) -> str:
    """A Message-ID that depends only on what the message is: ``<reporting.reminder-42@…>``."""
    domain = getattr(settings, "OUTBOX_MESSAGE_ID_DOMAIN", MESSAGE_ID_DOMAIN_DEFAULT)
    safe = re.sub(r"[^A-Za-z0-9.\-]", "-", kind)
    return f"<{safe}-{pk}@{domain}>"


def sender() -> str:
    """``DEFAULT_FROM_EMAIL``'s address under the sender name from settings (issue 13):
    “ASEAN Customs Secretariat <secretariat@…>”."""
    from email.utils import formataddr, parseaddr

    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((settings.EMAIL_SENDER_NAME, address))


def render_subject(template: str, context: dict) -> str:
    return " ".join(render_to_string(f"{template}_subject.txt", context).split())


def build_email(*, template: str, context: dict, to: list[str], message_id: str,
                cc: list[str] | None = None, attachments: list[Attachment] | tuple = (),
                headers: dict[str, str] | None = None) -> EmailMultiAlternatives:
    """The message for ``template`` rendered with ``context``, ready for a mailer.

    ``context`` gets ``portal_base_url`` so links in emails point at the portal actually
    served. Raises ``TemplateDoesNotExist`` if one of the three files is missing.
    """
    context = {"portal_base_url": settings.PORTAL_BASE_URL,
               "email_signature": settings.EMAIL_SIGNATURE, **context}
    message = EmailMultiAlternatives(
        subject=render_subject(template, context),
        body=render_to_string(f"{template}.txt", context),
        from_email=sender(),
        to=to, cc=cc or [],
        headers={"Message-ID": message_id, "Auto-Submitted": "auto-generated",
                 **(headers or {})},
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    for item in attachments:
        message.attach(item.filename, item.content, item.mimetype)
    return message
