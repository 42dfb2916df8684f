"""ASEAN customs bodies: the DG meeting, the CCC, its working groups and the ASW track."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from secretariat.models import Administration, Contact


class Body(models.Model):
    """A body that meets and owns work: ``DG``, ``CCC``, ``CPTFWG``, ``SWG-ACTS``, ``ASW``...

    ``reports_to`` gives the hierarchy (the CCC and the ASW report to the DG meeting; the
    sub-working groups to the CPTFWG).
    """

    class Kind(models.TextChoices):
        DG_MEETING = "dg_meeting", "Directors-General meeting"
        COMMITTEE = "committee", "Committee"
        WORKING_GROUP = "working_group", "Working group"
        SUB_WORKING_GROUP = "sub_working_group", "Sub-working group"
        STEERING_COMMITTEE = "steering_committee", "Steering committee"

    code = models.CharField(max_length=20, unique=True, help_text="e.g. CPTFWG")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    reports_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="sub_bodies"
    )
    established_on = models.DateField(null=True, blank=True)
    established_at = models.CharField(
        max_length=200, blank=True, help_text="e.g. 15th DG meeting, Siem Reap, June 2006"
    )
    mandate = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "bodies"
        constraints = [
            models.CheckConstraint(
                condition=~Q(reports_to=models.F("pk")), name="body_does_not_report_to_itself"
            )
        ]

    def __str__(self) -> str:
        return self.code


class FocalPoint(models.Model):
    """An administration's contact person for one body."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="focal_points")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="focal_points")
    is_primary = models.BooleanField(default=True)

    class Meta:
        ordering = ["body", "contact__administration__country"]
        constraints = [
            models.UniqueConstraint(fields=["body", "contact"], name="unique_focal_point")
        ]

    def __str__(self) -> str:
        return f"{self.contact} for {self.body}"

    @property
    def administration(self) -> Administration:
        return self.contact.administration


class ChairRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    VICE_CHAIR = "vice_chair", "Vice-chair"


class BodyChairTermQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """An UPDATE sends no signal: forget the answers reading pages keep (``held_terms``,
        under the plan's data version)."""
        from workgroups.caching import PLAN

        changed = super().update(**kwargs)
        PLAN.bump()
        return changed

    def current_on(self, day: dt.date):
        return self.filter(Q(start_on__lte=day) & (Q(end_on__isnull=True) | Q(end_on__gte=day)))


class BodyChairTerm(models.Model):
    """An administration chairing (or vice-chairing) a body for a term.

    Terms run meeting to meeting, not by calendar year (DOMAIN.md), so both ends are dates,
    both inclusive (the day the next meeting opens is the next chair's first day); an open
    ``end_on`` means the term is still running. Rights follow these rows at the instant of
    each act (``workgroups.access.ChairRights``).
    """

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="chair_terms")
    administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="chair_terms"
    )
    role = models.CharField(max_length=20, choices=ChairRole.choices, default=ChairRole.CHAIR)
    start_on = models.DateField()
    end_on = models.DateField(null=True, blank=True, help_text="Empty: still running.")
    note = models.CharField(max_length=200, blank=True)
    is_inferred = models.BooleanField(
        default=False,
        help_text="Proposed by the rotation (the host of the next meeting), not confirmed.",
    )

    objects = BodyChairTermQuerySet.as_manager()

    class Meta:
        ordering = ["body", "-start_on", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="chair_term_period_is_ordered",
            ),
            models.UniqueConstraint(
                fields=["body", "role", "start_on"], name="one_chair_term_per_role_and_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.administration} {self.get_role_display()} of {self.body}"


class Plan(models.Model):
    """A generation of the Strategic Plan of Customs Development (e.g. SPCD 2021-2025)."""

    title = models.CharField(max_length=200, unique=True)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    endorsed_at = models.CharField(
        max_length=200, blank=True, help_text="e.g. 29th DG meeting, August 2020"
    )
    closing_note = models.CharField(
        max_length=300, blank=True, help_text="e.g. closed at a 99% implementation rate"
    )
    published = models.BooleanField(
        default=False, help_text="Partners and the public see the published summary."
    )

    class Meta:
        ordering = ["-start_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="plan_period_is_ordered"
            ),
            models.UniqueConstraint(fields=["start_year", "end_year"], name="unique_plan_period"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period(self) -> str:
        return f"{self.start_year}-{self.end_year}"


class StrategicGoal(models.Model):
    """A strategic goal / SPCD area of a plan. Their number is data, never hard-coded."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_goal_code_per_plan")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ActionLine(models.Model):
    goal = models.ForeignKey(StrategicGoal, on_delete=models.CASCADE, related_name="action_lines")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=300)

    class Meta:
        ordering = ["goal", "code"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "code"], name="unique_action_line_per_goal")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    DELAYED = "delayed", "Delayed"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


# Statuses after which a due date no longer makes a milestone overdue.
CLOSED_STATUSES = (MilestoneStatus.COMPLETED, MilestoneStatus.CANCELLED)

COMPLETED_NOT_100 = (
    "A completed milestone is at 100 %: set the progress to 100, or choose another status."
)


def status_progress_error(status: str, progress) -> dict[str, str]:
    """The field error when ``status`` and ``progress`` contradict each other, else ``{}``.

    One rule for every way in (the milestone form, the inline row, the API, the bulk XLSX,
    progress reports, the admin): "Completed" means 100 %. The message goes on ``progress``,
    the field the user is most likely to have left behind.
    """
    if status == MilestoneStatus.COMPLETED and progress is not None and progress != 100:
        return {"progress": COMPLETED_NOT_100}
    return {}


class MilestoneQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=CLOSED_STATUSES)

    def overdue(self, today: dt.date):
        return self.open().filter(due_date__lt=today)

    def published(self):
        return self.filter(published=True, action_line__goal__plan__published=True)

    def counted_in_rollup(self):
        """The milestones the roll-up formula counts: every one except cancelled ones."""
        return self.exclude(status=MilestoneStatus.CANCELLED)

    def rollup_sums_by_body(self):
        """Per owner body: the number of counted milestones and the sum of their progress.
        Sums, not means, so that ``workgroups.selectors.body_figures`` can add a body's
        sub-bodies to it without weighting means."""
        return (
            self.counted_in_rollup().order_by().values("body_id")
            .annotate(n=models.Count("id"), total=models.Sum("progress"))
        )

    def with_related(self):
        return self.select_related("body", "action_line__goal__plan").prefetch_related(
            "lead_administrations"
        )


class Milestone(models.Model):
    """A dated, owned step of the Strategic Plan.

    Status, progress and dates change only through ``workgroups.services.milestone_update``,
    which bumps ``version`` in the same conditional UPDATE that checks it (QUALITY.md "Lost
    updates") and writes exactly one history row per change.
    """

    action_line = models.ForeignKey(ActionLine, on_delete=models.PROTECT, related_name="milestones")
    code = models.CharField(max_length=30, unique=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="milestones", verbose_name="owner body"
    )
    lead_administrations = models.ManyToManyField(
        Administration, blank=True, related_name="led_milestones"
    )
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=MilestoneStatus.choices, default=MilestoneStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent, 0-100.")
    implemented_nationally = models.BooleanField(
        default=False, help_text="Each member state reports its own implementation status."
    )
    published = models.BooleanField(
        default=False, help_text="Shown (as a summary) to dialogue partners and the public."
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )

    history = HistoricalRecords(
        history_change_reason_field=models.TextField(null=True),
        excluded_fields=["updated_at"],
    )
    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "code"]
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="milestone_progress_0_100",
            ),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(due_date__gte=models.F("start_date")),
                name="milestone_dates_are_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self):
        super().clean()
        if error := status_progress_error(self.status, self.progress):
            raise ValidationError(error)

    def is_overdue(self, today: dt.date) -> bool:
        return bool(self.due_date and self.due_date < today and self.status not in CLOSED_STATUSES)

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


class MilestoneEvidence(models.Model):
    """A link (or, once ``meetings`` adds it, a meeting document) showing progress."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(max_length=300)
    url = models.URLField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["milestone", "-added_at"]

    def __str__(self) -> str:
        return self.title


class ImplementationStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    IMPLEMENTED = "implemented", "Implemented"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class NationalImplementation(models.Model):
    """One member state's implementation of a nationally implemented milestone."""

    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="national_implementations"
    )
    administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="implementations"
    )
    status = models.CharField(
        max_length=20, choices=ImplementationStatus.choices,
        default=ImplementationStatus.NOT_STARTED,
    )
    status_on = models.DateField(null=True, blank=True, help_text="Date of the status.")
    note = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(
        history_change_reason_field=models.TextField(null=True),
        excluded_fields=["updated_at"],
    )

    class Meta:
        ordering = ["milestone", "administration__country"]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "administration"], name="one_implementation_per_state"
            )
        ]

    def __str__(self) -> str:
        return f"{self.milestone.code} in {self.administration.code}: {self.status}"


class Initiative(models.Model):
    """A regional initiative followed state by state: AHTN, ASW, ACTS, AEO MRA..."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    body = models.ForeignKey(
        Body, on_delete=models.SET_NULL, null=True, blank=True, related_name="initiatives"
    )
    date_label = models.CharField(
        max_length=60, default="Since", help_text="What the date means, e.g. 'Signed on'."
    )
    detail_label = models.CharField(
        max_length=60, blank=True, help_text="What the detail means, e.g. 'Version implemented'."
    )
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class ParticipationStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    PREPARING = "preparing", "Preparing"
    PARTICIPATING = "participating", "Participating"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class InitiativeParticipation(models.Model):
    """One cell of the member-state x initiative board."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="participations"
    )
    administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="initiative_participations"
    )
    status = models.CharField(
        max_length=20, choices=ParticipationStatus.choices,
        default=ParticipationStatus.NOT_STARTED,
    )
    since = models.DateField(null=True, blank=True)
    detail = models.CharField(max_length=200, blank=True, help_text="e.g. AHTN 2022")
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )

    class Meta:
        ordering = ["initiative", "administration__country"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "administration"], name="one_participation_per_state"
            )
        ]

    def __str__(self) -> str:
        return f"{self.initiative.code} {self.administration.code}"


class Watch(models.Model):
    """A user following a milestone or a whole body (exactly one of the two)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workgroup_watches"
    )
    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, null=True, blank=True, related_name="watches"
    )
    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, null=True, blank=True, related_name="watches"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "watches"
        constraints = [
            models.CheckConstraint(
                condition=Q(milestone__isnull=False, body__isnull=True)
                | Q(milestone__isnull=True, body__isnull=False),
                name="watch_exactly_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "milestone"], condition=Q(milestone__isnull=False),
                name="one_watch_per_milestone",
            ),
            models.UniqueConstraint(
                fields=["user", "body"], condition=Q(body__isnull=False),
                name="one_watch_per_body",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} watches {self.milestone or self.body}"
