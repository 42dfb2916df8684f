"""Bilateral side meetings beside a meeting (the 33rd DG meeting held about 25).

One side is always a delegation of the meeting (the requester); the other is another
delegation or a dialogue partner. A bilateral has a slot and a room only once accepted; the
rules a slot must satisfy live in ``schedule.clashes``, the only place that knows them.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from meetings.models import Delegation, Meeting
from secretariat.models import Partner


class Room(models.Model):
    """A meeting room at the venue; it holds one bilateral at a time, up to its seats."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=100)
    seats = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["meeting", "name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "name"], name="unique_room_per_meeting"),
            models.CheckConstraint(condition=Q(seats__gt=0), name="room_has_seats"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.seats} seats)"


class BilateralQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related(
            "meeting", "requester__administration", "invitee_delegation__administration",
            "invitee_partner", "room",
        )

    def involving_delegation(self, delegation_id: int):
        return self.filter(Q(requester_id=delegation_id) | Q(invitee_delegation_id=delegation_id))

    def scheduled(self):
        return self.filter(status=Bilateral.Status.ACCEPTED)


class Bilateral(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        PROPOSED = "proposed", "Other slot proposed"
        ACCEPTED = "accepted", "Scheduled"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="bilaterals")
    requester = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="bilaterals_requested"
    )
    invitee_delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, null=True, blank=True,
        related_name="bilaterals_invited",
    )
    invitee_partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, null=True, blank=True, related_name="bilaterals"
    )
    topic = models.CharField(max_length=200)
    note = models.CharField(max_length=300, blank=True)
    party_size = models.PositiveSmallIntegerField(
        default=6, help_text="People at the table, both sides together."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="bilaterals"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BilateralQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="bilateral_has_one_invitee",
                condition=(Q(invitee_delegation__isnull=False, invitee_partner__isnull=True)
                           | Q(invitee_delegation__isnull=True, invitee_partner__isnull=False)),
            ),
            models.CheckConstraint(
                name="bilateral_not_with_itself",
                condition=~Q(invitee_delegation=models.F("requester")),
            ),
            models.CheckConstraint(
                name="scheduled_bilateral_has_slot_and_room",
                condition=~Q(status="accepted")
                | Q(starts_at__isnull=False, ends_at__isnull=False, room__isnull=False),
            ),
            models.CheckConstraint(
                name="bilateral_ends_after_it_starts",
                condition=Q(starts_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("bilaterals:grid", args=[self.meeting_id])

    @property
    def invitee_name(self) -> str:
        if self.invitee_partner_id:
            return self.invitee_partner.name
        return self.invitee_delegation.administration.country

    @property
    def title(self) -> str:
        return f"Bilateral: {self.requester.administration.country} \N{EN DASH} {self.invitee_name}"

    def other_side_name(self, delegation_id: int | None) -> str:
        if delegation_id == self.requester_id:
            return self.invitee_name
        return self.requester.administration.country

    @property
    def ical_uid(self) -> str:
        return f"bilateral-{self.uid}@asean-customs-portal"


class SlotProposal(models.Model):
    """A slot one side proposes; the other side answers the latest one."""

    class Side(models.TextChoices):
        REQUESTER = "requester", "Requesting side"
        INVITEE = "invitee", "Invited side"

    bilateral = models.ForeignKey(Bilateral, on_delete=models.CASCADE, related_name="proposals")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    side = models.CharField(max_length=10, choices=Side.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["bilateral", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="proposal_ends_after_it_starts", condition=Q(ends_at__gt=models.F("starts_at"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} ({self.get_side_display()})"


class DelegationFeed(models.Model):
    """The secret address of a delegation's bilateral calendar (calendar apps have no
    session, so the token is the credential)."""

    delegation = models.OneToOneField(
        Delegation, on_delete=models.CASCADE, related_name="bilateral_feed"
    )
    token = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"Bilateral feed of {self.delegation}"
