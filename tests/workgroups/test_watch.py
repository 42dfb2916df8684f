"""Watchers get one email per status/progress change, even if the task runs twice."""

import pytest
from django.core import mail

from tests.workgroups.factories import MilestoneFactory
from workgroups.models import Milestone, Watch, WatchNotice
from workgroups.notifications import watch_notices_send
from workgroups.services import milestone_update

pytestmark = pytest.mark.django_db


def test_watchers_of_milestone_and_body_get_one_email_each(
        chair, delegate, delegate_b, partner, django_capture_on_commit_callbacks, monkeypatch):
    milestone = MilestoneFactory(published=False)
    Watch.objects.create(user=delegate, milestone=milestone)
    Watch.objects.create(user=delegate_b, body=milestone.body)
    Watch.objects.create(user=partner, body=milestone.body)  # cannot see an internal one
    Watch.objects.create(user=chair, milestone=milestone)  # the author is not told
    queued = []
    monkeypatch.setattr("workgroups.tasks.notify_watchers.delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        milestone_update(actor=chair, milestone_id=milestone.pk, expected_version=1,
                         changes={"status": "at_risk", "progress": 30},
                         comment="Ports not ready")
    (history_id,) = queued
    assert history_id == Milestone.history.get(history_type="~").history_id
    assert watch_notices_send(history_id=history_id) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["delegate.a@example.org",
                                                    "delegate.b@example.org"]
    message = mail.outbox[0]
    assert milestone.code in message.subject
    assert "Status: Not started -> At risk" in message.body
    assert "Ports not ready" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    # A redelivered task sends nothing more.
    assert watch_notices_send(history_id=history_id) == 0
    assert len(mail.outbox) == 2
    assert WatchNotice.objects.filter(state="sent").count() == 2


def test_date_only_changes_do_not_enqueue(chair, django_capture_on_commit_callbacks,
                                          monkeypatch):
    import datetime as dt

    milestone = MilestoneFactory()
    queued = []
    monkeypatch.setattr("workgroups.tasks.notify_watchers.delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        milestone_update(actor=chair, milestone_id=milestone.pk, expected_version=1,
                         changes={"due_date": dt.date(2027, 1, 1)}, comment="later")
    assert queued == []


def test_a_vanished_change_is_ignored(db):
    assert watch_notices_send(history_id=999999) == 0


def test_broker_down_keeps_the_edit_and_the_sweeper_requeues(
        chair, delegate, django_capture_on_commit_callbacks, monkeypatch):
    """Given Redis refuses the enqueue at commit time, the edit is saved anyway (no 500), the
    dispatch row stays pending, and the sweeper queues it again five minutes later; once
    sent, the row is done and the sweeper leaves it alone."""
    import datetime as dt

    from django.utils import timezone

    from workgroups.models import WatchDispatch
    from workgroups.notifications import watch_dispatches_requeue

    milestone = MilestoneFactory()
    Watch.objects.create(user=delegate, milestone=milestone)

    def broker_down(history_id):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr("workgroups.tasks.notify_watchers.delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        milestone_update(actor=chair, milestone_id=milestone.pk, expected_version=1,
                         changes={"progress": 50}, comment="saved while Redis is down")
    milestone.refresh_from_db()
    assert milestone.version == 2
    dispatch = WatchDispatch.objects.get()
    assert (dispatch.queued_at, dispatch.done_at) == (None, None)

    queued = []
    monkeypatch.setattr("workgroups.tasks.notify_watchers.delay", queued.append)
    assert watch_dispatches_requeue() == 0  # too early: the first attempt may still run
    later = timezone.now() + dt.timedelta(minutes=6)
    assert watch_dispatches_requeue(now=later) == 1
    assert queued == [dispatch.history_id]
    assert watch_notices_send(history_id=dispatch.history_id) == 1
    dispatch.refresh_from_db()
    assert dispatch.done_at is not None
    assert watch_dispatches_requeue(now=later) == 0
