"""Emails of the bilateral scheduler, through the portal's outbox (``secretariat.outbox``).

This module decides who hears of what; the outbox decides how (after commit, claimed, retried,
once per recipient). A request goes to the invited side; an answer (another slot, acceptance,
a refusal) to the side that made the last proposal; a cancellation to both sides.

Who a side is, by email: for a delegation, its head's account if linked, else the head of the
administration as the secretariat recorded them; for a partner, the accounts of that partner.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.formats import time_format

from secretariat import outbox
from secretariat.models import Contact

TEMPLATE = "emails/notice"


def _delegation_addresses(delegation) -> list[tuple[str, object]]:
    from meetings.models import DelegationMember

    head = (DelegationMember.objects.select_related("user")
            .filter(delegation=delegation, role=DelegationMember.Role.HEAD).first())
    if head is not None and head.user is not None and head.user.is_active and head.user.email:
        return [(head.user.email, head.user)]
    contact = Contact.objects.filter(administration_id=delegation.administration_id,
                                     is_head=True).exclude(email="").first()
    return [(contact.email, contact.user)] if contact else []


def _partner_addresses(partner_id: int) -> list[tuple[str, object]]:
    users = get_user_model().objects.filter(
        profile__partner_id=partner_id, is_active=True).exclude(email="")
    return [(u.email, u) for u in users.order_by("pk")]


def _side(bilateral, side: str) -> list[tuple[str, object]]:
    if side == "requester":
        return _delegation_addresses(bilateral.requester)
    if bilateral.invitee_partner_id:
        return _partner_addresses(bilateral.invitee_partner_id)
    return _delegation_addresses(bilateral.invitee_delegation)


def _when(bilateral, starts_at, ends_at) -> str:
    tz = bilateral.meeting.zoneinfo
    s, e = starts_at.astimezone(tz), ends_at.astimezone(tz)
    place = bilateral.meeting.city or "venue"
    return f"{s:%A %d %B %Y}, {time_format(s, 'H:i')}-{time_format(e, 'H:i')} ({place} time)"


def _queue(purpose: str, obj, bilateral, recipients, *, subject: str, body: str) -> None:
    url = f"{reverse('bilaterals:grid', args=[bilateral.meeting_id])}"
    for address, user in recipients:
        outbox.queue_email(
            purpose=purpose, obj=obj, recipient=address, user=user, template=TEMPLATE,
            context={"subject": subject, "body": body, "url_path": url,
                     "url_label": "Answer in the portal"},
        )


def bilateral_requested(bilateral) -> None:
    slots = "\n".join(f"- {_when(bilateral, p.starts_at, p.ends_at)}"
                      for p in bilateral.proposals.order_by("starts_at"))
    _queue(
        "bilaterals.requested", bilateral, bilateral, _side(bilateral, "invitee"),
        subject=f"Request: {bilateral.title} at the {bilateral.meeting.display_title}",
        body=(f"{bilateral.requester.administration.country} asks for a bilateral meeting "
              f"beside the {bilateral.meeting.display_title}.\nTopic: {bilateral.topic}\n"
              f"Preferred slots:\n{slots}\n\nAccept one, decline or propose another slot."),
    )


def bilateral_answered(bilateral, *, actor_side: str | None) -> None:
    """Tell the other side what ``actor_side`` did (None: a cancellation, tell both)."""
    from meetings.bilaterals.models import Bilateral

    status = bilateral.status
    others = ["requester", "invitee"] if actor_side is None else [
        "invitee" if actor_side == "requester" else "requester"]
    recipients = [r for side in others for r in _side(bilateral, side)]
    title = f"{bilateral.title} at the {bilateral.meeting.display_title}"
    if status == Bilateral.Status.PROPOSED:
        latest = bilateral.proposals.order_by("-created_at", "-pk").first()
        _queue("bilaterals.proposed", latest, bilateral, recipients,
               subject=f"Other slot proposed: {title}",
               body=f"The other side proposes {_when(bilateral, latest.starts_at, latest.ends_at)}"
                    f" instead.\nTopic: {bilateral.topic}")
    elif status == Bilateral.Status.ACCEPTED:
        _queue("bilaterals.accepted", bilateral, bilateral, recipients,
               subject=f"Scheduled: {title}",
               body=f"{_when(bilateral, bilateral.starts_at, bilateral.ends_at)}, "
                    f"{bilateral.room.name}.\nTopic: {bilateral.topic}")
    elif status == Bilateral.Status.DECLINED:
        _queue("bilaterals.declined", bilateral, bilateral, recipients,
               subject=f"Declined: {title}", body=f"Topic: {bilateral.topic}")
    elif status == Bilateral.Status.CANCELLED:
        _queue("bilaterals.cancelled", bilateral, bilateral, recipients,
               subject=f"Cancelled: {title}", body=f"Topic: {bilateral.topic}")
    if status not in (Bilateral.Status.REQUESTED, Bilateral.Status.PROPOSED):
        # An answer makes the earlier, still unsent requests pointless.
        outbox.cancel(purpose="bilaterals.requested", obj=bilateral,
                      reason="The bilateral was answered before this request went out.")


@outbox.preparer("bilaterals.requested")
def _prepare_request(message) -> outbox.Prepared:
    from meetings.bilaterals.models import Bilateral

    bilateral = message.subject_object
    if bilateral is None or bilateral.status not in (
        Bilateral.Status.REQUESTED, Bilateral.Status.PROPOSED
    ):
        raise outbox.Cancel("The request was answered or withdrawn before it went out.")
    return _absolute_url(message)


def _absolute_url(message) -> outbox.Prepared:
    from django.conf import settings

    return outbox.Prepared(context={
        "url": f"{settings.PORTAL_BASE_URL}{message.context.get('url_path', '')}"})


for _purpose in ("bilaterals.proposed", "bilaterals.accepted", "bilaterals.declined",
                 "bilaterals.cancelled"):
    outbox.preparer(_purpose)(_absolute_url)
