"""The outbox core against a real SMTP server (aiosmtpd): one message per recipient, the
claim with lease and token, transient retries, permanent failures, windows and deadlines."""

import datetime as dt
import logging

import pytest
import time_machine

from secretariat import claims, outbox
from secretariat.models import DeliveryState, OutboxMessage
from secretariat.working_hours import WorkingWindow
from tests.reporting.conftest import smtp_sink  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
KL = WorkingWindow(time_zone="Asia/Kuala_Lumpur", country="MY")


def _queue(obj, recipient, **extra):
    return outbox.queue_email(
        purpose="tests.notice", obj=obj, recipient=recipient, template="emails/notice",
        context={"subject": "Agenda ready", "body": "The agenda is on the portal."}, **extra,
    )


def test_queueing_twice_keeps_one_row(malaysia):
    first, created = _queue(malaysia, "Head@Customs.gov.my ")
    again, created_again = _queue(malaysia, "head@customs.gov.my")

    assert created and not created_again
    assert first.pk == again.pk
    assert OutboxMessage.objects.count() == 1
    assert first.recipient == "head@customs.gov.my"


@pytest.mark.parametrize("junk", ["", "a@b.org, c@d.org", "x@y.org\nBcc: z@w.org", "nobody"])
def test_one_address_only(malaysia, junk):
    with pytest.raises(ValueError):
        _queue(malaysia, junk)
    assert not OutboxMessage.objects.exists()


def test_sent_with_a_stable_message_id(malaysia, smtp_sink):  # noqa: F811
    message, _ = _queue(malaysia, "head@customs.gov.my")

    outcome = outbox.deliver(message.pk)

    message.refresh_from_db()
    assert outcome.state == message.state == DeliveryState.SENT
    assert message.attempts == 1 and message.sent_at and message.claim_token is None
    assert smtp_sink.message_ids == [message.message_id]
    assert message.message_id == f"<tests.notice-{message.pk}@asean-customs-portal>"
    (received,) = smtp_sink.messages
    assert received["Subject"] == "Agenda ready"
    assert received.envelope_to == ["head@customs.gov.my"]
    # A second attempt (a redelivered task) finds the row final and sends nothing.
    assert outbox.deliver(message.pk).state == "busy"
    assert len(smtp_sink.messages) == 1


def test_one_refused_recipient_among_five(malaysia, smtp_sink, caplog):  # noqa: F811
    """Given five recipients of which the server refuses one with 550, that one is failed
    (with the server's answer and an ERROR log) and the four others are sent."""
    addresses = [f"person{i}@customs.gov.my" for i in range(5)]
    smtp_sink.refuse_rcpt = {addresses[2]}
    rows = [_queue(malaysia, a)[0] for a in addresses]

    with caplog.at_level(logging.ERROR, logger="secretariat.outbox"):
        states = [outbox.deliver(row.pk).state for row in rows]

    assert states == ["sent", "sent", "failed", "sent", "sent"]
    refused = OutboxMessage.objects.get(recipient=addresses[2])
    assert refused.state == DeliveryState.FAILED and refused.attempts == 1
    assert "550" in refused.last_error
    assert sorted(m.envelope_to[0] for m in smtp_sink.messages) == sorted(
        a for a in addresses if a != addresses[2])
    assert [r.levelname for r in caplog.records if r.name == "secretariat.outbox"] == ["ERROR"]


def test_transient_error_is_retried_with_backoff(malaysia, smtp_sink, settings):  # noqa: F811
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    smtp_sink.script.extend(["421 4.3.2 Try again later"] * 2)
    message, _ = _queue(malaysia, "head@customs.gov.my")
    start = dt.datetime.now(UTC)

    first = outbox.deliver(message.pk, now=start)
    message.refresh_from_db()
    assert first.state == message.state == DeliveryState.PENDING
    assert "421" in message.last_error
    # 60 s plus up to a quarter of jitter.
    assert start + dt.timedelta(seconds=60) <= message.due_at <= start + dt.timedelta(seconds=75)
    # Not before its time: a stray task cannot cut the backoff short.
    assert outbox.deliver(message.pk, now=start + dt.timedelta(seconds=30)).state == "busy"

    second = outbox.deliver(message.pk, now=message.due_at)
    message.refresh_from_db()
    assert second.state == DeliveryState.PENDING and message.attempts == 2
    assert message.due_at >= start + dt.timedelta(seconds=60 + 120)

    assert outbox.deliver(message.pk, now=message.due_at).state == DeliveryState.SENT
    message.refresh_from_db()
    assert message.attempts == 3
    assert smtp_sink.message_ids == [message.message_id]
    # The refused attempts carried the same Message-ID as the one that went through.
    assert set(smtp_sink.refused) == {message.message_id}


def test_permanent_refusal_is_not_retried(malaysia, smtp_sink):  # noqa: F811
    smtp_sink.script.append("554 5.7.1 Message rejected")
    message, _ = _queue(malaysia, "head@customs.gov.my")

    assert outbox.deliver(message.pk).state == DeliveryState.FAILED
    message.refresh_from_db()
    assert message.attempts == 1 and "554" in message.last_error


def test_transient_errors_give_up_after_the_last_attempt(malaysia, smtp_sink, settings):  # noqa: F811
    settings.OUTBOX_MAX_ATTEMPTS = 2
    smtp_sink.script.extend(["451 4.3.0 Busy"] * 2)
    message, _ = _queue(malaysia, "head@customs.gov.my")

    outbox.deliver(message.pk)
    message.refresh_from_db()
    assert outbox.deliver(message.pk, now=message.due_at).state == DeliveryState.FAILED


def test_stale_worker_cannot_change_a_row_another_worker_claimed(malaysia, smtp_sink):  # noqa: F811
    """Given worker A claimed a message and stalled past its lease, and worker B claimed it
    again: A's finishing UPDATE (sent, or back to pending) changes nothing; B's does."""
    message, _ = _queue(malaysia, "head@customs.gov.my")
    start = dt.datetime.now(UTC)
    worker_a = claims.claim(OutboxMessage, message.pk, now=start)
    assert claims.claim(OutboxMessage, message.pk, now=start) is None  # lease still live
    after_lease = start + claims.lease() + dt.timedelta(seconds=1)
    worker_b = claims.claim(OutboxMessage, message.pk, now=after_lease)
    assert worker_b is not None and worker_b.claim_token != worker_a.claim_token

    assert claims.finish(worker_a, DeliveryState.PENDING, due_at=start) is False
    assert claims.finish(worker_a, DeliveryState.SENT, sent_at=start) is False
    row = OutboxMessage.objects.get(pk=message.pk)
    assert row.state == DeliveryState.SENDING and row.claim_token == worker_b.claim_token
    assert row.attempts == 2

    assert claims.finish(worker_b, DeliveryState.SENT, sent_at=after_lease) is True
    row.refresh_from_db()
    assert row.state == DeliveryState.SENT and row.claim_token is None


def test_outside_the_window_waits_for_the_next_opening(malaysia, smtp_sink):  # noqa: F811
    """Saturday 5 December 2026 02:00 in Kuala Lumpur: the message waits for Monday 09:00."""
    saturday_night = dt.datetime(2026, 12, 4, 18, 0, tzinfo=UTC)
    with time_machine.travel(saturday_night, tick=False):
        message, _ = _queue(malaysia, "head@customs.gov.my", window=KL)
    monday_nine = dt.datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    assert message.due_at == monday_nine

    # A task that runs early anyway (a sweeper after an outage) hands it back, uncounted.
    OutboxMessage.objects.filter(pk=message.pk).update(due_at=saturday_night)
    outcome = outbox.deliver(message.pk, now=saturday_night)
    message.refresh_from_db()
    assert outcome.state == message.state == DeliveryState.PENDING
    assert message.due_at == monday_nine and message.attempts == 0
    assert smtp_sink.messages == []

    assert outbox.deliver(message.pk, now=monday_nine).state == DeliveryState.SENT


def test_skipped_when_it_cannot_go_before_its_deadline(malaysia, smtp_sink):  # noqa: F811
    deadline = dt.datetime.now(UTC) + dt.timedelta(hours=1)
    message, _ = _queue(malaysia, "head@customs.gov.my", send_before=deadline)
    assert message.state == DeliveryState.PENDING

    # The worker only gets to it after the deadline (an outage): it is skipped, not sent late.
    assert outbox.deliver(message.pk, now=deadline).state == DeliveryState.SKIPPED
    assert smtp_sink.messages == []
    # Queued when its deadline has already passed: skipped at once, never offered.
    late, _ = _queue(malaysia, "other@customs.gov.my",
                     send_before=dt.datetime.now(UTC) - dt.timedelta(minutes=1))
    assert late.state == DeliveryState.SKIPPED


def test_preparer_may_cancel_and_add_context(malaysia, smtp_sink):  # noqa: F811
    calls = []

    @outbox.preparer("tests.prepared")
    def prepare(message):
        calls.append(message.subject_object)
        if message.recipient.startswith("gone"):
            raise outbox.Cancel("Not needed any more.")
        return outbox.Prepared(context={"body": "Prepared at send time."})

    kept, _ = outbox.queue_email(purpose="tests.prepared", obj=malaysia, recipient="a@b.org",
                                 template="emails/notice", context={"subject": "S"})
    gone, _ = outbox.queue_email(purpose="tests.prepared", obj=malaysia,
                                 recipient="gone@b.org", template="emails/notice")

    assert outbox.deliver(kept.pk).state == DeliveryState.SENT
    assert outbox.deliver(gone.pk).state == DeliveryState.CANCELLED
    assert calls == [malaysia, malaysia]
    (received,) = smtp_sink.messages
    assert "Prepared at send time." in received.get_body(("plain",)).get_content()
    gone.refresh_from_db()
    assert gone.last_error == "Not needed any more."


def test_cancel_marks_pending_messages(malaysia):
    _queue(malaysia, "a@b.org")
    _queue(malaysia, "c@d.org")

    assert outbox.cancel(purpose="tests.notice", obj=malaysia, reason="Submitted.") == 2
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"cancelled"}
