"""Watch notices go through the outbox and the jobs (issue 9).

Data-safe: every ``WatchNotice`` becomes an outbox message (purpose
``workgroups.milestone_changed``, about the recorded change, to the watcher), keeping its state,
sent time and last error (a notice stuck in ``sending`` becomes ``pending`` again, so it is
retried instead of lost); every change still waiting in ``WatchDispatch`` becomes a pending job.
Then the two old tables are dropped.
"""

from django.db import migrations

PURPOSE = "workgroups.milestone_changed"


def copy_to_outbox(apps, schema_editor):
    WatchNotice = apps.get_model("workgroups", "WatchNotice")
    WatchDispatch = apps.get_model("workgroups", "WatchDispatch")
    OutboxMessage = apps.get_model("secretariat", "OutboxMessage")
    Job = apps.get_model("secretariat", "Job")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="workgroups",
                                                        model="historicalmilestone")
    states = {"sent": "sent", "failed": "failed", "sending": "pending"}
    for notice in WatchNotice.objects.select_related("user").iterator():
        if not notice.user.email:
            continue
        state = states.get(notice.state, "pending")
        OutboxMessage.objects.get_or_create(
            purpose=PURPOSE, content_type=content_type, object_id=notice.history_id,
            recipient=notice.user.email.strip().lower(),
            defaults={"user_id": notice.user_id, "template": "emails/milestone_changed",
                      "context": {}, "not_before": notice.created_at, "due_at": notice.created_at,
                      "state": state, "attempts": 1 if state != "pending" else 0,
                      "sent_at": notice.sent_at, "last_error": notice.last_error,
                      "finished_at": notice.sent_at},
        )
    for dispatch in WatchDispatch.objects.filter(done_at__isnull=True).iterator():
        key = f"watch-notices:{dispatch.history_id}"
        if not Job.objects.filter(key=key, state="pending").exists():
            Job.objects.create(name="workgroups.notify_watchers", key=key,
                               kwargs={"history_id": dispatch.history_id},
                               due_at=dispatch.created_at)


class Migration(migrations.Migration):

    dependencies = [
        ("workgroups", "0003_watch_dispatch"),
        ("secretariat", "0002_outbox_messages_and_jobs"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy_to_outbox, migrations.RunPython.noop),
        migrations.DeleteModel(name="WatchDispatch"),
        migrations.DeleteModel(name="WatchNotice"),
    ]
