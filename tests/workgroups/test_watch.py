"""Watchers get one email per status/progress change, decided by the pages' visibility rule,
even if the job runs twice or the broker is down when the change is saved."""

import datetime as dt

import pytest
from django.core import mail

from secretariat import jobs, outbox
from secretariat.models import Job, OutboxMessage
from secretariat.tasks import run_job, send_message
from tests.factories import UserFactory
from tests.workgroups.factories import ActionLineFactory, GoalFactory, MilestoneFactory, PlanFactory
from workgroups import notices
from workgroups.models import Milestone, Watch
from workgroups.services import milestone_update

pytestmark = pytest.mark.django_db


def _send_all() -> list[str]:
    """Run the pending jobs, then deliver the pending messages, as a worker would."""
    for job in Job.objects.filter(state="pending"):
        jobs.run(job.pk)
    return [outbox.deliver(m.pk).state
            for m in OutboxMessage.objects.filter(state="pending").order_by("recipient")]


def _change(actor, milestone, **changes):
    milestone_update(actor=actor, milestone_id=milestone.pk, expected_version=milestone.version,
                     changes=changes or {"status": "at_risk", "progress": 30},
                     comment="Ports not ready")


def test_watchers_of_milestone_and_body_get_one_email_each(chair, delegate, delegate_b,
                                                           partner):
    milestone = MilestoneFactory(published=False)
    Watch.objects.create(user=delegate, milestone=milestone)
    Watch.objects.create(user=delegate_b, body=milestone.body)
    Watch.objects.create(user=partner, body=milestone.body)  # cannot see an internal one
    Watch.objects.create(user=chair, milestone=milestone)  # the author is not told

    _change(chair, milestone)
    job = Job.objects.get()
    assert job.kwargs == {"history_id": Milestone.history.get(history_type="~").history_id}

    assert _send_all() == ["sent", "sent"]
    assert sorted(m.to[0] for m in mail.outbox) == ["delegate.a@example.org",
                                                    "delegate.b@example.org"]
    message = mail.outbox[0]
    assert milestone.code in message.subject
    assert "Status: Not started -> At risk" in message.body
    assert "Ports not ready" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    # The job run again (a redelivery) queues nothing more; nothing more is sent.
    assert notices.notify_watchers(history_id=job.kwargs["history_id"]) == 0
    assert _send_all() == []
    assert len(mail.outbox) == 2


def test_unpublished_plan_is_never_announced_to_a_partner(chair, delegate, partner):
    """Given a published milestone in an UNPUBLISHED plan (its page answers 404 to partners
    and the public), watched by a partner, a delegate and a logged-in account with no role
    (sees only the public pages), when its status changes,
    then only the delegate is emailed: the others are never even queued."""
    plan = PlanFactory(title="SPCD 2031-2035 (draft)", start_year=2031, end_year=2035,
                       published=False)
    line = ActionLineFactory(goal=GoalFactory(plan=plan, code="G9"), code="G9.1")
    milestone = MilestoneFactory(action_line=line, published=True)
    public_only = UserFactory(username="public.reader")
    for user in (partner, delegate, public_only):
        Watch.objects.create(user=user, milestone=milestone)

    _change(chair, milestone)

    assert _send_all() == ["sent"]
    assert [m.to for m in mail.outbox] == [["delegate.a@example.org"]]
    assert list(OutboxMessage.objects.values_list("recipient", flat=True)) == [
        "delegate.a@example.org"]


def test_unpublished_between_queueing_and_sending_is_cancelled(chair, partner, delegate):
    """The preparer applies the same rule at send time: a plan unpublished after the notice
    was queued stops the partner's email."""
    milestone = MilestoneFactory(published=True)
    Watch.objects.create(user=partner, milestone=milestone)
    Watch.objects.create(user=delegate, milestone=milestone)
    _change(chair, milestone)
    jobs.run(Job.objects.get().pk)
    assert OutboxMessage.objects.count() == 2

    plan = milestone.action_line.goal.plan
    plan.published = False
    plan.save()
    states = {m.recipient: outbox.deliver(m.pk).state for m in OutboxMessage.objects.all()}

    assert states == {"partner.a@example.org": "cancelled", "delegate.a@example.org": "sent"}
    assert [m.to for m in mail.outbox] == [["delegate.a@example.org"]]


def test_date_only_changes_do_not_notify(chair):
    milestone = MilestoneFactory()
    milestone_update(actor=chair, milestone_id=milestone.pk, expected_version=1,
                     changes={"due_date": dt.date(2027, 1, 1)}, comment="later")
    assert not Job.objects.exists()


def test_a_vanished_change_is_ignored(db):
    assert notices.notify_watchers(history_id=999999) == 0


def test_broker_down_keeps_the_edit_and_the_sweeper_queues_it(
        chair, delegate, django_capture_on_commit_callbacks, monkeypatch):
    """Given Redis refuses the enqueue at commit time, the edit is saved anyway (no 500), the
    job row stays pending with no ``enqueued_at``; the sweeper queues it once the broker is
    back, the watcher is emailed once, and the sweeper then leaves it alone."""
    milestone = MilestoneFactory()
    Watch.objects.create(user=delegate, milestone=milestone)

    def broker_down(pk):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(run_job, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        _change(chair, milestone, progress=50)
    milestone.refresh_from_db()
    assert milestone.version == 2
    job = Job.objects.get()
    assert (job.state, job.enqueued_at) == ("pending", None)

    ran, sent = [], []
    monkeypatch.setattr(run_job, "delay", lambda pk: ran.append(jobs.run(pk).state))
    monkeypatch.setattr(send_message, "delay", lambda pk: sent.append(outbox.deliver(pk).state))
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.sweep() == 1
    assert ran == ["done"] and sent == ["sent"]
    assert [m.to for m in mail.outbox] == [["delegate.a@example.org"]]
    assert jobs.sweep() == 0 and outbox.sweep() == 0
