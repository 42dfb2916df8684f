"""ASEAN customs bodies: the DG meeting, the CCC, its working groups and the ASW track."""

from django.db import models
from django.db.models import Q

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
