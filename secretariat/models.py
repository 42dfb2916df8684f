"""The portal's core: member administrations, dialogue-partner organisations and people."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from knox.models import AbstractAuthToken

from secretariat.dataversion import BumpsWatchersOnUpdate


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone (e.g. Asia/Jakarta).")


class AdministrationQuerySet(BumpsWatchersOnUpdate, models.QuerySet):
    def with_names(self):
        """Prefetch the name history so ``name_on()`` costs no query per row."""
        return self.prefetch_related("names")

    def members_on(self, day: dt.date):
        return self.filter(member_since__lte=day).exclude(left_on__lte=day)


class Administration(models.Model):
    """The customs administration of an ASEAN Member State (or observer).

    Membership is derived from dates, never stored as a flag: Timor-Leste was an observer from
    2022 and became the 11th member on 26 October 2025, and a page about a 2024 meeting must
    still show it as an observer.
    """

    code = models.CharField(
        "ISO 3166 code", max_length=2, unique=True, help_text="Two letters, e.g. VN."
    )
    country = models.CharField("member state", max_length=80, unique=True)
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    observer_since = models.DateField(null=True, blank=True)
    member_since = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    website = models.URLField(blank=True)

    objects = AdministrationQuerySet.as_manager()

    class Meta:
        ordering = ["country"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member_since__isnull=False) | Q(observer_since__isnull=False),
                name="administration_has_member_or_observer_date",
            ),
        ]

    def __str__(self) -> str:
        return self.country

    def membership_on(self, day: dt.date | None = None) -> str:
        day = day or timezone.localdate()
        if self.left_on and self.left_on <= day:
            return "former"
        if self.member_since and self.member_since <= day:
            return "member"
        if self.observer_since and self.observer_since <= day:
            return "observer"
        return "none"

    @property
    def membership_status(self) -> str:
        return self.membership_on()

    def name_on(self, day: dt.date | None = None) -> "AdministrationName | None":
        """The name valid on ``day`` (today by default), from the prefetched history."""
        day = day or timezone.localdate()
        for name in sorted(self.names.all(), key=lambda n: n.valid_from or dt.date.min):
            starts_ok = name.valid_from is None or name.valid_from <= day
            ends_ok = name.valid_until is None or day < name.valid_until
            if starts_ok and ends_ok:
                return name
        return None

    @property
    def name(self) -> str:
        current = self.name_on()
        return current.name if current else self.country

    @property
    def zoneinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class AdministrationName(models.Model):
    """One name of an administration over a period; ``valid_until`` is exclusive."""

    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="names"
    )
    name = models.CharField(max_length=200)
    abbreviation = models.CharField(max_length=20, blank=True)
    valid_from = models.DateField(null=True, blank=True, help_text="Empty: since the start.")
    valid_until = models.DateField(null=True, blank=True, help_text="Empty: still in use.")

    class Meta:
        ordering = ["administration", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gt=models.F("valid_from")),
                name="administration_name_period_is_ordered",
            ),
            models.UniqueConstraint(
                fields=["administration"],
                condition=Q(valid_until__isnull=True),
                name="one_current_name_per_administration",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A person an administration names: its head, or a focal point (per body, in workgroups)."""

    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="contacts"
    )
    full_name = models.CharField(max_length=200)
    position = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_head = models.BooleanField(
        "head of administration", default=False, help_text="Receives escalated reminders."
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
    )

    class Meta:
        ordering = ["administration", "-is_head", "full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["administration"],
                condition=Q(is_head=True),
                name="one_head_per_administration",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.administration.code})"


class Partner(models.Model):
    """A dialogue partner organisation: an international organisation, a partner customs
    administration or a private-sector council. Consultations with it live in ``consultations``."""

    class Kind(models.TextChoices):
        INTERNATIONAL_ORGANISATION = "international_organisation", "International organisation"
        CUSTOMS_ADMINISTRATION = "customs_administration", "Partner customs administration"
        PRIVATE_SECTOR = "private_sector", "Private-sector council"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    country = models.CharField(max_length=80, blank=True)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", "ASEAN Secretariat"
    CHAIR = "chair", "Chair-country staff"
    DELEGATE = "delegate", "Delegate"
    PARTNER = "partner", "Dialogue partner"


class Profile(models.Model):
    """What the portal knows about a user beyond Django's auth: role and affiliation.

    The role is the single source of truth for what a person may do; object scoping (which
    administration, which partner) comes from the affiliation. Secretariat staff also get
    Django's ``is_staff`` for the admin, set by ``secretariat.services.person_create``.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    position = models.CharField(max_length=200, blank=True)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Empty: the administration's time zone.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="profile_affiliation_matches_role",
                condition=(
                    Q(role="secretariat", administration__isnull=True, partner__isnull=True)
                    | Q(role__in=["chair", "delegate"], administration__isnull=False,
                        partner__isnull=True)
                    | Q(role="partner", partner__isnull=False, administration__isnull=True)
                ),
                violation_error_message=(
                    "Chair staff and delegates belong to an administration, partners to a "
                    "partner organisation, and secretariat staff to neither."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()})"

    @property
    def affiliation(self) -> Administration | Partner | None:
        return self.administration or self.partner

    @property
    def effective_time_zone(self) -> str:
        if self.time_zone:
            return self.time_zone
        if self.administration_id:
            return self.administration.time_zone
        return settings.PORTAL_DEFAULT_TIME_ZONE


# --- Outbox and jobs (issue 9) --------------------------------------------------------------
# The rows behind ``secretariat.outbox`` (every email) and ``secretariat.jobs`` (every
# background job that must happen). Read those modules' docstrings before using them.


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled (not needed any more)"
    SKIPPED = "skipped", "Skipped (too late or superseded)"
    DONE = "done", "Done"  # jobs only


FINAL_DELIVERY_STATES = (DeliveryState.SENT, DeliveryState.FAILED, DeliveryState.CANCELLED,
                         DeliveryState.SKIPPED, DeliveryState.DONE)


class Delivery(models.Model):
    """What the outbox machinery needs on a row: state, schedule, claim and attempts.

    ``due_at`` is when the row may next be tried; ``claim_token`` names the one worker that
    holds the row until ``lease_until``; every finishing UPDATE matches the token, so a worker
    that outlived its lease changes nothing. ``enqueued_at`` says when a task was last put on
    the broker for it (the sweeper re-offers rows never queued, or queued and lost).
    """

    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    due_at = models.DateTimeField()
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class OutboxMessage(Delivery):
    """One email to one recipient for one (purpose, object): the unique key makes a rerun, a
    redelivered task or two planners unable to create or send it twice."""

    purpose = models.CharField(max_length=80, help_text="e.g. reporting.reminder")
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    recipient = models.EmailField(max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", help_text="The recipient's account, when there is one.",
    )
    template = models.CharField(max_length=120, help_text="Template triplet prefix.")
    context = models.JSONField(default=dict, blank=True)
    not_before = models.DateTimeField(help_text="The earliest the message may go.")
    send_before = models.DateTimeField(
        null=True, blank=True, help_text="Skipped if it cannot go before this instant."
    )
    window = models.JSONField(
        null=True, blank=True, help_text="Working window it may be sent in (empty: any time)."
    )
    message_id = models.CharField(max_length=255, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "due_at"], name="outbox_state_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "content_type", "object_id", "recipient"],
                name="one_message_per_purpose_object_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} #{self.object_id} to {self.recipient} ({self.state})"

    @property
    def subject_object(self):
        """The object the message is about (the ``obj`` it was queued for); None if deleted."""
        model = self.content_type.model_class()
        if model is None:
            return None
        return model._default_manager.filter(pk=self.object_id).first()


class Job(Delivery):
    """A background job recorded in the transaction of the write that needs it."""

    name = models.CharField(max_length=80, help_text="Registered job name.")
    kwargs = models.JSONField(default=dict, blank=True)
    key = models.CharField(
        max_length=200, blank=True,
        help_text="Jobs with the same key are coalesced while one is pending.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "due_at"], name="job_state_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(state="pending") & ~Q(key=""),
                name="one_pending_job_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.kwargs} ({self.state})"
# --- API tokens (issue 10) ----------------------------------------------------------------------

class ApiToken(AbstractAuthToken):
    """An API token, stored as a hash (django-rest-knox), with an expiry and a label.

    One per device or integration: each login through ``POST /api/v1/auth/token/`` makes a
    new one. ``last_used_at`` is refreshed at most once a minute (``secretariat.tokens``).
    """

    name = models.CharField(max_length=100, blank=True,
                            help_text="What the token is for, e.g. the integration's name.")
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name or 'API token'} of {self.user} ({self.token_key}…)"
