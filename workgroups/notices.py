"""Change emails for watchers of a milestone or of its body, through the outbox.

A status or progress change records a job (``workgroups.notify_watchers``) in the transaction
of the change; the job queues one outbox message per watcher who may see the milestone, and
at send time the preparer checks that again (a plan unpublished in between stops the email).
Who may see it is decided by ``selectors.milestones_visible_to``, the rule of the pages.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse

from secretariat import jobs, outbox
from workgroups.models import Milestone
from workgroups.selectors import milestones_visible_to
from workgroups.services import history_summaries

PURPOSE = "workgroups.milestone_changed"
EMAIL = "emails/milestone_changed"
JOB = "workgroups.notify_watchers"


def _watchers(milestone: Milestone, exclude_user_id: int | None):
    users = get_user_model().objects.filter(
        Q(workgroup_watches__milestone=milestone) | Q(workgroup_watches__body=milestone.body_id),
        is_active=True,
    ).exclude(email="").select_related("profile").distinct()
    if exclude_user_id:
        users = users.exclude(pk=exclude_user_id)
    return users


def may_see(user, milestone_id: int) -> bool:
    return milestones_visible_to(user).filter(pk=milestone_id).exists()


@jobs.job(JOB)
def notify_watchers(*, history_id: int) -> int:
    """Queue one email per watcher allowed to see the milestone, for one recorded change.

    Idempotent: the outbox's unique key (purpose, change, recipient) makes a second run queue
    nothing. The author of the change is not told. Returns how many were queued now.
    """
    record = Milestone.history.filter(history_id=history_id).first()
    if record is None:
        return 0
    milestone = Milestone.objects.filter(pk=record.id).select_related("body").first()
    if milestone is None:
        return 0
    queued = 0
    for user in _watchers(milestone, record.history_user_id):
        if not may_see(user, milestone.pk):
            continue
        _message, created = outbox.queue_email(
            purpose=PURPOSE, obj=record, recipient=user.email, user=user, template=EMAIL,
        )
        queued += created
    return queued


@outbox.preparer(PURPOSE)
def prepare_change_notice(message) -> outbox.Prepared:
    """The change as recorded, and the milestone as it is now; cancelled if the recipient
    may no longer see it (plan or milestone unpublished, role changed) or it is gone."""
    record = (Milestone.history.filter(history_id=message.object_id)
              .select_related("history_user").first())
    user = message.user
    if record is None or user is None or not user.is_active:
        raise outbox.Cancel("Not sent: the change or the watcher is gone.")
    if not may_see(user, record.id):
        raise outbox.Cancel("Not sent: the watcher may not see this milestone.")
    milestone = Milestone.objects.select_related("body").get(pk=record.id)
    pair = Milestone.history.filter(
        id=record.id, version__in=[record.version - 1, record.version]
    ).select_related("history_user")
    summary = next(s for s in history_summaries(list(pair)) if s.history_id == record.history_id)
    url = settings.PORTAL_BASE_URL + reverse("workgroups:milestone", args=[milestone.pk])
    # The watcher's own time zone (issue 13: not UTC).
    zone = getattr(getattr(user, "profile", None), "effective_time_zone", None) or \
        settings.PORTAL_DEFAULT_TIME_ZONE
    return outbox.Prepared(context={"user": user, "milestone": milestone, "change": summary,
                                    "url": url, "zone": zone})
