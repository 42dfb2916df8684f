"""Reminders hand their emails to the outbox (issue 9).

Data-safe: every reminder that was sent, failed or was being sent keeps its history as outbox
messages, one per recorded recipient (state, attempts, Message-ID, sent time, last error);
the reminder itself becomes ``queued`` (or ``failed`` when it had no recipient). Planned
reminders stay planned. Only then are the old delivery columns dropped.
"""

import datetime as dt

from django.db import migrations, models

import workgroups.reporting.models

PURPOSE = "reporting.reminder"


def copy_deliveries_to_outbox(apps, schema_editor):
    ReminderDispatch = apps.get_model("reporting", "ReminderDispatch")
    OutboxMessage = apps.get_model("secretariat", "OutboxMessage")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="reporting",
                                                        model="reminderdispatch")
    states = {"sent": "sent", "failed": "failed", "sending": "pending"}
    for row in ReminderDispatch.objects.filter(status__in=list(states)).iterator():
        recipients = row.recipients or {}
        addresses = sorted({a.strip().lower() for a in [*recipients.get("to", []),
                                                        *recipients.get("cc", [])] if a})
        state = states[row.status]
        OutboxMessage.objects.bulk_create([
            OutboxMessage(
                purpose=PURPOSE, content_type=content_type, object_id=row.pk, recipient=a,
                template="emails/reminder", context={}, not_before=row.scheduled_for,
                due_at=row.due_at, state=state, attempts=row.attempts,
                message_id=row.message_id, sent_at=row.sent_at, last_error=row.last_error,
                finished_at=row.sent_at if state == "sent" else None,
            ) for a in addresses
        ], ignore_conflicts=True)
        row.status = "queued" if addresses else "failed"
        row.queued_at = row.claimed_at or row.sent_at or row.due_at
        row.note = "" if addresses else row.last_error
        row.save(update_fields=["status", "queued_at", "note"])
    for row in ReminderDispatch.objects.filter(status__in=["cancelled", "skipped"]).exclude(
            last_error=""):
        row.note = row.last_error
        row.save(update_fields=["note"])


class Migration(migrations.Migration):

    dependencies = [
        ("reporting", "0001_initial"),
        ("secretariat", "0002_outbox_messages_and_jobs"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportingcycle", name="window_opens",
            field=models.TimeField(default=dt.time(9, 0)),
        ),
        migrations.AddField(
            model_name="reportingcycle", name="window_closes",
            field=models.TimeField(default=dt.time(17, 0)),
        ),
        migrations.AddField(
            model_name="reportingcycle", name="window_weekdays",
            field=models.JSONField(default=workgroups.reporting.models.default_weekdays,
                                   help_text="Working days, 0 = Monday ... 6 = Sunday."),
        ),
        migrations.AddField(
            model_name="reportingcycle", name="window_skips_holidays",
            field=models.BooleanField(
                default=True,
                help_text="No reminder on the administration's national public holidays."),
        ),
        migrations.AddConstraint(
            model_name="reportingcycle",
            constraint=models.CheckConstraint(
                condition=models.Q(window_closes__gt=models.F("window_opens")),
                name="cycle_window_opens_before_closing"),
        ),
        migrations.AddField(
            model_name="reminderdispatch", name="send_before",
            field=models.DateTimeField(
                blank=True, null=True,
                help_text="A reminder of the deadline must arrive before it."),
        ),
        migrations.AddField(
            model_name="reminderdispatch", name="queued_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="reminderdispatch", name="note", field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name="reminderdispatch", name="status",
            field=models.CharField(choices=[
                ("pending", "Planned"), ("queued", "Handed to the outbox"),
                ("cancelled", "Cancelled (not needed)"),
                ("skipped", "Skipped (superseded after an outage, or too late)"),
                ("failed", "Not sent: no recipient with an address"),
            ], default="pending", max_length=10),
        ),
        migrations.RunPython(copy_deliveries_to_outbox, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="reminderdispatch",
                               name="reporting_r_status_53b78b_idx"),
        migrations.RemoveField(model_name="reminderdispatch", name="due_at"),
        migrations.RemoveField(model_name="reminderdispatch", name="enqueued_at"),
        migrations.RemoveField(model_name="reminderdispatch", name="claimed_at"),
        migrations.RemoveField(model_name="reminderdispatch", name="attempts"),
        migrations.RemoveField(model_name="reminderdispatch", name="message_id"),
        migrations.RemoveField(model_name="reminderdispatch", name="recipients"),
        migrations.RemoveField(model_name="reminderdispatch", name="sent_at"),
        migrations.RemoveField(model_name="reminderdispatch", name="last_error"),
        migrations.AlterField(
            model_name="reminderdispatch", name="scheduled_for",
            field=models.DateTimeField(db_index=True),
        ),
        migrations.AddIndex(
            model_name="reminderdispatch",
            index=models.Index(fields=["status", "scheduled_for"],
                               name="reminder_status_scheduled"),
        ),
    ]
