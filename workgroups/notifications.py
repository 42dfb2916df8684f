"""Change emails for watchers, built from the template triplet ``milestone_changed``."""

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from workgroups.access import sees_unpublished
from workgroups.models import Milestone, WatchDispatch, WatchNotice
from workgroups.services import history_summaries

logger = logging.getLogger(__name__)


def _watchers(milestone: Milestone, exclude_user_id: int | None):
    users = get_user_model().objects.filter(
        Q(workgroup_watches__milestone=milestone) | Q(workgroup_watches__body=milestone.body_id),
        is_active=True,
    ).exclude(email="").select_related("profile").distinct()
    if exclude_user_id:
        users = users.exclude(pk=exclude_user_id)
    return users


def watch_notices_send(*, history_id: int) -> int:
    """Send one email per watcher for one recorded change; returns how many were sent.

    Claim before send: a ``WatchNotice`` row (unique per watcher and change) is created in its
    own transaction before the email goes out, so a rerun never sends twice; a failed send is
    marked ``failed`` for the admin to see.
    """
    record = (
        Milestone.history.filter(history_id=history_id).select_related("history_user").first()
    )
    if record is None:
        WatchDispatch.objects.filter(history_id=history_id).update(done_at=timezone.now())
        return 0
    milestone = Milestone.objects.filter(pk=record.id).select_related("body").first()
    if milestone is None:
        return 0
    pair = Milestone.history.filter(
        id=record.id, version__in=[record.version - 1, record.version]
    ).select_related("history_user")
    summary = next(s for s in history_summaries(list(pair)) if s.history_id == history_id)
    url = settings.PORTAL_BASE_URL + reverse("workgroups:milestone", args=[milestone.pk])
    sent = 0
    for user in _watchers(milestone, record.history_user_id):
        if not milestone.published and not sees_unpublished(user):
            continue
        try:
            with transaction.atomic():
                notice = WatchNotice.objects.create(
                    user=user, milestone=milestone, history_id=history_id
                )
        except IntegrityError:
            continue
        context = {"user": user, "milestone": milestone, "change": summary, "url": url}
        subject = render_to_string("emails/milestone_changed_subject.txt", context).strip()
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("emails/milestone_changed.txt", context),
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string("emails/milestone_changed.html", context), "text/html"
        )
        try:
            message.send()
        except OSError as exc:
            logger.error("watch notice %s failed: %s", notice.pk, exc)
            WatchNotice.objects.filter(pk=notice.pk).update(
                state=WatchNotice.State.FAILED, last_error=str(exc)[:300]
            )
            continue
        WatchNotice.objects.filter(pk=notice.pk).update(
            state=WatchNotice.State.SENT, sent_at=timezone.now()
        )
        sent += 1
    WatchDispatch.objects.filter(history_id=history_id, done_at__isnull=True).update(
        done_at=timezone.now())
    return sent


PENDING_GRACE = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 20


def watch_dispatches_requeue(*, now: dt.datetime | None = None) -> int:
    """Queue again the change notices still pending after ``PENDING_GRACE``.

    Sending is idempotent (``WatchNotice`` ledger), so queueing a notice whose task is in
    fact still running costs one wasted task, never a duplicate email.
    """
    from workgroups.tasks import notify_watchers

    now = now or timezone.now()
    pending = WatchDispatch.objects.filter(
        done_at__isnull=True, created_at__lt=now - PENDING_GRACE, attempts__lt=MAX_ATTEMPTS
    ).order_by("created_at")[:500]
    queued = 0
    for dispatch in pending:
        WatchDispatch.objects.filter(pk=dispatch.pk).update(
            attempts=dispatch.attempts + 1, queued_at=now)
        try:
            notify_watchers.delay(dispatch.history_id)
        except Exception:  # the broker is still down: try again on the next beat
            logger.exception("could not re-queue watch notices for change %s",
                             dispatch.history_id)
            break
        queued += 1
    return queued
