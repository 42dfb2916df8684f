"""Pages of enforcement.

Operations and their released statistics are public. Everything that shows seizure data
starts with ``_require_clearance``, which answers 404 to anyone without the enforcement
clearance: a page that exists for cleared people does not admit to existing for others.
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from secretariat.access import administration_id_of, is_secretariat
from secretariat.security_log import log_event
from workgroups.enforcement import access, selectors, services
from workgroups.enforcement.forms import (
    LineFormSet,
    SeizureReportForm,
    initial_lines,
    lines_from,
)
from workgroups.enforcement.models import Commodity, Mode, SeizureReport, Unit, plain_decimal
from workgroups.selectors import milestones_visible_to
from workgroups.services import Conflict


def _require_clearance(request) -> None:
    if not access.sees_seizures(request.user):
        log_event("seizure_data_denied", request)
        raise Http404


def _operation_or_404(slug: str):
    operation = selectors.operation_for(slug)
    if operation is None:
        raise Http404
    return operation


def _report_or_404(request, pk: int) -> SeizureReport:
    _require_clearance(request)
    report = selectors.reports_visible_to(request.user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def _release_rows(cells: list[dict]) -> dict:
    """The public table: commodity rows by mode columns, "< 3" where suppressed."""
    modes = sorted({c["mode"] for c in cells}, key=Mode.values.index)
    rows = []
    for commodity in sorted({c["commodity"] for c in cells}, key=Commodity.values.index):
        row = {"label": Commodity(commodity).label, "cells": []}
        for mode in modes:
            here = [c for c in cells if c["commodity"] == commodity and c["mode"] == mode]
            # Zero is below 3 as well: an empty cell is not told apart from a small one.
            if not here or any(c["cases"] is None for c in here):
                row["cells"].append("< 3")
            else:
                cases = sum(c["cases"] for c in here)
                quantity = "; ".join(f"{c['quantity']} {Unit(c['unit']).label}" for c in here)
                row["cells"].append(f"{cases} ({quantity})")
        rows.append(row)
    return {"modes": [Mode(m).label for m in modes], "rows": rows}


@require_safe
def operation_list(request):
    operations = list(selectors.operations_with_release())
    counts = selectors.report_counts_by_operation(request.user)
    for operation in operations:
        operation.report_count = counts.get(operation.pk)
        operation.latest_release = (operation.ordered_releases or [None])[0]
    return render(request, "enforcement/operation_list.html", {
        "operations": operations, "cleared": access.sees_seizures(request.user),
    })


@require_safe
def operation_page(request, slug: str):
    operation = _operation_or_404(slug)
    cleared = access.sees_seizures(request.user)
    release = selectors.latest_release(operation)
    context = {
        "operation": operation, "cleared": cleared, "release": release,
        "release_table": _release_rows(release.cells if release else []),
        "milestones": milestones_visible_to(request.user).filter(operations=operation)
        .order_by("code"),
        "may_release": access.may_release_statistics(request.user),
    }
    if cleared:
        context["reports"] = list(selectors.reports_visible_to(request.user, operation=operation))
        # What a release would publish now, so the secretariat sees it before releasing.
        context["preview"] = _release_rows(services.statistics_for_release(operation))
    return render(request, "enforcement/operation.html", context)


@login_required
@require_POST
def statistics_release_view(request, slug: str):
    operation = _operation_or_404(slug)
    try:
        services.statistics_release(actor=request.user, operation=operation)
    except PermissionDenied:
        _require_clearance(request)  # 404 for the uncleared, 403 for cleared non-secretariat
        raise
    messages.success(request, f"Statistics of {operation.name} released to the public.")
    return redirect(operation.get_absolute_url())


@login_required
@require_safe
def analysis_page(request):
    _require_clearance(request)
    operation = None
    slug = request.GET.get("operation", "")
    if slug:
        operation = _operation_or_404(slug[:60])
    result = selectors.analysis(request.user, operation=operation)
    return render(request, "enforcement/analysis.html", {
        "analysis": result, "operation": operation,
        "operations": selectors.operations().order_by("name"),
        "chart_data": result.chart_data(),
        "reports": list(selectors.reports_visible_to(request.user, operation=operation)[:200]),
    })


EXPORT_COLUMNS = [
    "Report", "Operation", "Administration", "Date", "Approximate date", "Place", "Kind of place",
    "Mode", "Origin", "Transit", "Destination", "Commodity", "Quantity", "Unit",
    "Concealment", "Persons arrested", "Agencies", "Illustrative",
]


def _text(sheet, value):
    """A text cell that can never be a formula: openpyxl writes a str starting with "=" as a
    formula, and spreadsheet apps run text starting with = + - @ (or a tab/CR) as one."""
    if isinstance(value, str):
        if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            value = "'" + value
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


@login_required
@require_safe
def analysis_xlsx(request):
    _require_clearance(request)
    reports = selectors.reports_visible_to(request.user)
    slug = request.GET.get("operation", "")
    if slug:
        reports = reports.filter(operation=_operation_or_404(slug[:60]))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Seizures")
    header = []
    for title in EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for report in reports:
        for line in report.lines.all():
            cells = [
                report.pk, report.operation.name if report.operation else "",
                report.administration.country, report.seized_on,
                "yes" if report.date_is_approximate else "", report.place,
                report.get_place_kind_display(), report.get_mode_display(), report.origin,
                report.transit, report.destination, line.get_commodity_display(),
            ]
            row = [_text(sheet, v) for v in cells]
            # A number (the analysis needs sums), exact: 15 significant digits round-trip.
            quantity = WriteOnlyCell(sheet, value=line.quantity)
            quantity.number_format = "0.######"
            row.append(quantity)
            row += [_text(sheet, v) for v in (
                line.get_unit_display(), report.concealment, report.persons_arrested,
                report.agencies, "yes" if report.is_illustrative else "")]
            sheet.append(row)
    result = selectors.analysis(request.user)
    totals = workbook.create_sheet("By commodity")
    totals.append(["Commodity", "Cases", "Quantity"])
    for total in result.by_commodity:
        totals.append([_text(totals, total.label), total.case_count,
                       _text(totals, total.quantity_text)])
    out = io.BytesIO()
    workbook.save(out)
    log_event("seizure_export", request)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="seizure-reports.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


def _report_form_page(request, *, report: SeizureReport | None):
    user = request.user
    amending = report is not None
    if request.method == "POST":
        form = SeizureReportForm(request.POST, user=user, amending=amending,
                                 instance=report if amending else None)
        formset = LineFormSet(request.POST, prefix="lines")
    else:
        initial = {"version": report.version} if amending else {}
        if not amending and request.GET.get("operation"):
            operation = selectors.operation_for(request.GET["operation"][:60])
            initial["operation"] = operation.pk if operation else None
        form = SeizureReportForm(user=user, amending=amending, instance=report, initial=initial)
        formset = LineFormSet(prefix="lines", initial=initial_lines(report) if amending else None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "reason")}
        lines = lines_from(formset)
        try:
            if amending:
                saved = services.seizure_report_amend(
                    actor=user, report_id=report.pk, version=form.cleaned_data["version"] or 0,
                    data=data, lines=lines, reason=form.cleaned_data["reason"],
                )
            else:
                data.setdefault("administration", user.profile.administration)
                saved = services.seizure_report_file(actor=user, data=data, lines=lines)
        except Conflict as conflict:
            form.add_error(None, (
                f"Someone amended this report after you opened it (now version "
                f"{conflict.current.version}). Your changes are below; reload the report to "
                f"see theirs, then amend again."))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                if field == "lines":
                    formset._non_form_errors = formset.error_class(errors)
                else:
                    form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Seizure report saved." if not amending
                             else f"Report amended (version {saved.version}).")
            return redirect(saved.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "enforcement/report_form.html", {
        "form": form, "formset": formset, "report": report,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request):
    _require_clearance(request)
    if not is_secretariat(request.user) and administration_id_of(request.user) is None:
        raise PermissionDenied
    return _report_form_page(request, report=None)


@login_required
@require_safe
def report_page(request, pk: int):
    report = _report_or_404(request, pk)
    history = list(report.history.select_related("history_user").order_by("-history_id")[:50])
    return render(request, "enforcement/report.html", {
        "report": report, "history": history,
        "may_amend": access.may_file_for(request.user, report.administration_id),
        "lines": [(line, plain_decimal(line.quantity)) for line in report.lines.all()],
    })


@login_required
@require_http_methods(["GET", "POST"])
def report_amend(request, pk: int):
    report = _report_or_404(request, pk)
    if not access.may_file_for(request.user, report.administration_id):
        raise PermissionDenied
    return _report_form_page(request, report=report)
