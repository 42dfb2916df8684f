"""Change notices end to end: service → on_commit → Celery task (run in-process) → email."""

import datetime as dt
import logging
import smtplib
import socket

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from icalendar import Calendar

from consultations import services, tasks
from consultations.models import ConsultationNotice
from tests.consultations.factories import ContactFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


@pytest.fixture
def contacts(japan_customs, wco):
    return [
        ContactFactory(partner=japan_customs, email="protocol@customs.go.jp"),
        ContactFactory(partner=japan_customs, email="Liaison@customs.go.jp"),
        ContactFactory(partner=japan_customs, email="muted@customs.go.jp",
                       receives_notices=False),
        ContactFactory(partner=wco, email="other@wcoomd.org"),
    ]


@pytest.fixture
def worker_like_retries():
    """Eager tasks that handle Retry like a worker (re-run at once) instead of raising it."""
    from secretariat.celery import app

    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = previous


def _attachment(message) -> Calendar:
    [(name, content, mimetype)] = message.attachments
    assert name == "consultation.ics"
    assert mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def test_cancellation_emails_the_partner_with_the_cancelled_event(
    secretariat, contacts, japan_published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_update(actor=secretariat, consultation=japan_published,
                                     status="cancelled")

    [message] = mail.outbox
    assert sorted(message.to) == ["liaison@customs.go.jp", "protocol@customs.go.jp"]
    assert message.subject == "26th ASEAN-Japan Customs Consultation: cancelled"
    assert "has been cancelled" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    [event] = _attachment(message).events
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1
    assert str(event["UID"]) == japan_published.ical_uid
    assert event["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"

    notice = ConsultationNotice.objects.get()
    assert (notice.state, notice.change, notice.attempts) == ("sent", "cancelled", 1)
    assert message.extra_headers["Message-ID"] == notice.message_id


def test_move_is_announced_in_venue_time(secretariat, contacts, japan_published,
                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_update(
            actor=secretariat, consultation=japan_published,
            starts_at=japan_published.starts_at + dt.timedelta(hours=5),
            ends_at=japan_published.ends_at + dt.timedelta(hours=5),
        )
    [message] = mail.outbox
    assert message.subject.endswith(": moved")
    assert "14:00" in message.body and "Asia/Ho_Chi_Minh" in message.body


def test_no_email_for_changes_that_do_not_matter(secretariat, contacts, japan_published,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_update(actor=secretariat, consultation=japan_published,
                                     agenda="Green customs", mode_note="Hybrid")
    assert mail.outbox == []


def test_a_redelivered_task_sends_nothing_twice(secretariat, contacts, japan_published,
                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_update(actor=secretariat, consultation=japan_published,
                                     status="cancelled")
    notice = ConsultationNotice.objects.get()

    assert tasks.send_consultation_notice.apply(args=[notice.pk]).get() == "skipped"
    assert len(mail.outbox) == 1


@pytest.mark.usefixtures("worker_like_retries")
def test_transient_smtp_errors_are_retried_then_delivered_once(
    monkeypatch, secretariat, contacts, japan_published, django_capture_on_commit_callbacks
):
    real_send = EmailMultiAlternatives.send
    failures = iter([True, True])

    def flaky_send(self, *args, **kwargs):
        if next(failures, False):
            raise smtplib.SMTPServerDisconnected("421 try later")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky_send)
    with django_capture_on_commit_callbacks() as queued:
        services.consultation_update(actor=secretariat, consultation=japan_published,
                                     status="postponed")
    assert len(queued) == 1
    # As a worker would run it: Retry is handled by Celery (in-process, without countdown).
    tasks.send_consultation_notice.apply(args=[ConsultationNotice.objects.get().pk])

    notice = ConsultationNotice.objects.get()
    assert (notice.state, notice.attempts) == ("sent", 3)
    assert len(mail.outbox) == 1


@pytest.mark.usefixtures("worker_like_retries")
def test_permanent_failure_is_recorded(monkeypatch, caplog, secretariat, contacts,
                                       japan_published, django_capture_on_commit_callbacks):
    def always_fail(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(EmailMultiAlternatives, "send", always_fail)
    with django_capture_on_commit_callbacks():
        services.consultation_update(actor=secretariat, consultation=japan_published,
                                     status="cancelled")
    with caplog.at_level(logging.ERROR, logger="consultations.tasks"):
        result = tasks.send_consultation_notice.apply(
            args=[ConsultationNotice.objects.get().pk]
        )
    assert result.get() == "failed"

    notice = ConsultationNotice.objects.get()
    assert (notice.state, notice.attempts) == ("failed", tasks.MAX_ATTEMPTS)
    assert "gone" in notice.last_error
    assert any("failed after" in r.message for r in caplog.records)


def test_broker_down_keeps_the_change_and_the_sweeper_sends_later(
    monkeypatch, time_machine, secretariat, contacts, japan_published,
    django_capture_on_commit_callbacks,
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("redis refused")

    monkeypatch.setattr(tasks.send_consultation_notice, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_update(actor=secretariat, consultation=japan_published,
                                     status="cancelled")
    japan_published.refresh_from_db()
    assert japan_published.status == "cancelled"
    assert ConsultationNotice.objects.get().state == "pending"
    assert mail.outbox == []

    monkeypatch.undo()
    time_machine.move_to(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5))
    assert tasks.requeue_pending_notices.apply().get() == 1
    assert ConsultationNotice.objects.get().state == "sent"
    assert len(mail.outbox) == 1
    assert tasks.requeue_pending_notices.apply().get() == 0


def test_partner_without_contacts_is_marked_sent(secretariat, wco_draft,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_update(actor=secretariat, consultation=wco_draft,
                                     status="confirmed")
    notice = ConsultationNotice.objects.get()
    assert (notice.state, notice.recipients) == ("sent", "")
    assert mail.outbox == []


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""
    from aiosmtpd.controller import Controller

    class Sink:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((envelope.rcpt_tos, envelope.content))
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
    }}
    yield sink
    controller.stop()


def test_the_email_on_the_wire_carries_the_event(
    smtp_sink, secretariat, contacts, japan_published, django_capture_on_commit_callbacks
):
    """Over real SMTP: one message to the partner's contacts, UTF-8 intact, with a
    text/calendar part that a calendar app can read."""
    import email
    from email import policy

    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_update(actor=secretariat, consultation=japan_published,
                                     status="cancelled", venue="Phú Quốc")

    [(rcpt_tos, raw)] = smtp_sink.messages
    assert sorted(rcpt_tos) == ["liaison@customs.go.jp", "protocol@customs.go.jp"]
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["Message-ID"] == ConsultationNotice.objects.get().message_id
    parts = {part.get_content_type(): part for part in message.walk()}
    assert {"text/plain", "text/html", "text/calendar"} <= set(parts)
    assert "Phú Quốc" in parts["text/plain"].get_content()
    [event] = Calendar.from_ical(parts["text/calendar"].get_payload(decode=True)).events
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["LOCATION"]) == "Phú Quốc"


def test_a_dead_workers_claim_expires(time_machine, contacts, japan_published):
    """A notice left in 'sending' by a killed worker is sent again after the lease, and not
    before: a live worker's claim is respected."""
    now = dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC)
    time_machine.move_to(now)
    stuck = ConsultationNotice.objects.create(
        consultation=japan_published, change="moved", sequence=1, state="sending",
        claimed_at=now - dt.timedelta(minutes=11), attempts=1,
    )
    busy = ConsultationNotice.objects.create(
        consultation=japan_published, change="moved", sequence=2, state="sending",
        claimed_at=now - dt.timedelta(minutes=1), attempts=1,
    )
    assert tasks.send_consultation_notice.apply(args=[busy.pk]).get() == "skipped"
    assert tasks.requeue_pending_notices.apply().get() == 1
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert (stuck.state, stuck.attempts) == ("sent", 2)
    assert busy.state == "sending"
    assert len(mail.outbox) == 1
