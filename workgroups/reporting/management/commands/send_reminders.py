"""``manage.py send_reminders [--at ISO-DATETIME] [--dry-run]``: plan and send, synchronously."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from workgroups.reporting import dispatch
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
    help = ("Run the reminder planner and send the due reminders now, in this process, as if "
            "the time were --at (default: now). The same planner as the Celery beat task.")

    def add_arguments(self, parser):
        parser.add_argument("--at", type=parse_instant, default=None,
                            help="ISO date-time with offset, e.g. 2026-06-01T02:00Z")
        parser.add_argument("--dry-run", action="store_true",
                            help="Show what would be sent; change nothing.")

    def handle(self, *args, at=None, dry_run=False, **options):
        now = at or timezone.now()
        plan = dispatch.plan_due(now, dry_run=dry_run)
        rows = ReminderDispatch.objects.select_related("cycle", "administration").in_bulk(
            [*plan.to_queue, *plan.skipped])
        for pk in plan.skipped:
            row = rows[pk]
            self.stdout.write(f"skip {row.kind:<18} {row.administration.code} "
                              f"{row.cycle.title} (superseded)")
        sent = 0
        for pk in plan.to_queue:
            row = rows[pk]
            label = f"{row.kind:<18} {row.administration.code} {row.cycle.title}"
            if dry_run:
                self.stdout.write(f"would send {label}")
                continue
            outcome = dispatch.dispatch_send(pk, now=now)
            if outcome.status == "sent":
                sent += 1
                to = ", ".join(outcome.dispatch.recipients["to"])
                self.stdout.write(f"sent {label} to {to} {outcome.dispatch.message_id}")
            else:
                detail = f" ({outcome.detail})" if outcome.detail else ""
                self.stdout.write(f"{outcome.status} {label}{detail}")
        verb = "due" if dry_run else "sent"
        count = len(plan.to_queue) if dry_run else sent
        self.stdout.write(f"{count} reminder(s) {verb} at {now.isoformat()}")
