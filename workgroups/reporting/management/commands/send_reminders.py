"""``manage.py send_reminders [--at ISO-DATETIME] [--dry-run]``: plan and send, synchronously."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from secretariat import claims, outbox
from secretariat.models import OutboxMessage
from workgroups.reporting import reminders
from workgroups.reporting.models import ReminderDispatch


def parse_instant(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--at: {value!r} is not an ISO date-time.") from exc
    if timezone.is_naive(moment):
        raise CommandError("--at needs a UTC offset, e.g. 2026-06-01T09:00+07:00 or ...Z.")
    return moment


class Command(BaseCommand):
    help = ("Run the reminder planner and send the due reminder emails now, in this process, "
            "as if the time were --at (default: now): the beat's planner, then the outbox's "
            "send step for each due message (working windows and deadlines apply).")

    def add_arguments(self, parser):
        parser.add_argument("--at", type=parse_instant, default=None,
                            help="ISO date-time with offset, e.g. 2026-06-01T02:00Z")
        parser.add_argument("--dry-run", action="store_true",
                            help="Show what would be handed to the outbox; change nothing.")

    def handle(self, *args, at=None, dry_run=False, **options):
        now = at or timezone.now()
        plan = reminders.plan_due(now, dry_run=dry_run)
        rows = ReminderDispatch.objects.select_related("cycle", "administration").in_bulk(
            [*plan.queued, *plan.skipped, *plan.failed])
        for pk in plan.skipped:
            row = rows[pk]
            self.stdout.write(f"skip {row.kind:<18} {row.administration.code} "
                              f"{row.cycle.title} (superseded or too late)")
        for pk in plan.failed:
            row = rows[pk]
            self.stdout.write(f"failed {row.kind:<18} {row.administration.code} (no recipient)")
        if dry_run:
            for pk in plan.queued:
                row = rows[pk]
                self.stdout.write(f"would send {row.kind:<18} {row.administration.code} "
                                  f"{row.cycle.title}")
            self.stdout.write(f"{len(plan.queued)} reminder(s) due at {now.isoformat()}")
            return
        # Messages queued by this run carry the real clock's time: an --at a moment in the
        # past must still send them.
        now = max(now, timezone.now())
        due = claims.claimable(now) & Q(purpose=reminders.PURPOSE)
        sent = 0
        for message in OutboxMessage.objects.filter(due).order_by("due_at", "pk"):
            outcome = outbox.deliver(message.pk, now=now)
            label = f"{message.recipient} (reminder #{message.object_id})"
            if outcome.state == "sent":
                sent += 1
                message.refresh_from_db(fields=["message_id"])
                self.stdout.write(f"sent {label} {message.message_id}")
            else:
                detail = f" ({outcome.detail})" if outcome.detail else ""
                self.stdout.write(f"{outcome.state} {label}{detail}")
        self.stdout.write(f"{sent} reminder email(s) sent at {now.isoformat()}")
