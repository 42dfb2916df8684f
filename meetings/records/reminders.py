"""Overdue action items, reminded once to their owner at the owner's local working hour.

The planner (beat, every 15 minutes) finds the open items whose due date has passed in the
owner's zone and queues one outbox email per owner person with the owner's working window
(``secretariat.working_hours``: 09:00-17:00 on working days, national holidays excepted).
The outbox key ``(purpose, item, recipient)`` makes the reminder once-only however often
the planner runs; closing the item cancels what is still pending, and the preparer checks
again at send time.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from meetings.records.models import ActionItem, OwnerKind
from meetings.records.notices import OVERDUE_PURPOSE
from secretariat import outbox
from secretariat.models import Role
from secretariat.working_hours import WorkingWindow, window_for
from workgroups.access import term_day
from workgroups.models import BodyChairTerm, ChairRole

# The secretariat sits in Jakarta: its working window is Indonesia's.
SECRETARIAT_COUNTRY = "ID"


def _owners(item: ActionItem, day: dt.date):
    """(administration or None, users) answering for ``item`` on ``day``."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="").select_related(
        "profile__administration")
    if item.owner_kind == OwnerKind.SECRETARIAT:
        return None, list(users.filter(profile__role=Role.SECRETARIAT))
    if item.owner_kind == OwnerKind.ADMINISTRATION:
        administration = item.owner_administration
    else:
        term = (BodyChairTerm.objects.current_on(day)
                .filter(body_id=item.owner_body_id, role=ChairRole.CHAIR)
                .select_related("administration").first())
        if term is None:
            return None, []
        administration = term.administration
    return administration, list(users.filter(
        profile__administration=administration, profile__role__in=[Role.CHAIR, Role.DELEGATE]))


def _window(administration) -> WorkingWindow:
    if administration is None:
        return WorkingWindow(time_zone=settings.PORTAL_DEFAULT_TIME_ZONE,
                             country=SECRETARIAT_COUNTRY)
    return window_for(administration)


def action_reminders_plan(*, now: dt.datetime | None = None) -> int:
    """Queue the reminders of overdue open items; returns how many were new. Idempotent."""
    now = now or timezone.now()
    day = term_day(now)
    # Earliest zone in ASEAN is +09:00: nothing is overdue anywhere before this.
    horizon = (now + dt.timedelta(hours=9)).date()
    queued = 0
    candidates = ActionItem.objects.open().filter(due_date__lt=horizon).select_related(
        "owner_administration", "owner_body", "meeting__body")
    for item in candidates:
        administration, people = _owners(item, day)
        window = _window(administration)
        if not item.due_date < now.astimezone(window.tz).date():
            continue  # not yet overdue in the owner's own zone
        for user in people:
            if not ActionItem.objects.owned_by(user, now).filter(pk=item.pk).exists():
                continue  # the one rule of "my action items" decides, visibility included
            _message, created = outbox.queue_email(
                purpose=OVERDUE_PURPOSE, obj=item, recipient=user.email, user=user,
                template="emails/action_overdue", context={"item_id": item.pk},
                window=window)
            queued += created
    return queued
