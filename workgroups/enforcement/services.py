"""Writes of enforcement: clearances, seizure reports and their amendments, releases.

Every function takes the acting user, checks the right itself (the API and the pages call the
same function) and runs in one transaction.
"""

import datetime as dt
import decimal
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from secretariat.access import is_member_staff, is_secretariat
from workgroups.enforcement import access, notices
from workgroups.enforcement.models import (
    Commodity,
    EnforcementContact,
    Mode,
    Operation,
    SeizureLine,
    SeizureReport,
    StatisticsRelease,
    Unit,
    plain_decimal,
)
from workgroups.services import Conflict

MAX_LINES = 20
REPORT_FIELDS = (
    "operation", "administration", "seized_on", "date_is_approximate", "place", "place_kind",
    "mode", "origin", "transit", "destination", "concealment", "persons_arrested", "agencies",
    "summary", "is_illustrative",
)


@dataclass(frozen=True)
class Line:
    commodity: str
    quantity: decimal.Decimal
    unit: str


def enforcement_contact_designate(*, actor, user, note: str = "") -> EnforcementContact:
    """Give ``user`` the enforcement clearance for their administration (idempotent)."""
    if not is_secretariat(actor):
        raise PermissionDenied("Only the secretariat designates enforcement contacts.")
    if not is_member_staff(user):
        raise ValidationError("Only staff of a member administration can be enforcement contacts.")
    with transaction.atomic():
        contact, _ = EnforcementContact.objects.update_or_create(
            user=user,
            defaults={"administration_id": user.profile.administration_id,
                      "designated_by": actor, "note": note},
        )
    access.forget(user)
    return contact


def enforcement_contact_revoke(*, actor, user) -> None:
    if not is_secretariat(actor):
        raise PermissionDenied("Only the secretariat revokes enforcement contacts.")
    with transaction.atomic():
        EnforcementContact.objects.filter(user=user).delete()
    access.forget(user)


def _clean_lines(lines: list[Line]) -> list[Line]:
    if not lines:
        raise ValidationError({"lines": "Give at least one commodity with its quantity."})
    if len(lines) > MAX_LINES:
        raise ValidationError({"lines": f"At most {MAX_LINES} commodities per report."})
    for line in lines:
        if line.commodity not in Commodity.values:
            raise ValidationError({"lines": f"Unknown commodity {line.commodity!r}."})
        if line.unit not in Unit.values:
            raise ValidationError({"lines": f"Unknown unit {line.unit!r}."})
        if not isinstance(line.quantity, decimal.Decimal) or line.quantity <= 0:
            raise ValidationError({"lines": "Quantities are positive numbers."})
    return lines


def _check_report(data: dict) -> None:
    operation: Operation | None = data.get("operation")
    administration = data["administration"]
    errors = {}
    if data.get("mode") not in Mode.values:
        errors["mode"] = "Choose air, sea, land or post."
    if operation is not None:
        if not operation.participants.filter(pk=administration.pk).exists():
            errors["operation"] = (
                f"{administration.country} does not take part in {operation.name}."
            )
        seized_on: dt.date = data["seized_on"]
        if seized_on < operation.starts_on or (operation.ends_on and seized_on > operation.ends_on):
            end = f"{operation.ends_on:%d %b %Y}" if operation.ends_on else "now"
            errors["seized_on"] = (
                f"{operation.name} runs from {operation.starts_on:%d %b %Y} to {end}; file a "
                f"seizure outside that period without an operation."
            )
    if errors:
        raise ValidationError(errors)


def _write_lines(report: SeizureReport, lines: list[Line], actor) -> None:
    for old in report.lines.all():
        old._history_user = actor
        old.delete()
    for line in lines:
        new = SeizureLine(
            report=report, commodity=line.commodity, quantity=line.quantity, unit=line.unit
        )
        new._history_user = actor
        new.save()


def seizure_report_file(*, actor, data: dict, lines: list[Line]) -> SeizureReport:
    """File a new report. ``data`` holds the ``REPORT_FIELDS`` (model instances for the
    operation and the administration)."""
    if not access.may_file_for(actor, data["administration"].pk):
        raise PermissionDenied("You may file seizure reports only for your own administration.")
    lines = _clean_lines(lines)
    _check_report(data)
    with transaction.atomic():
        report = SeizureReport(created_by=actor, **{k: data[k] for k in REPORT_FIELDS if k in data})
        report._history_user = actor
        report.full_clean()
        report.save()
        _write_lines(report, lines, actor)
        notices.report_filed(report, actor=actor)
    return report


def seizure_report_amend(
    *, actor, report_id: int, version: int, data: dict, lines: list[Line], reason: str
) -> SeizureReport:
    """Amend a report. The row is locked, its version compared with the one the caller read,
    then changed; a stale version raises ``Conflict`` and changes nothing. Each amendment is
    one history row with the actor, the time and the reason."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the report is amended."})
    lines = _clean_lines(lines)
    with transaction.atomic():
        report = (
            SeizureReport.objects.visible_to(actor).select_for_update().filter(pk=report_id).first()
        )
        if report is None:
            raise SeizureReport.DoesNotExist
        if not access.may_file_for(actor, report.administration_id):
            raise PermissionDenied("You may amend only your own administration's reports.")
        # The administration is who made the seizure: it never changes on amendment.
        data = {**data, "administration": report.administration}
        _check_report(data)
        if report.version != version:
            raise Conflict(report, [])
        for field in REPORT_FIELDS:
            if field in data:
                setattr(report, field, data[field])
        report.version += 1
        report._history_user = actor
        report._change_reason = reason.strip()[:100]
        report.full_clean()
        report.save()
        _write_lines(report, lines, actor)
    return report


def statistics_for_release(operation: Operation) -> list[dict]:
    """Cases and quantities by commodity and mode, small cells suppressed. A case is one
    report; a report with two commodities counts once for each."""
    cases: dict[tuple, set[int]] = defaultdict(set)
    quantities: dict[tuple, decimal.Decimal] = defaultdict(decimal.Decimal)
    lines = SeizureLine.objects.filter(report__operation=operation).values_list(
        "report_id", "report__mode", "commodity", "unit", "quantity"
    )
    for report_id, mode, commodity, unit, quantity in lines:
        key = (commodity, mode, unit)
        cases[key].add(report_id)
        quantities[key] += quantity
    cells = []
    for (commodity, mode, unit), ids in sorted(cases.items()):
        shown = len(ids) >= StatisticsRelease.SMALL_CELL
        cells.append({
            "commodity": commodity, "mode": mode, "unit": unit,
            "cases": len(ids) if shown else None,
            "quantity": plain_decimal(quantities[(commodity, mode, unit)]) if shown else None,
        })
    return cells


def statistics_release(*, actor, operation: Operation, note: str = "") -> StatisticsRelease:
    """Publish a snapshot of the operation's statistics (suppressed form only)."""
    if not access.may_release_statistics(actor):
        raise PermissionDenied("Only the secretariat releases statistics.")
    with transaction.atomic():
        return StatisticsRelease.objects.create(
            operation=operation, released_by=actor, released_at=timezone.now(),
            cells=statistics_for_release(operation), note=note,
        )
