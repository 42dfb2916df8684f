"""Emails of the record, all through the portal's one outbox (``secretariat.outbox``):

- **Papers posted, replaced or withdrawn** on a meeting go to the people expected there
  (nominated participants with an account, the body's focal points) who chose it on their
  profile: ``immediately`` (one email per paper), ``daily`` (one digest per day, the next
  morning between 08:00 and 09:00 in their administration's zone, working days) or ``none``.
  A paper reaches a person only if they may read it, checked when it is posted and again
  when the email is built; a withdrawal is told only to those who were sent a notice of the
  paper and are still cleared for it as it stands when the email is built.
- **Overdue action items** are reminded once to their owner (``records.reminders``).

This module decides who, what and when; the outbox decides how.
"""

import datetime as dt
import zoneinfo

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from meetings.models import Document
from meetings.records.models import (
    ActionItem,
    ActionStatus,
    NoticeMode,
    NoticePreference,
    PaperDigest,
    PaperEvent,
)
from secretariat import outbox
from secretariat.working_hours import WorkingWindow, window_for
from workgroups.models import FocalPoint

NOTICE_PURPOSE = "records.paper_notice"
DIGEST_PURPOSE = "records.papers_digest"
OVERDUE_PURPOSE = "records.action_overdue"
DIGEST_OPENS, DIGEST_CLOSES = dt.time(8, 0), dt.time(9, 0)


def digest_window(user) -> WorkingWindow:
    """The person's morning: 08:00-09:00 on working days of their administration (its zone
    and national holidays); without an administration, their own zone."""
    profile = getattr(user, "profile", None)
    if profile is not None and profile.administration_id:
        return window_for(profile.administration, opens=DIGEST_OPENS, closes=DIGEST_CLOSES)
    zone = profile.effective_time_zone if profile else "Asia/Jakarta"
    return WorkingWindow(time_zone=zone, opens=DIGEST_OPENS, closes=DIGEST_CLOSES)


def expected_people(meeting) -> list:
    """Accounts expected at ``meeting``: participants of its submitted nominations and the
    body's focal points."""
    from meetings.records.services import nominated_members  # services imports this module

    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    participant_ids = nominated_members(meeting.pk).filter(
        user__isnull=False).values("user_id")
    focal_ids = FocalPoint.objects.filter(
        body_id=meeting.body_id, contact__user__isnull=False).values("contact__user_id")
    return list(
        users.filter(pk__in=participant_ids).union(users.filter(pk__in=focal_ids))
    )


def _may_read(user, document) -> bool:
    return Document.objects.visible_to(user).filter(pk=document.pk).exists()


def _told_of(document) -> set[int]:
    """Who was told of ``document`` already (digests and immediate notices)."""
    from secretariat.models import OutboxMessage

    told = set(PaperDigest.objects.filter(events__document=document)
               .values_list("user_id", flat=True))
    event_ids = list(PaperEvent.objects.filter(document=document).values_list("pk", flat=True))
    told |= set(OutboxMessage.objects.filter(
        purpose=NOTICE_PURPOSE, object_id__in=event_ids, user__isnull=False,
    ).values_list("user_id", flat=True))
    return told


def paper_changed(document, kind: str, version_number: int | None = None) -> None:
    """The paper listener (``meetings.events``): record the event and plan the notices, in
    the paper's own transaction."""
    if document.meeting_id is None:
        return
    meeting = document.meeting
    now = timezone.now()
    event = PaperEvent.objects.create(document=document, meeting=meeting, kind=kind,
                                      version_number=version_number, at=now)
    people = get_user_model().objects.filter(
        pk__in=[u.pk for u in expected_people(meeting)]
    ).select_related("profile__administration")
    preferences = {p.user_id: p for p in NoticePreference.objects.filter(
        user__in=people).prefetch_related("bodies")}
    told = _told_of(document) if kind == PaperEvent.Kind.WITHDRAWN else set()
    for user in people:
        preference = preferences.get(user.pk)
        mode = preference.mode if preference else NoticeMode.DAILY
        if mode == NoticeMode.NONE:
            continue
        if preference and preference.bodies.all() and meeting.body_id not in {
                b.pk for b in preference.bodies.all()}:
            continue
        if kind == PaperEvent.Kind.WITHDRAWN:
            if user.pk not in told:
                continue
        elif not _may_read(user, document):
            continue
        if mode == NoticeMode.IMMEDIATELY:
            outbox.queue_email(
                purpose=NOTICE_PURPOSE, obj=event, recipient=user.email, user=user,
                template="emails/paper_notice", context={"event_id": event.pk})
        else:
            _add_to_digest(user, event, now)


def _add_to_digest(user, event: PaperEvent, now: dt.datetime) -> None:
    window = digest_window(user)
    day = now.astimezone(window.tz).date()
    digest, _ = PaperDigest.objects.get_or_create(user=user, day=day)
    digest.events.add(event)
    morning = dt.datetime.combine(day + dt.timedelta(days=1), DIGEST_OPENS,
                                  tzinfo=zoneinfo.ZoneInfo(window.time_zone))
    # Idempotent per (digest, recipient): the second and third paper of the day join the
    # same row; the email is built at send time from what the person may read then.
    outbox.queue_email(
        purpose=DIGEST_PURPOSE, obj=digest, recipient=user.email, user=user,
        template="emails/papers_digest", context={"day": day.isoformat()},
        not_before=morning, window=window)


def _entry(event: PaperEvent) -> dict:
    from django.conf import settings

    document = event.document
    return {
        "title": document.title, "kind": event.get_kind_display(),
        "meeting": event.meeting.display_title,
        "version": event.version_number or "",
        "url": settings.PORTAL_BASE_URL + reverse("meetings:document", args=[document.pk])
        if event.kind != PaperEvent.Kind.WITHDRAWN else "",
    }


def readable_events(user, events) -> list[PaperEvent]:
    """The events ``user`` may be told of now, decided when the email is built (a paper may
    have been made stricter, embargoed or withdrawn since the notice was queued):

    - a posting or a new version: only of a paper the person may read now (a withdrawn paper
      is readable by nobody, so a posting withdrawn meanwhile is not announced);
    - a withdrawal: only of a paper the person would still be cleared for as it stands now,
      and only if a notice of it was actually *sent* to them before (an unsent digest or a
      cancelled notice told them nothing; naming the paper would reveal it).

    One query, four with withdrawals, whatever the number of events.
    """
    events = list(events)
    readable = set(Document.objects.visible_to(user).filter(
        pk__in={e.document_id for e in events}).values_list("pk", flat=True))
    withdrawn = {e.document_id for e in events if e.kind == PaperEvent.Kind.WITHDRAWN}
    told: set[int] = set()
    if withdrawn:
        cleared = set(Document.objects.visible_to(user, include_withdrawn=True).filter(
            pk__in=withdrawn).values_list("pk", flat=True))
        told = _sent_notice_of(user, cleared) if cleared else set()
    return [e for e in events
            if (e.document_id in told if e.kind == PaperEvent.Kind.WITHDRAWN
                else e.document_id in readable)]


def _sent_notice_of(user, document_ids: set[int]) -> set[int]:
    """Which of ``document_ids`` ``user`` was sent a notice of (immediate or in a digest)."""
    from django.contrib.contenttypes.models import ContentType

    from secretariat.models import DeliveryState, OutboxMessage

    sent = OutboxMessage.objects.filter(user=user, state=DeliveryState.SENT)
    notices = sent.filter(purpose=NOTICE_PURPOSE,
                          content_type=ContentType.objects.get_for_model(PaperEvent))
    digests = sent.filter(purpose=DIGEST_PURPOSE,
                          content_type=ContentType.objects.get_for_model(PaperDigest))
    announced = PaperEvent.objects.filter(document_id__in=document_ids).exclude(
        kind=PaperEvent.Kind.WITHDRAWN)
    told = set(announced.filter(pk__in=notices.values("object_id"))
               .values_list("document_id", flat=True))
    return told | set(announced.filter(digests__in=digests.values("object_id"))
                      .values_list("document_id", flat=True))


@outbox.preparer(DIGEST_PURPOSE)
def prepare_digest(message) -> outbox.Prepared:
    digest = message.subject_object
    if digest is None or message.user is None or not message.user.is_active:
        raise outbox.Cancel("The digest or its reader is gone.")
    events = digest.events.select_related("document", "meeting__body").order_by("at", "pk")
    entries = [_entry(e) for e in readable_events(message.user, events)]
    if not entries:
        raise outbox.Cancel("Nothing in this digest that the person may read now.")
    return outbox.Prepared(context={
        "entries": entries, "count": len(entries), "name": message.user.get_full_name()})


@outbox.preparer(NOTICE_PURPOSE)
def prepare_notice(message) -> outbox.Prepared:
    event = message.subject_object
    if event is None or message.user is None or not message.user.is_active:
        raise outbox.Cancel("The paper or its reader is gone.")
    if not readable_events(message.user, [event]):
        raise outbox.Cancel("The person may not read this paper now.")
    return outbox.Prepared(context={"entry": _entry(event),
                                    "name": message.user.get_full_name()})


@outbox.preparer(OVERDUE_PURPOSE)
def prepare_overdue(message) -> outbox.Prepared:
    item = message.subject_object
    if item is None or item.status != ActionStatus.OPEN:
        raise outbox.Cancel("The action item is closed.")
    user = message.user
    if user is None or not ActionItem.objects.owned_by(user).filter(pk=item.pk).exists():
        raise outbox.Cancel("The person no longer answers for this action item.")
    from django.conf import settings

    item = ActionItem.objects.select_related("meeting__body", "owner_body",
                                             "owner_administration").get(pk=item.pk)
    return outbox.Prepared(context={
        "text": item.text, "owner": item.owner_label, "meeting": item.meeting.display_title,
        "due": item.due_date.strftime("%d %B %Y"), "name": user.get_full_name(),
        "url": settings.PORTAL_BASE_URL + reverse("records:record", args=[item.meeting_id])
        + "#actions",
    })
