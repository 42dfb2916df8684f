"""Reporting cycles, the progress reports member administrations owe, and the reminders that
chase them.

Reminders are rows, not timers (QUALITY.md "Reminders: a design that survives faults"): every
reminder a cycle will ever need is written when the cycle opens, with a unique
(cycle, administration, kind) key. Celery only carries ids; whatever happens to Redis or to a
worker, the rows say what is still owed, and the next planner run catches up.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q

from secretariat.models import Administration
from workgroups.models import Body, Milestone, MilestoneStatus, Plan


def default_days_before() -> list[int]:
    return [30, 14, 7, 1]


def default_weekdays() -> list[int]:
    return [0, 1, 2, 3, 4]


class ReportingCycle(models.Model):
    """A call for progress reports before a meeting, with its reminder policy."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    title = models.CharField(
        max_length=200, unique=True, help_text="e.g. Progress reports for the 34th DG Meeting"
    )
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, null=True, blank=True, related_name="reporting_cycles",
        help_text="Only this body's milestones (empty: every body).",
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="reporting_cycles",
        help_text="Only this plan's milestones (empty: every plan).",
    )
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField(help_text="The deadline, an instant (stored in UTC).")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Reminder policy. JSONField rather than an array so that the SQLite demo works too.
    remind_days_before = models.JSONField(
        default=default_days_before, help_text="Days before the deadline, e.g. [30, 14, 7, 1]."
    )
    remind_at_deadline = models.BooleanField(default=True)
    overdue_every_days = models.PositiveSmallIntegerField(
        default=7, help_text="Overdue reminders every N days (0: none)."
    )
    overdue_until_days = models.PositiveSmallIntegerField(
        default=28, help_text="Stop overdue reminders after this many days."
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        default=14,
        help_text="From this many days overdue, reminders go to the head of administration "
                  "with the secretariat in copy (0: never).",
    )
    local_send_time = models.TimeField(
        default=dt.time(9, 0), help_text="Working hour in each administration's own zone."
    )
    # The working window reminders are sent in (secretariat.working_hours), in each
    # administration's zone, skipping its national public holidays. A cycle may widen or
    # narrow it; the default is the portal's 09:00-17:00, Monday to Friday.
    window_opens = models.TimeField(default=dt.time(9, 0))
    window_closes = models.TimeField(default=dt.time(17, 0))
    window_weekdays = models.JSONField(
        default=default_weekdays, help_text="Working days, 0 = Monday ... 6 = Sunday."
    )
    window_skips_holidays = models.BooleanField(
        default=True, help_text="No reminder on the administration's national public holidays."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__gt=models.F("opens_at")), name="cycle_due_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(window_closes__gt=models.F("window_opens")),
                name="cycle_window_opens_before_closing",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def milestones(self):
        """The milestones in scope: open ones of the cycle's body and/or plan."""
        qs = Milestone.objects.exclude(
            status__in=[MilestoneStatus.COMPLETED, MilestoneStatus.CANCELLED]
        )
        if self.body_id:
            qs = qs.filter(body_id=self.body_id)
        if self.plan_id:
            qs = qs.filter(action_line__goal__plan_id=self.plan_id)
        return qs

    def window_for(self, administration):
        """The working window of ``administration`` under this cycle's policy."""
        from secretariat.working_hours import window_for

        return window_for(administration, opens=self.window_opens, closes=self.window_closes,
                          weekdays=tuple(self.window_weekdays),
                          public_holidays=self.window_skips_holidays)

    @property
    def window_label(self) -> str:
        """The cycle's working hours in words ("09:00 to 17:00, Monday to Friday")."""
        from secretariat.working_hours import WorkingWindow

        return WorkingWindow(time_zone="UTC", opens=self.window_opens,
                             closes=self.window_closes,
                             weekdays=tuple(self.window_weekdays)).describe()

    @property
    def scope_label(self) -> str:
        parts = [str(p) for p in (self.body, self.plan) if p]
        return " · ".join(parts) or "Every body and plan"


class ReportState(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class ProgressReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Secretariat: all. A member administration's staff: their own reports, plus the
        submitted reports of cycles for a body their administration currently chairs (the
        chair prepares the meeting). Anyone else: none."""
        from secretariat.access import administration_id_of, is_secretariat, role_of
        from secretariat.models import Role
        from workgroups.access import chaired_body_ids

        if is_secretariat(user):
            return self
        if role_of(user) in {Role.CHAIR, Role.DELEGATE}:
            own = Q(administration_id=administration_id_of(user))
            chaired = chaired_body_ids(user)
            if chaired:
                own |= Q(state=ReportState.SUBMITTED, cycle__body_id__in=chaired)
            return self.filter(own)
        return self.none()


class ProgressReport(models.Model):
    """What one administration reports for one cycle. Created when the cycle opens."""

    cycle = models.ForeignKey(ReportingCycle, on_delete=models.CASCADE, related_name="reports")
    administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="progress_reports"
    )
    state = models.CharField(
        max_length=20, choices=ReportState.choices, default=ReportState.NOT_STARTED
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "administration__country"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "administration"], name="one_report_per_cycle_and_administration"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} — {self.administration}"

    @property
    def late(self) -> bool:
        """Submitted after the deadline (late submission is allowed, and marked)."""
        return bool(self.submitted_at and self.submitted_at > self.cycle.due_at)

    def state_label(self, now: dt.datetime) -> str:
        """Text label for the matrix (never colour alone)."""
        if self.state == ReportState.SUBMITTED:
            return "Submitted late" if self.late else "Submitted"
        label = self.get_state_display()
        return f"{label}, late" if now > self.cycle.due_at else label


class ReportEntry(models.Model):
    """One milestone in a report: the administration's status, progress and narrative."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="entries")
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="+")
    leads = models.BooleanField(
        default=False, help_text="The administration leads it (else: implements it nationally)."
    )
    status = models.CharField(max_length=20, choices=MilestoneStatus.choices, blank=True)
    progress = models.PositiveSmallIntegerField(null=True, blank=True)
    narrative = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "report entries"
        ordering = ["report", "milestone__due_date", "milestone__code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "milestone"], name="one_entry_per_milestone"),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100),
                name="entry_progress_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} / {self.milestone.code}"

    @property
    def missing(self) -> bool:
        return not (self.status and self.progress is not None and self.narrative.strip())


class DispatchStatus(models.TextChoices):
    PENDING = "pending", "Planned"
    QUEUED = "queued", "Handed to the outbox"
    CANCELLED = "cancelled", "Cancelled (not needed)"
    SKIPPED = "skipped", "Skipped (superseded after an outage, or too late)"
    FAILED = "failed", "Not sent: no recipient with an address"


FINAL_STATUSES = (DispatchStatus.QUEUED, DispatchStatus.FAILED, DispatchStatus.CANCELLED,
                  DispatchStatus.SKIPPED)


class ReminderDispatch(models.Model):
    """One reminder to one administration: when the policy wants it, and what became of it.

    ``scheduled_for`` is already inside the administration's working window (moved earlier
    for a reminder that must arrive before the deadline, later for an overdue one). When it
    comes, the planner hands the reminder to the outbox, one message per recipient
    (``secretariat.outbox``, purpose ``reporting.reminder``); the delivery state lives there.
    The unique key is what makes two planners unable to plan it twice.
    """

    cycle = models.ForeignKey(ReportingCycle, on_delete=models.CASCADE, related_name="dispatches")
    administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="reminder_dispatches"
    )
    kind = models.CharField(max_length=40, help_text="T-14, T0, T+7, T+14-escalation, manual-…")
    escalation = models.BooleanField(default=False)
    scheduled_for = models.DateTimeField(db_index=True)
    send_before = models.DateTimeField(
        null=True, blank=True, help_text="A reminder of the deadline must arrive before it."
    )
    status = models.CharField(
        max_length=10, choices=DispatchStatus.choices, default=DispatchStatus.PENDING
    )
    queued_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", help_text="Set for a 'remind now' from the secretariat.",
    )

    class Meta:
        verbose_name = "reminder"
        verbose_name_plural = "reminders"
        ordering = ["cycle", "administration", "scheduled_for"]
        indexes = [models.Index(fields=["status", "scheduled_for"],
                                name="reminder_status_scheduled")]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "administration", "kind"], name="one_reminder_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.administration_id} ({self.status})"

    def local_deadline(self) -> dt.datetime:
        return self.cycle.due_at.astimezone(zoneinfo.ZoneInfo(self.administration.time_zone))
