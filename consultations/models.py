"""Consultations of ASEAN customs with its dialogue partners.

A partner (``secretariat.Partner``) meets ASEAN customs in one or more *series* — "the ASEAN-WCO
Consultation" with the WCO Secretary General, the DG/Commissioner-level consultations with
Japan Customs — and each meeting of a series is a numbered ``Consultation``. The number belongs
to the series, not to the DG meeting it is held alongside: the 13th ASEAN-WCO Consultation took
place at the 33rd DG meeting.

Who sees what is decided in one place, ``ConsultationQuerySet.visible_to``; pages, the API and
the calendar feeds all go through it.
"""

import secrets
import uuid
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from meetings.models import ordinal_suffix
from secretariat.access import partner_id_of, role_of
from secretariat.models import Partner, Role, validate_time_zone


class PartnerContact(models.Model):
    """A person at a partner organisation the secretariat writes to about consultations.

    Kept apart from portal accounts: a partner's protocol office gets the change notices even
    if nobody there logs in. ``user`` links the account where there is one.
    """

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    full_name = models.CharField(max_length=200)
    position = models.CharField(max_length=200, blank=True)
    email = models.EmailField()
    receives_notices = models.BooleanField(
        default=True, help_text="Emailed when a consultation is confirmed, moved or cancelled."
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner_contacts",
    )

    class Meta:
        ordering = ["partner", "full_name"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "email"], name="unique_partner_contact")
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.partner})"


class ConsultationSeries(models.Model):
    """The consultations with one partner at one level, numbered in their own sequence."""

    class Level(models.TextChoices):
        DG_COMMISSIONER = "dg_commissioner", "Directors-General / Commissioners"
        SECRETARY_GENERAL = "secretary_general", "Secretary General"
        WORKING_GROUP = "working_group", "Working group"
        PRIVATE_SECTOR = "private_sector", "Private sector"

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="series")
    level = models.CharField(max_length=30, choices=Level.choices)
    title = models.CharField(
        max_length=200, help_text="Without the number, e.g. “ASEAN-WCO Consultation”."
    )
    is_numbered = models.BooleanField(
        default=True,
        help_text="Numbered series show “13th …”; private-sector dialogues often are not.",
    )

    class Meta:
        ordering = ["partner__name", "level"]
        verbose_name_plural = "consultation series"
        constraints = [
            models.UniqueConstraint(fields=["partner", "level"], name="one_series_per_level")
        ]

    def __str__(self) -> str:
        return self.title


class ConsultationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What ``user`` may know exists.

        The secretariat and the staff of the DG meeting's chair at this instant
        (``workgroups.access.ChairRights``) see everything; a partner sees all of its own
        consultations, published or not, and the published ones of others; everyone else
        (delegates, the public, a calendar app holding a feed token) sees published ones.
        """
        scope = self.scope_of(user)
        if scope[0] == "all":
            return self
        if scope[0] == "partner":
            return self.filter(Q(published=True) | Q(series__partner_id=scope[1]))
        return self.filter(published=True)

    @staticmethod
    def scope_of(user) -> tuple:
        """``visible_to``'s decision as a value, for the keys of cached lists: ``("all",)``,
        ``("partner", <partner id>)`` or ``("published",)``. The chair's rights are those
        of this instant, so the key changes the moment a term ends."""
        from workgroups.access import ChairRights

        role = role_of(user)
        if role == Role.SECRETARIAT or (
            role in {Role.CHAIR, Role.DELEGATE} and ChairRights(user).runs_conference()
        ):
            return ("all",)
        if role == Role.PARTNER:
            return ("partner", partner_id_of(user))
        return ("published",)

    def with_related(self):
        return self.select_related("series__partner", "meeting__body")

    def in_year(self, year: int):
        return self.filter(date__year=year)


class Consultation(models.Model):
    """One consultation of a series: “the 13th ASEAN-WCO Consultation”.

    Times are instants (UTC in the database) plus the venue's time zone, so a calendar shows
    09:00 in Phu Quoc whatever the subscriber's zone. ``sequence`` is the iCalendar SEQUENCE,
    raised by ``services.consultation_update`` on every change a calendar must pick up; ``uid``
    never changes, so calendar apps update the event instead of adding a second one.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        CONFIRMED = "confirmed", "Confirmed"
        HELD = "held", "Held"
        POSTPONED = "postponed", "Postponed"
        CANCELLED = "cancelled", "Cancelled"

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        HYBRID = "hybrid", "Hybrid"
        VIRTUAL = "virtual", "Virtual"

    series = models.ForeignKey(
        ConsultationSeries, on_delete=models.PROTECT, related_name="consultations"
    )
    ordinal = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="13 for the 13th; empty for an unnumbered series."
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name="held alongside",
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(
        "venue time zone", max_length=64, validators=[validate_time_zone]
    )
    date = models.DateField(editable=False, help_text="The local date at the venue.")
    venue = models.CharField(max_length=200, blank=True)
    mode = models.CharField(
        "attendance mode", max_length=20, choices=Mode.choices, default=Mode.IN_PERSON
    )
    mode_note = models.CharField(
        max_length=200, blank=True, help_text="e.g. “The WCO Secretary General joins virtually.”"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    agenda = models.TextField(blank=True, help_text="Topics, one per line.")
    documents = models.ManyToManyField(
        "meetings.Document", blank=True, related_name="consultations"
    )
    published = models.BooleanField(
        default=False, help_text="Unpublished: only the secretariat, the chair and the partner."
    )
    sequence = models.PositiveIntegerField(default=0, editable=False)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["published", "date"])]
        constraints = [
            # NULL ordinals (unnumbered series) never collide, on PostgreSQL and SQLite alike.
            models.UniqueConstraint(
                fields=["series", "ordinal"], name="unique_consultation_ordinal"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="consultation_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", args=[self.pk])

    @property
    def title(self) -> str:
        """“13th ASEAN-WCO Consultation”, the name used on pages, in feeds and emails."""
        if self.ordinal and self.series.is_numbered:
            return f"{ordinal_suffix(self.ordinal)} {self.series.title}"
        return self.series.title

    @property
    def partner(self) -> Partner:
        return self.series.partner

    @property
    def zoneinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self):
        return self.starts_at.astimezone(self.zoneinfo)

    @property
    def local_end(self):
        return self.ends_at.astimezone(self.zoneinfo)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def ical_uid(self) -> str:
        return f"consultation-{self.uid}@asean-customs-portal"


def new_feed_token() -> str:
    # 256 bits: the URL is the only credential a calendar app presents.
    return secrets.token_urlsafe(32)


class CalendarFeedToken(models.Model):
    """The secret in a person's private calendar URL. Rotating it kills the old URL."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_token"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


class ConsultationNotice(models.Model):
    """One change worth telling a partner's contacts about (what changed, at which SEQUENCE).

    Written in the same transaction as the change, together with one outbox message per
    contact (``consultations.notices``); the delivery state of each email lives in the outbox.
    """

    class Change(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        MOVED = "moved", "Moved"
        POSTPONED = "postponed", "Postponed"
        CANCELLED = "cancelled", "Cancelled"

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="notices"
    )
    change = models.CharField(max_length=20, choices=Change.choices)
    sequence = models.PositiveIntegerField(help_text="The consultation's SEQUENCE it announces.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "sequence"], name="one_notice_per_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.consultation} {self.change} (seq {self.sequence})"
