"""Meetings of the ASEAN customs bodies, their agendas, delegations and documents.

Who may see a document is decided in one place, ``DocumentQuerySet.visible_to``; views, the API,
the meeting pack, search and other apps (consultation papers) all go through it.
"""

import datetime as dt
import uuid
import zoneinfo
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Lookup, Q
from django.utils import timezone

from meetings.caching import BumpsMeetingsOnUpdate
from secretariat.access import Clearance, clearance_of, is_member_staff, is_secretariat
from secretariat.models import Administration, validate_time_zone


def ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


# ---------------------------------------------------------------------------------------------
# Meetings
# ---------------------------------------------------------------------------------------------


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CONVENED = "convened", "Convened"
    HELD = "held", "Held"
    POSTPONED = "postponed", "Postponed"
    CANCELLED = "cancelled", "Cancelled"


class MeetingQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """An UPDATE sends no signal: make the cached meeting lists unreachable here."""
        from meetings.caching import MEETINGS

        changed = super().update(**kwargs)
        MEETINGS.bump()
        return changed

    def with_related(self):
        return self.select_related("body", "host").prefetch_related("host__names")

    def upcoming(self, today: dt.date | None = None):
        today = today or timezone.localdate()
        return self.filter(end_date__gte=today).order_by("start_date")

    def past(self, today: dt.date | None = None):
        today = today or timezone.localdate()
        return self.filter(end_date__lt=today).order_by("-start_date")


class Meeting(models.Model):
    """One numbered meeting of a body: "the 33rd DG meeting", "the 32nd CCBWG meeting".

    The ordinal is stored, never derived from the year: two DG meetings were held in 1995. The
    chairing person is stored apart from the host, because a deputy may chair (the 32nd was
    chaired by Thai Customs' Deputy Director-General).
    """

    body = models.ForeignKey("workgroups.Body", on_delete=models.PROTECT, related_name="meetings")
    ordinal = models.PositiveSmallIntegerField(help_text="33 for the 33rd meeting of the body.")
    title = models.CharField(
        max_length=200, blank=True, help_text="Empty: “33rd DG meeting” from body and ordinal."
    )
    host = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_meetings",
        help_text="Empty for a virtual meeting without a host.",
    )
    host_is_inferred = models.BooleanField(
        default=False,
        help_text="The host is a proposal from the rotation, not yet confirmed.",
    )
    city = models.CharField(max_length=100, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    time_zone = models.CharField(
        "venue time zone", max_length=64, validators=[validate_time_zone],
        default="Asia/Jakarta",
    )
    chair_name = models.CharField("chairing person", max_length=200, blank=True)
    chair_title = models.CharField("title of the chairing person", max_length=200, blank=True)
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=MeetingStatus.choices,
                              default=MeetingStatus.DRAFT)
    nomination_deadline = models.DateTimeField(
        null=True, blank=True, help_text="Delegations are nominated online until this instant."
    )
    convened_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Optimistic concurrency (ETag / If-Match) and the iCalendar SEQUENCE of the invitation:
    # ``version`` moves on every edit, ``sequence`` only when a sent invitation changes.
    version = models.PositiveIntegerField(default=1, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["body", "ordinal"], name="unique_meeting_ordinal"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="meeting_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        return f"{ordinal_suffix(self.ordinal)} {self.body.code} Meeting"

    @property
    def zoneinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def place(self) -> str:
        parts = [self.city, self.host.country if self.host else ""]
        return ", ".join(p for p in parts if p)

    def host_name(self) -> str:
        """The host administration's name as it was at the meeting (names change)."""
        if self.host is None:
            return ""
        name = self.host.name_on(self.start_date)
        return name.name if name else self.host.country

    def is_upcoming(self, today: dt.date | None = None) -> bool:
        return self.end_date >= (today or timezone.localdate())

    @property
    def etag(self) -> str:
        return f'"{self.version}"'

    @property
    def ical_uid(self) -> str:
        return f"meeting-{self.uid}@asean-customs-portal"

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    def nominations_open(self, now: dt.datetime | None = None) -> bool:
        """Delegates nominate until the deadline; without one, until the meeting opens."""
        now = now or timezone.now()
        if self.status == MeetingStatus.CANCELLED:
            return False
        if self.nomination_deadline is not None:
            return now < self.nomination_deadline
        opening = dt.datetime.combine(self.start_date, dt.time.min, tzinfo=self.zoneinfo)
        return now < opening


class MeetingDataQuerySet(BumpsMeetingsOnUpdate, models.QuerySet):
    """For the models the meeting page shows that have no QuerySet of their own."""


class Session(models.Model):
    """A slot of the timetable. Stored as instants; shown in the viewer's and the venue's zone."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIRTUAL = "virtual", "Virtual"
        HYBRID = "hybrid", "Hybrid"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    mode = models.CharField(
        "attendance mode", max_length=20, choices=Mode.choices, default=Mode.IN_PERSON
    )
    location = models.CharField(
        max_length=200, blank=True, help_text="Room, or the video link's name."
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    objects = MeetingDataQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_it_starts"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def etag(self) -> str:
        return f'"{self.version}"'

    @property
    def ical_uid(self) -> str:
        return f"session-{self.uid}@asean-customs-portal"


# ---------------------------------------------------------------------------------------------
# Agenda
# ---------------------------------------------------------------------------------------------


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    MEMBERS = "members", "Members"
    SECRETARIAT = "secretariat", "Secretariat only"


class AgendaItemQuerySet(BumpsMeetingsOnUpdate, models.QuerySet):
    def update(self, **kwargs):
        """An UPDATE sends no signal: a changed visibility must reach the cached records
        panels too (``meetings.records.caching``); the meetings' version moves in the mixin."""
        from meetings.records.caching import RECORDS

        changed = super().update(**kwargs)
        RECORDS.bump()
        return changed

    def visible_to(self, user):
        if is_secretariat(user):
            return self
        if clearance_of(user) >= Clearance.MEMBERS:
            return self.exclude(visibility=Visibility.SECRETARIAT)
        return self.filter(visibility=Visibility.PUBLIC)

    def in_agenda_order(self):
        """1, 1.1, 1.2, 2...: top-level items by position, each followed by its sub-items."""
        return self.annotate(
            top_position=models.functions.Coalesce("parent__position", "position"),
            depth=models.Case(
                models.When(parent__isnull=True, then=0), default=1,
                output_field=models.IntegerField(),
            ),
        ).order_by("top_position", "depth", "position")


class AgendaItem(models.Model):
    """A numbered agenda item; sub-items (1.1, 1.2.1) point to their parent, at any depth.

    ``position`` orders siblings; the number a viewer sees is computed from the siblings that
    viewer may see (``meetings.agenda.numbered_tree``), so a hidden item leaves no gap. An
    item is never more visible than its parent (``services.agenda_item_*`` enforce it).
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    position = models.PositiveSmallIntegerField(help_text="2 for item 2, or for item 1.2.")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "parent_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"],
                condition=Q(parent__isnull=True),
                name="unique_top_agenda_position",
            ),
            models.UniqueConstraint(
                fields=["parent", "position"],
                condition=Q(parent__isnull=False),
                name="unique_sub_agenda_position",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """The number as viewers see it when set by ``numbered_tree``; else the stored one."""
        shown = getattr(self, "display_number", None)
        if shown:
            return shown
        if self.parent_id is None:
            return str(self.position)
        return f"{self.parent.position}.{self.position}"

    @property
    def etag(self) -> str:
        return f'"{self.version}"'

    @property
    def is_sub_item(self) -> bool:
        return self.parent_id is not None


# ---------------------------------------------------------------------------------------------
# Delegations
# ---------------------------------------------------------------------------------------------


class NominationState(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"  # no Delegation row yet; never stored
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class Delegation(models.Model):
    """An administration's delegation to one meeting; observers (Timor-Leste at the 33rd) too."""

    class Capacity(models.TextChoices):
        MEMBER = "member", "Member"
        OBSERVER = "observer", "Observer"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="delegations")
    administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="delegations"
    )
    capacity = models.CharField(max_length=20, choices=Capacity.choices, default=Capacity.MEMBER)
    # The online nomination: its own staff draft it and submit it before the deadline.
    state = models.CharField(max_length=20, choices=NominationState.choices,
                             default=NominationState.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = MeetingDataQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "administration__country"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "administration"], name="one_delegation_per_administration"
            )
        ]

    def __str__(self) -> str:
        return f"{self.administration} at {self.meeting}"


class DelegationMember(models.Model):
    class Role(models.TextChoices):
        HEAD = "head", "Head of delegation"
        DELEGATE = "delegate", "Delegate"
        OBSERVER = "observer", "Observer"

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(max_length=200)
    position = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.DELEGATE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delegation_memberships",
        help_text="Links the portal account: a head of delegation then sees restricted papers.",
    )
    email = models.EmailField(blank=True)
    sessions = models.ManyToManyField(
        Session, blank=True, related_name="attendees", help_text="Empty: every session."
    )

    objects = MeetingDataQuerySet.as_manager()

    class Meta:
        ordering = ["delegation", "role", "full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["delegation"], condition=Q(role="head"), name="one_head_per_delegation"
            )
        ]

    def __str__(self) -> str:
        return self.full_name


# ---------------------------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------------------------


# English stemming ("seizures" finds "seizure") for the stored vector and every query on it;
# the portal-wide search (``secretariat.search``) uses the same configuration.
SEARCH_CONFIG = "english"


class TsVectorField(models.Field):
    """A ``tsvector`` column on PostgreSQL, plain text elsewhere (the SQLite demo).

    ``django.contrib.postgres.search.SearchVectorField`` would make the whole project require
    ``django.contrib.postgres`` and PostgreSQL; search falls back to ``icontains`` on SQLite.
    """

    description = "Full-text search vector (PostgreSQL)"

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"


@TsVectorField.register_lookup
class WebSearchMatch(Lookup):
    """``search_vector__websearch="customs transit"`` → ``@@ websearch_to_tsquery``."""

    lookup_name = "websearch"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        sql = f"{lhs} @@ websearch_to_tsquery('{SEARCH_CONFIG}', {rhs})"
        return sql, [*lhs_params, *rhs_params]


class AccessLevel(models.TextChoices):
    """Who may read a document; the order matches ``secretariat.access.Clearance``."""

    PUBLIC = "public", "Public"
    PARTNERS = "partners", "Dialogue partners"
    MEMBERS = "members", "Members"
    RESTRICTED = "restricted", "Restricted"

    @property
    def clearance(self) -> Clearance:
        return Clearance[self.name]

    @classmethod
    def up_to(cls, clearance: Clearance) -> list[str]:
        return [level.value for level in cls if level.clearance <= clearance]


class DocumentQuerySet(BumpsMeetingsOnUpdate, models.QuerySet):
    def visible_to(self, user, *, now: dt.datetime | None = None,
                   include_withdrawn: bool = False):
        """Documents ``user`` may read now.

        The role's clearance sets the baseline; a head of delegation of a meeting (a
        ``DelegationMember`` with role ``head`` linked to the account) also reads that
        meeting's restricted papers. Before its embargo lifts, a document needs both its own
        level and its embargo level. Withdrawn papers are visible to nobody here (the
        secretariat reaches them through ``with_withdrawn``); ``include_withdrawn`` asks
        instead "would ``user`` be cleared for it as it stands", for telling of a withdrawal.
        """
        now = now or timezone.now()
        clearance = clearance_of(user)
        allowed = AccessLevel.up_to(clearance)
        not_embargoed = Q(embargo_until__isnull=True) | Q(embargo_until__lte=now)
        rule = Q(access_level__in=allowed) & (not_embargoed | Q(embargo_level__in=allowed))
        # Only active staff of a member administration can head a delegation; a stale link on
        # a deactivated or re-roled account opens nothing.
        if clearance < Clearance.RESTRICTED and is_member_staff(user):
            headed = DelegationMember.objects.filter(
                user=user, role=DelegationMember.Role.HEAD
            ).values("delegation__meeting_id")
            rule |= Q(meeting_id__in=headed)
        if include_withdrawn:
            return self.filter(rule)
        return self.filter(rule, withdrawn_at__isnull=True)

    def audience(self, user, now: dt.datetime) -> tuple[tuple, tuple[float, ...]]:
        """What decides which of these papers ``visible_to`` shows ``user``, as values for
        the keys of cached lists: ``(readers, lifting)``. ``readers`` is the clearance and,
        for member staff below the secretariat's, the meetings whose delegation they head;
        ``lifting`` the instants (POSIX seconds, ascending) after ``now`` at which an embargo
        lifts, so that a cached list names the next one and is rebuilt at that instant
        without any write. One query (the heads are a UNION ALL of the same statement)."""
        clearance = clearance_of(user)
        rows = self.filter(embargo_until__gt=now).order_by().values_list(
            "embargo_until", models.Value(None, output_field=models.IntegerField()))
        heads = clearance < Clearance.RESTRICTED and is_member_staff(user)
        if heads:
            rows = rows.union(DelegationMember.objects.filter(
                user=user, role=DelegationMember.Role.HEAD).order_by().values_list(
                models.Value(None, output_field=models.DateTimeField()),
                "delegation__meeting_id"), all=True).order_by()  # (the union keeps Meta ordering)
        rows = list(rows)
        headed = tuple(sorted({meeting for _, meeting in rows if meeting is not None}))
        lifting = tuple(sorted({instant.timestamp() for instant, _ in rows if instant}))
        return (int(clearance), headed), lifting

    def with_related(self):
        return self.select_related(
            "meeting__body", "agenda_item__parent", "current_version"
        )

    def withdrawn(self):
        return self.filter(withdrawn_at__isnull=False)


class Document(models.Model):
    """A paper of a meeting. The file lives in its versions; ``current_version`` is the latest.

    Minutes go draft → adopted; adopted minutes are locked: a correction is a new version with
    a reason (``services.document_version_add`` enforces it).
    """

    class Kind(models.TextChoices):
        AGENDA = "agenda", "Agenda"
        ANNOTATED_AGENDA = "annotated_agenda", "Annotated agenda"
        MINUTES = "minutes", "Minutes"
        REPORT = "report", "Report"
        WORKING_PAPER = "working_paper", "Working paper"
        PRESENTATION = "presentation", "Presentation"
        JOINT_MEDIA_STATEMENT = "joint_media_statement", "Joint Media Statement"
        OTHER = "other", "Other"

    class MinutesState(models.TextChoices):
        DRAFT = "draft", "Draft"
        ADOPTED = "adopted", "Adopted"

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.WORKING_PAPER)
    language = models.CharField(max_length=10, default="en", help_text="e.g. en, vi, th")
    access_level = models.CharField(
        max_length=20, choices=AccessLevel.choices, default=AccessLevel.MEMBERS
    )
    embargo_until = models.DateTimeField(
        null=True, blank=True, help_text="Before this instant the embargo level applies too."
    )
    embargo_level = models.CharField(
        max_length=20, choices=AccessLevel.choices, default=AccessLevel.MEMBERS
    )
    minutes_state = models.CharField(
        max_length=20, choices=MinutesState.choices, default=MinutesState.DRAFT
    )
    adopted_at = models.DateTimeField(null=True, blank=True)
    current_version = models.ForeignKey(
        "DocumentVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The latest version, kept here so a list costs no query per row.",
    )
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="Withdrawn papers stay in the record but leave every list.",
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    search_text = models.TextField(blank=True, editable=False)
    # A tsvector on PostgreSQL (GIN-indexed by migration 0002); unused elsewhere.
    search_vector = TsVectorField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "agenda_item", "title"]
        indexes = [models.Index(fields=["meeting", "access_level"])]

    def __str__(self) -> str:
        return self.title

    def effective_level(self, now: dt.datetime | None = None) -> str:
        """The level that applies now: the stricter one while the embargo holds."""
        now = now or timezone.now()
        level = AccessLevel(self.access_level)
        if self.embargo_until and now < self.embargo_until:
            embargo = AccessLevel(self.embargo_level)
            if embargo.clearance > level.clearance:
                return embargo.value
        return level.value

    def is_embargoed(self, now: dt.datetime | None = None) -> bool:
        return self.effective_level(now) != self.access_level

    @property
    def is_locked(self) -> bool:
        return self.kind == self.Kind.MINUTES and self.minutes_state == self.MinutesState.ADOPTED


def version_upload_to(instance: "DocumentVersion", filename: str) -> str:
    """An unguessable path: the original name is kept in the row, never on disk."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    token = uuid.uuid4().hex
    return f"documents/{token[:2]}/{token}{suffix}"


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=version_upload_to, max_length=200)
    original_filename = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.BigIntegerField(help_text="Bytes.")
    content_type = models.CharField(max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="uploaded_document_versions",
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(
        max_length=300, blank=True, help_text="Why this version replaces the last."
    )

    objects = MeetingDataQuerySet.as_manager()

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class DownloadLog(models.Model):
    """Who downloaded which version, when: the secretariat's record of access."""

    class Channel(models.TextChoices):
        WEB = "web", "Web"
        API = "api", "API"
        PACK = "pack", "Meeting pack"

    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="document_downloads",
    )
    downloaded_at = models.DateTimeField(default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)

    class Meta:
        ordering = ["-downloaded_at"]

    def __str__(self) -> str:
        return f"{self.user or 'anonymous'} → {self.version}"


# ---------------------------------------------------------------------------------------------
# Evidence for the Strategic Plan
# ---------------------------------------------------------------------------------------------


class MilestoneEvidenceDocument(models.Model):
    """A meeting document cited as evidence of a Strategic Plan milestone's progress.

    It lives here, not in ``workgroups``, because ``meetings`` sits above ``workgroups``: links
    (``workgroups.MilestoneEvidence``) and documents are the two kinds of evidence. The link
    carries no access level of its own: who sees the title is decided by the document's
    (``DocumentQuerySet.visible_to``), so citing a restricted paper never widens its audience.
    """

    milestone = models.ForeignKey(
        "workgroups.Milestone", on_delete=models.CASCADE, related_name="evidence_documents"
    )
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="evidence_links"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["milestone", "-added_at"]
        verbose_name = "milestone evidence document"
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "document"], name="unique_evidence_document"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} → {self.milestone_id}"


# ---------------------------------------------------------------------------------------------
# Convening notices
# ---------------------------------------------------------------------------------------------


class MeetingNotice(models.Model):
    """One convening notice, update or cancellation of a meeting: the invitation as sent.

    Each recipient's email is an ``secretariat.OutboxMessage`` about this row, so
    ``(notice, recipient)`` is sent once; the ``.ics`` is frozen here when the notice is
    made, so a retry sends exactly what the page showed at that moment.
    """

    class Kind(models.TextChoices):
        CONVENING = "convening", "Convening notice"
        UPDATE = "update", "Update"
        CANCELLATION = "cancellation", "Cancellation"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sequence = models.PositiveIntegerField()
    ics = models.TextField(help_text="The iCalendar invitation (METHOD:REQUEST or CANCEL).")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "sequence"],
                                    name="one_meeting_notice_per_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.meeting} (seq {self.sequence})"


class NominationReminder(models.Model):
    """One "remind now" of an administration about its nomination: the outbox sends its
    emails once per recipient (``(purpose, this row, recipient)`` is unique there)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    administration = models.ForeignKey(Administration, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Reminder to {self.administration} about {self.meeting}"
