"""What happened at a meeting and what follows from it: attendance per session, decisions per
agenda item, action items, and the papers-posted notices people asked for.

Who may see a decision or an action item is decided in one place, ``records.access``; every
page, API view, PDF, export and notice filters through ``DecisionQuerySet.visible_to``.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from meetings.models import Visibility
from meetings.records.access import levels_for, owned_filter
from meetings.records.caching import BumpsRecordsOnUpdate

# Agenda items nest; a decision is hidden if its item or any ancestor up to this depth is.
# The agenda services cap a child at its parent's visibility, so this is a second fence.
ANCESTOR_DEPTH = 4


def _item_chain_visible(prefix: str, levels: list[str]) -> Q:
    rule = Q()
    path = prefix + "agenda_item"
    for _ in range(ANCESTOR_DEPTH):
        rule &= Q(**{f"{path}__isnull": True}) | Q(**{f"{path}__visibility__in": levels})
        path += "__parent"
    return rule


class DecisionQuerySet(BumpsRecordsOnUpdate, models.QuerySet):
    def visible_to(self, user):
        """Decisions ``user`` may see: its own visibility and its agenda item's chain."""
        levels = levels_for(user)
        return self.filter(_item_chain_visible("", levels), visibility__in=levels)

    def for_audience(self, levels: list[str]):
        """The same rule for an audience rather than a person (an issued record)."""
        return self.filter(_item_chain_visible("", levels), visibility__in=levels)


class ActionItemQuerySet(BumpsRecordsOnUpdate, models.QuerySet):
    def visible_to(self, user):
        """An action item is seen by whoever may see its decision."""
        return self.for_audience(levels_for(user))

    def for_audience(self, levels: list[str]):
        return self.filter(_item_chain_visible("decision__", levels),
                           decision__visibility__in=levels)

    def owned_by(self, user, at=None):
        """The items ``user`` answers for (``records.access.owned_filter``), that they see."""
        return self.visible_to(user).filter(owned_filter(user, at))

    def open(self):
        return self.filter(status=ActionStatus.OPEN)

    def overdue(self, today: dt.date):
        return self.open().filter(due_date__lt=today)


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    ONLINE = "online", "Online"
    ABSENT = "absent", "Absent"


class Attendance(models.Model):
    """Whether one nominated participant attended one session. Changes after the meeting
    (a late correction) are kept in the history, with who made them."""

    session = models.ForeignKey(
        "meetings.Session", on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        "meetings.DelegationMember", on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(max_length=10, choices=AttendanceStatus.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    marked_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "member"]
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="one_mark_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.session}: {self.get_status_display()}"


class DecisionKind(models.TextChoices):
    """The ASEAN register of a summary record: "The Meeting noted / endorsed / agreed /
    tasked ..."."""

    NOTED = "noted", "Noted"
    ENDORSED = "endorsed", "Endorsed"
    AGREED = "agreed", "Agreed"
    TASKED = "tasked", "Tasked"


class Decision(models.Model):
    """One short record under an agenda item. Never more visible than its item (and the
    item's parents): ``services.decision_create`` refuses a wider visibility."""

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="decisions"
    )
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem", on_delete=models.CASCADE, related_name="decisions"
    )
    kind = models.CharField(max_length=10, choices=DecisionKind.choices)
    text = models.TextField(help_text="“The Meeting endorsed ...”")
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    follow_up_body = models.ForeignKey(
        "workgroups.Body", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The body that follows it up, where there is one.",
    )
    documents = models.ManyToManyField(
        "meetings.Document", blank=True, related_name="decisions",
        help_text="The papers it refers to (each shown only to those who may read it).",
    )
    position = models.PositiveSmallIntegerField(default=1)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["agenda_item", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class OwnerKind(models.TextChoices):
    BODY = "body", "A body"
    ADMINISTRATION = "administration", "An administration"
    SECRETARIAT = "secretariat", "The ASEAN Secretariat"


class ActionItem(models.Model):
    """Follow-up of a decision, with an owner, a due date and a status. Seen by whoever may
    see its decision; reminded once to its owner when overdue (``records.reminders``)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="action_items",
        help_text="The decision's meeting, kept here for the next meeting's matters arising.",
    )
    text = models.CharField(max_length=500)
    owner_kind = models.CharField(max_length=20, choices=OwnerKind.choices)
    owner_body = models.ForeignKey(
        "workgroups.Body", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_administration = models.ForeignKey(
        "secretariat.Administration", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=ActionStatus.choices,
                              default=ActionStatus.OPEN)
    milestone = models.ForeignKey(
        "workgroups.Milestone", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="action_items", help_text="The Strategic Plan milestone it serves.",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                name="action_owner_matches_kind",
                condition=(
                    Q(owner_kind="body", owner_body__isnull=False,
                      owner_administration__isnull=True)
                    | Q(owner_kind="administration", owner_body__isnull=True,
                        owner_administration__isnull=False)
                    | Q(owner_kind="secretariat", owner_body__isnull=True,
                        owner_administration__isnull=True)
                ),
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def etag(self) -> str:
        return f'"{self.version}"'

    @property
    def owner_label(self) -> str:
        if self.owner_kind == OwnerKind.BODY:
            return self.owner_body.code
        if self.owner_kind == OwnerKind.ADMINISTRATION:
            return self.owner_administration.country
        return "ASEAN Secretariat"

    def is_overdue(self, today: dt.date) -> bool:
        return self.status == ActionStatus.OPEN and self.due_date < today


# --- Papers-posted notices ------------------------------------------------------------------


class NoticeMode(models.TextChoices):
    IMMEDIATELY = "immediately", "Immediately, one email per paper"
    DAILY = "daily", "A daily digest, the next morning"
    NONE = "none", "No email"


class NoticePreference(models.Model):
    """How a person wants to hear about papers posted on meetings they are expected at.
    No row means the default: a daily digest for every body."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="paper_notices"
    )
    mode = models.CharField(max_length=20, choices=NoticeMode.choices, default=NoticeMode.DAILY)
    bodies = models.ManyToManyField(
        "workgroups.Body", blank=True, related_name="+",
        help_text="Only meetings of these bodies; none chosen means every body.",
    )

    def __str__(self) -> str:
        return f"{self.user}: {self.get_mode_display()}"


class PaperEvent(models.Model):
    class Kind(models.TextChoices):
        POSTED = "posted", "Posted"
        REPLACED = "replaced", "Replaced by a new version"
        WITHDRAWN = "withdrawn", "Withdrawn"

    document = models.ForeignKey(
        "meetings.Document", on_delete=models.CASCADE, related_name="paper_events"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="paper_events"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    version_number = models.PositiveIntegerField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.document} {self.kind}"


class PaperDigest(models.Model):
    """One person's digest for one local day: at most one email per person per day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    day = models.DateField(help_text="The day the papers were posted, in the person's zone.")
    events = models.ManyToManyField(PaperEvent, related_name="digests")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"
