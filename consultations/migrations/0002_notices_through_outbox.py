"""Consultation notices deliver through the outbox (issue 9).

Data-safe: each notice's delivery becomes outbox messages, one per address it recorded (or,
for a notice never sent, one per contact who receives notices now), keeping state, attempts,
Message-ID, sent time and last error; a notice stuck in ``sending`` becomes ``pending``. Then
the delivery columns are dropped from ``ConsultationNotice``.
"""

from django.db import migrations

PURPOSE = "consultations.notice"


def copy_to_outbox(apps, schema_editor):
    ConsultationNotice = apps.get_model("consultations", "ConsultationNotice")
    PartnerContact = apps.get_model("consultations", "PartnerContact")
    OutboxMessage = apps.get_model("secretariat", "OutboxMessage")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="consultations",
                                                        model="consultationnotice")
    states = {"sent": "sent", "failed": "failed", "sending": "pending", "pending": "pending"}
    for notice in ConsultationNotice.objects.select_related("consultation__series").iterator():
        addresses = [a.strip().lower() for a in notice.recipients.splitlines() if a.strip()]
        if not addresses and notice.state != "sent":
            addresses = [e.strip().lower() for e in PartnerContact.objects.filter(
                partner_id=notice.consultation.series.partner_id, receives_notices=True,
            ).values_list("email", flat=True)]
        state = states.get(notice.state, "pending")
        for address in sorted(set(addresses)):
            OutboxMessage.objects.get_or_create(
                purpose=PURPOSE, content_type=content_type, object_id=notice.pk,
                recipient=address,
                defaults={"template": "emails/consultation_changed", "context": {},
                          "not_before": notice.created_at, "due_at": notice.created_at,
                          "state": state, "attempts": notice.attempts,
                          "message_id": notice.message_id, "sent_at": notice.sent_at,
                          "last_error": notice.last_error, "finished_at": notice.sent_at},
            )


class Migration(migrations.Migration):

    dependencies = [
        ("consultations", "0001_initial"),
        ("secretariat", "0002_outbox_messages_and_jobs"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy_to_outbox, migrations.RunPython.noop),
        migrations.RemoveField(model_name="consultationnotice", name="state"),
        migrations.RemoveField(model_name="consultationnotice", name="attempts"),
        migrations.RemoveField(model_name="consultationnotice", name="claimed_at"),
        migrations.RemoveField(model_name="consultationnotice", name="recipients"),
        migrations.RemoveField(model_name="consultationnotice", name="message_id"),
        migrations.RemoveField(model_name="consultationnotice", name="sent_at"),
        migrations.RemoveField(model_name="consultationnotice", name="last_error"),
    ]
