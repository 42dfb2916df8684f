"""Reads of enforcement, already scoped to the user.

The analysis is computed in Python from one query over the visible lines: bounded by the
number of seizure lines (a few thousand a year across ASEAN), exact in ``Decimal`` (SQL ``SUM``
on SQLite would go through floats).
"""

import decimal
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch

from workgroups.enforcement.models import (
    Commodity,
    Mode,
    Operation,
    SeizureLine,
    SeizureReport,
    StatisticsRelease,
    Unit,
    plain_decimal,
)


def operations():
    """Operations are known to everyone (they are named in joint media statements)."""
    return Operation.objects.select_related("lead", "body").prefetch_related(
        "participants", "phases"
    )


def operation_for(slug: str):
    return operations().filter(slug=slug).first()


def latest_release(operation: Operation) -> StatisticsRelease | None:
    return operation.releases.order_by("-released_at").first()


def reports_visible_to(user, *, operation: Operation | None = None):
    reports = SeizureReport.objects.visible_to(user).with_related()
    if operation is not None:
        reports = reports.filter(operation=operation)
    return reports


def report_counts_by_operation(user) -> dict[int, int]:
    """{operation id: reports} for cleared users; {} for everyone else (no count leaks)."""
    rows = (
        SeizureReport.objects.visible_to(user).filter(operation__isnull=False)
        .values("operation_id").annotate(n=Count("pk"))
    )
    return {row["operation_id"]: row["n"] for row in rows}


@dataclass
class Total:
    label: str
    cases: set = field(default_factory=set)
    quantities: dict = field(default_factory=lambda: defaultdict(decimal.Decimal))
    arrested: int = 0

    @property
    def case_count(self) -> int:
        return len(self.cases)

    @property
    def quantity_text(self) -> str:
        """“14.60207 kg; 12 pieces”: one sum per unit, never mixed."""
        return "; ".join(
            f"{plain_decimal(q)} {Unit(u).label}" for u, q in sorted(self.quantities.items())
        )


@dataclass
class Analysis:
    by_commodity: list[Total]
    by_mode: list[Total]
    by_route: list[Total]
    by_month: list[Total]
    report_count: int
    illustrative_count: int

    def chart_data(self) -> dict:
        """What the chart script draws: cases per month, and per mode."""
        return {
            "months": [t.label for t in self.by_month],
            "monthCases": [t.case_count for t in self.by_month],
            "modes": [t.label for t in self.by_mode],
            "modeCases": [t.case_count for t in self.by_mode],
        }


def _sorted(totals: dict[str, Total]) -> list[Total]:
    return sorted(totals.values(), key=lambda t: (-t.case_count, t.label))


def analysis(user, *, operation: Operation | None = None) -> Analysis:
    """Totals of the reports ``user`` may read. Two queries whatever the number of rows."""
    reports = SeizureReport.objects.visible_to(user)
    if operation is not None:
        reports = reports.filter(operation=operation)
    report_rows = list(reports.values_list(
        "pk", "mode", "origin", "transit", "destination", "seized_on", "persons_arrested",
        "is_illustrative",
    ))
    lines = defaultdict(list)
    for report_id, commodity, unit, quantity in SeizureLine.objects.filter(
        report__in=[r[0] for r in report_rows]
    ).values_list("report_id", "commodity", "unit", "quantity"):
        lines[report_id].append((commodity, unit, quantity))

    by_commodity: dict[str, Total] = {}
    by_mode: dict[str, Total] = {}
    by_route: dict[str, Total] = {}
    by_month: dict[str, Total] = {}
    for pk, mode, origin, transit, destination, seized_on, arrested, _ in report_rows:
        route = " → ".join(p for p in (origin, transit or "(direct)", destination) if p)
        month_key = f"{seized_on:%Y-%m}"
        keyed = [
            (by_mode, mode, Mode(mode).label),
            (by_route, route, route),
            (by_month, month_key, f"{seized_on:%b %Y}"),
        ]
        for table, key, label in keyed:
            total = table.setdefault(key, Total(label=label))
            total.cases.add(pk)
            total.arrested += arrested
            for _commodity, unit, quantity in lines[pk]:
                total.quantities[unit] += quantity
        for commodity, unit, quantity in lines[pk]:
            total = by_commodity.setdefault(commodity, Total(label=Commodity(commodity).label))
            total.cases.add(pk)
            total.quantities[unit] += quantity
    months = [by_month[k] for k in sorted(by_month)]
    return Analysis(
        by_commodity=_sorted(by_commodity), by_mode=_sorted(by_mode),
        by_route=_sorted(by_route), by_month=months, report_count=len(report_rows),
        illustrative_count=sum(1 for r in report_rows if r[7]),
    )


def operations_with_release():
    """Operations with their latest release prefetched (the public page): two queries."""
    return operations().prefetch_related(
        Prefetch("releases", queryset=StatisticsRelease.objects.order_by("-released_at"),
                 to_attr="ordered_releases")
    )
