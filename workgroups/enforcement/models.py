"""Enforcement operations, seizure reports and the clearance that guards them.

Two audiences, kept apart on purpose:

* **Operations** (name, lead, participants, period, focus, the body following them) are known
  to every member administration and, by name, to the public: they appear in joint media
  statements.
* **Seizure reports** are operational intelligence. Who may read one is decided in one place,
  ``access.sees_seizures``; every read goes through ``SeizureReportQuerySet.visible_to``.
  Nothing outside this app reads ``SeizureReport`` directly; the public sees only the
  ``StatisticsRelease`` snapshots the secretariat publishes, whose small cells are suppressed
  when the snapshot is made (the raw counts are never stored in it).
"""

import decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from secretariat.models import Administration


class Focus(models.TextChoices):
    DRUGS = "drugs", "Drugs and precursors"
    WILDLIFE = "wildlife", "Wildlife and timber"
    WASTE = "waste", "Waste and plastic"
    IPR = "ipr", "Intellectual property (counterfeits)"
    REVENUE = "revenue", "Revenue fraud and undervaluation"
    TOBACCO = "tobacco", "Cigarettes and alcohol"
    WEAPONS = "weapons", "Weapons and explosives"
    CURRENCY = "currency", "Currency and gold"


class Commodity(models.TextChoices):
    """The controlled list a report picks from; each entry belongs to one focus."""

    COCAINE = "cocaine", "Cocaine"
    MDMA = "mdma", "MDMA (ecstasy)"
    KETAMINE = "ketamine", "Ketamine"
    METHAMPHETAMINE = "methamphetamine", "Methamphetamine"
    HEROIN = "heroin", "Heroin"
    CANNABIS = "cannabis", "Cannabis"
    PRECURSORS = "precursors", "Drug precursor chemicals"
    IVORY = "ivory", "Ivory"
    PANGOLIN = "pangolin", "Pangolin scales"
    RHINO_HORN = "rhino_horn", "Rhinoceros horn"
    TIMBER = "timber", "Protected timber"
    PLASTIC_WASTE = "plastic_waste", "Plastic waste"
    E_WASTE = "e_waste", "Electronic waste"
    COUNTERFEIT = "counterfeit", "Counterfeit goods"
    CIGARETTES = "cigarettes", "Cigarettes"
    UNDERVALUED = "undervalued", "Undervalued or misdeclared goods"
    WEAPONS = "weapons", "Weapons and ammunition"
    CURRENCY = "currency", "Undeclared currency"

    @property
    def focus(self) -> "Focus":
        return COMMODITY_FOCUS[self]


COMMODITY_FOCUS = {
    **dict.fromkeys(
        ["cocaine", "mdma", "ketamine", "methamphetamine", "heroin", "cannabis", "precursors"],
        Focus.DRUGS),
    **dict.fromkeys(["ivory", "pangolin", "rhino_horn", "timber"], Focus.WILDLIFE),
    **dict.fromkeys(["plastic_waste", "e_waste"], Focus.WASTE),
    "counterfeit": Focus.IPR, "undervalued": Focus.REVENUE, "cigarettes": Focus.TOBACCO,
    "weapons": Focus.WEAPONS, "currency": Focus.CURRENCY,
}


class Unit(models.TextChoices):
    KG = "kg", "kg"
    GRAM = "g", "g"
    TONNE = "t", "tonnes"
    LITRE = "l", "litres"
    PIECE = "pieces", "pieces"
    STICK = "sticks", "sticks"
    USD = "usd", "US dollars"


class Mode(models.TextChoices):
    AIR = "air", "Air"
    SEA = "sea", "Sea"
    LAND = "land", "Land"
    POST = "post", "Post and express courier"


class PlaceKind(models.TextChoices):
    AIRPORT = "airport", "Airport"
    PORT = "port", "Seaport"
    BORDER_GATE = "border_gate", "Land border gate"
    POST_CENTRE = "post_centre", "Postal or courier centre"
    INLAND = "inland", "Inland (after clearance)"


# 15 significant digits, 6 after the point: any such decimal survives a trip through an
# IEEE double (DBL_DIG = 15), so an XLSX cell read back gives the same Decimal. 19.88445 kg
# stays 19.88445 in the form, the API and the export.
QUANTITY_DIGITS = 15
QUANTITY_PLACES = 6


def plain_decimal(value: decimal.Decimal | None) -> str:
    """``Decimal('19.884450')`` → ``'19.88445'``; ``Decimal('100.000000')`` → ``'100'``."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


class EnforcementContact(models.Model):
    """The per-person clearance: the secretariat designates a person of a member
    administration as its enforcement contact. The row is the flag; deleting it revokes it
    (the history keeps who designated and revoked whom)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enforcement_contact"
    )
    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="enforcement_contacts",
        help_text="The clearance holds only while the person belongs to this administration.",
    )
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    designated_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["administration__country", "user__username"]

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.administration.code})"


class Operation(models.Model):
    """A joint enforcement operation or campaign, e.g. “Mekong Dragon”."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(unique=True)
    lead = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="led_operations",
        verbose_name="lead administration",
    )
    participants = models.ManyToManyField(
        Administration, related_name="operations", verbose_name="participating administrations"
    )
    body = models.ForeignKey(
        "workgroups.Body", on_delete=models.PROTECT, related_name="operations",
        verbose_name="followed by",
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Empty: still running.")
    period_is_inferred = models.BooleanField(
        default=False, help_text="The dates are the secretariat's estimate, not a decision."
    )
    focus = models.JSONField(default=list, help_text="Focus areas (see Focus).")
    summary = models.TextField(blank=True)
    milestones = models.ManyToManyField(
        "workgroups.Milestone", blank=True, related_name="operations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="operation_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enforcement:operation", args=[self.slug])

    def clean(self) -> None:
        unknown = set(self.focus or []) - set(Focus.values)
        if unknown:
            raise ValidationError({"focus": f"Unknown focus: {', '.join(sorted(unknown))}."})

    @property
    def focus_labels(self) -> list[str]:
        return [Focus(f).label for f in self.focus if f in Focus.values]


class OperationPhase(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["operation", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="phase_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SeizureReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every report for a cleared person or the secretariat; nothing for anyone else.

        Cleared contacts of all administrations read each other's reports: exchanging them is
        the point of the operation.
        """
        from workgroups.enforcement.access import sees_seizures

        return self if sees_seizures(user) else self.none()

    def with_related(self):
        return self.select_related("operation", "administration").prefetch_related(
            "lines", "administration__names"
        )


class SeizureReport(models.Model):
    """One seizure, filed by the administration that made it, for an operation or outside one.
    Amended through ``services.seizure_report_amend`` (version check, history row, reason)."""

    operation = models.ForeignKey(
        Operation, on_delete=models.PROTECT, null=True, blank=True, related_name="reports",
        help_text="Empty: a seizure outside any joint operation.",
    )
    administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="seizure_reports",
        verbose_name="reporting administration",
    )
    seized_on = models.DateField("date of seizure")
    date_is_approximate = models.BooleanField(
        default=False, help_text="The source gives only a period (e.g. “early June”)."
    )
    place = models.CharField(max_length=200, help_text="e.g. Noi Bai International Airport")
    place_kind = models.CharField("kind of place", max_length=20, choices=PlaceKind.choices)
    mode = models.CharField("mode of transport", max_length=10, choices=Mode.choices)
    origin = models.CharField("origin country", max_length=80)
    transit = models.CharField("transit country", max_length=80, blank=True)
    destination = models.CharField("destination country", max_length=80)
    concealment = models.CharField("concealment method", max_length=300, blank=True)
    persons_arrested = models.PositiveIntegerField(default=0)
    agencies = models.CharField(
        "agencies involved", max_length=300, blank=True, help_text="e.g. Customs; Police"
    )
    summary = models.TextField(blank=True)
    is_illustrative = models.BooleanField(
        default=False, help_text="Demo or training data, shown as illustrative."
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = SeizureReportQuerySet.as_manager()

    class Meta:
        ordering = ["-seized_on", "-pk"]
        indexes = [models.Index(fields=["operation", "seized_on"])]

    def __str__(self) -> str:
        return f"Seizure report {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("enforcement:report", args=[self.pk])

    @property
    def route(self) -> str:
        return " → ".join(p for p in (self.origin, self.transit, self.destination) if p)


class SeizureLine(models.Model):
    """One commodity of a seizure with its exact quantity (19.88445 kg of drugs is two lines:
    14.60207 kg of MDMA and 5.28238 kg of ketamine)."""

    report = models.ForeignKey(SeizureReport, on_delete=models.CASCADE, related_name="lines")
    commodity = models.CharField(max_length=30, choices=Commodity.choices)
    quantity = models.DecimalField(max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="seizure_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.quantity_text} {self.get_unit_display()} {self.get_commodity_display()}"

    @property
    def quantity_text(self) -> str:
        return plain_decimal(self.quantity)


class StatisticsRelease(models.Model):
    """Statistics of one operation the secretariat releases to the public: cases and
    quantities by commodity and mode, with every cell below ``SMALL_CELL`` cases suppressed
    when the snapshot is made. Only the suppressed form is stored; later amendments of the
    reports change nothing here until the secretariat releases again."""

    SMALL_CELL = 3

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="releases")
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    released_at = models.DateTimeField(default=timezone.now)
    cells = models.JSONField(
        default=list,
        help_text="[{commodity, mode, cases, quantity, unit}]; cases and quantity are null "
                  "where suppressed.",
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["operation", "-released_at"]
        get_latest_by = "released_at"

    def __str__(self) -> str:
        return f"{self.operation} statistics of {self.released_at:%d %b %Y}"
