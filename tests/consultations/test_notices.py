"""Change notices end to end: service → outbox rows → on_commit → Celery task (run
in-process) → one email per contact. Retries, leases and claims are the outbox's own tests
(tests/secretariat/test_outbox.py); here: who is told what, with which attachment."""

import datetime as dt
import socket

import pytest
from django.core import mail
from icalendar import Calendar

from consultations import notices, services
from consultations.models import ConsultationNotice
from secretariat import outbox
from secretariat.models import OutboxMessage
from secretariat.tasks import send_message
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


def _attachment(message) -> Calendar:
    [(name, content, mimetype)] = message.attachments
    assert name == "consultation.ics"
    assert mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def _messages():
    return OutboxMessage.objects.filter(purpose=notices.PURPOSE).order_by("recipient")


def test_cancellation_emails_each_contact_with_the_cancelled_event(
    secretariat, contacts, japan_published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_update(actor=secretariat, consultation=japan_published,
                                     status="cancelled")

    # One message per contact who receives notices; not the muted one, not another partner's.
    assert sorted(m.to[0] for m in mail.outbox) == ["liaison@customs.go.jp",
                                                    "protocol@customs.go.jp"]
    assert all(len(m.to) == 1 for m in mail.outbox)
    message = mail.outbox[0]
    assert message.subject == "26th ASEAN-Japan Customs Consultation: cancelled"
    assert "has been cancelled" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    [event] = _attachment(message).events
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1
    assert str(event["UID"]) == japan_published.ical_uid
    assert event["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"

    notice = ConsultationNotice.objects.get()
    assert notice.change == "cancelled"
    rows = list(_messages())
    assert [(r.state, r.attempts, r.object_id) for r in rows] == [("sent", 1, notice.pk)] * 2
    assert {m.extra_headers["Message-ID"] for m in mail.outbox} == {r.message_id for r in rows}


def test_move_is_announced_in_venue_time(secretariat, contacts, japan_published,
                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_update(
            actor=secretariat, consultation=japan_published,
            starts_at=japan_published.starts_at + dt.timedelta(hours=5),
            ends_at=japan_published.ends_at + dt.timedelta(hours=5),
        )
    message = mail.outbox[0]
    assert len(mail.outbox) == 2
    assert message.subject.endswith(": moved")
    assert "14:00" in message.body and "Ho Chi Minh City, UTC+07:00" in message.body


def test_no_email_for_changes_that_do_not_matter(secretariat, contacts, japan_published,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_update(actor=secretariat, consultation=japan_published,
                                     agenda="Green customs", mode_note="Hybrid")
    assert mail.outbox == []
    assert not _messages().exists()


def test_a_redelivered_task_sends_nothing_twice(secretariat, contacts, japan_published,
                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_update(actor=secretariat, consultation=japan_published,
                                     status="cancelled")
    for row in _messages():
        assert send_message.apply(args=[row.pk]).get() == "busy"
    assert len(mail.outbox) == 2


def test_a_contact_muted_before_the_send_is_not_emailed(
    secretariat, contacts, japan_published, django_capture_on_commit_callbacks
):
    """Given the change is recorded while the broker holds the tasks, when one contact turns
    notices off before the worker sends, that contact's message is cancelled."""
    with django_capture_on_commit_callbacks(execute=False):
        services.consultation_update(actor=secretariat, consultation=japan_published,
                                     status="postponed")
    contacts[0].receives_notices = False
    contacts[0].save()

    states = {r.recipient: outbox.deliver(r.pk).state for r in _messages()}

    assert states == {"liaison@customs.go.jp": "sent", "protocol@customs.go.jp": "cancelled"}
    assert [m.to for m in mail.outbox] == [["liaison@customs.go.jp"]]


def test_broker_down_keeps_the_change_and_the_sweeper_sends_later(
    monkeypatch, secretariat, contacts, japan_published, django_capture_on_commit_callbacks,
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("redis refused")

    monkeypatch.setattr(send_message, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_update(actor=secretariat, consultation=japan_published,
                                     status="cancelled")
    japan_published.refresh_from_db()
    assert japan_published.status == "cancelled"
    assert set(_messages().values_list("state", "enqueued_at")) == {("pending", None)}
    assert mail.outbox == []

    monkeypatch.undo()
    assert outbox.sweep() == 2
    assert set(_messages().values_list("state", flat=True)) == {"sent"}
    assert len(mail.outbox) == 2
    assert outbox.sweep() == 0


def test_partner_without_contacts_gets_no_message(secretariat, wco_draft,
                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_update(actor=secretariat, consultation=wco_draft,
                                     status="confirmed")
    assert ConsultationNotice.objects.get().change == "confirmed"
    assert not _messages().exists()
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
    """Over real SMTP: one message per contact, UTF-8 intact, with a text/calendar part that
    a calendar app can read."""
    import email
    from email import policy

    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_update(actor=secretariat, consultation=japan_published,
                                     status="cancelled", venue="Phú Quốc")

    assert sorted(rcpt for rcpt, _ in smtp_sink.messages) == [
        ["liaison@customs.go.jp"], ["protocol@customs.go.jp"]]
    raw = smtp_sink.messages[0][1]
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["Message-ID"] in set(_messages().values_list("message_id", flat=True))
    parts = {part.get_content_type(): part for part in message.walk()}
    assert {"text/plain", "text/html", "text/calendar"} <= set(parts)
    assert "Phú Quốc" in parts["text/plain"].get_content()
    [event] = Calendar.from_ical(parts["text/calendar"].get_payload(decode=True)).events
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["LOCATION"]) == "Phú Quốc"
