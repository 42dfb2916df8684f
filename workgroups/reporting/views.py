"""Pages of reporting: the secretariat's cycles and matrix, a delegate's reports and form."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from secretariat.access import administration_id_of, is_member_staff, is_secretariat
from workgroups.reporting import exports, selectors, services
from workgroups.reporting.forms import CycleForm, EntryForm
from workgroups.reporting.models import ReportingCycle, ReportState
from workgroups.services import Conflict

logger = logging.getLogger(__name__)


def _require_secretariat(request) -> None:
    if not is_secretariat(request.user):
        raise PermissionDenied


def _cycle_for_secretariat(request, pk: int) -> ReportingCycle:
    _require_secretariat(request)
    cycle = ReportingCycle.objects.select_related("body", "plan").filter(pk=pk).first()
    if cycle is None:
        raise Http404
    return cycle


@login_required
@require_http_methods(["GET", "POST"])
def cycle_list(request):
    _require_secretariat(request)
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cycle = services.cycle_create(
                actor=request.user, title=data["title"], body=data["body"], plan=data["plan"],
                opens_at=data["opens_at"], due_at=data["due_at"],
                local_send_time=data["local_send_time"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"{cycle.title} created as a draft. Open it to start.")
            return redirect("reporting:cycle", pk=cycle.pk)
    return render(request, "reporting/cycle_list.html", {
        "cycles": list(selectors.cycles_with_counts()), "form": form, "now": timezone.now(),
    })


@login_required
@require_safe
def cycle_page(request, pk: int):
    cycle = _cycle_for_secretariat(request, pk)
    now = timezone.now()
    reports = selectors.cycle_matrix(cycle, now)
    for report in reports:
        report.label = report.state_label(now)
        report.is_late = report.late or (report.state != ReportState.SUBMITTED
                                         and now > cycle.due_at)
    return render(request, "reporting/cycle.html", {
        "cycle": cycle, "reports": reports, "now": now,
        "submitted": sum(r.state == ReportState.SUBMITTED for r in reports),
        "failed": sum(len(r.failed_reminders) for r in reports),
    })


@login_required
@require_safe
def cycle_matrix_xlsx(request, pk: int):
    """The matrix of ``cycle_page`` as a spreadsheet: the same getter, so the same access
    (the secretariat's), and the same reads plus one for the reports' entries."""
    cycle = _cycle_for_secretariat(request, pk)
    now = timezone.now()
    reports = selectors.cycle_matrix(cycle, now)
    response = HttpResponse(exports.matrix_xlsx(cycle, reports, now),
                            content_type=exports.XLSX)
    filename = f"{slugify(cycle.title) or 'reporting-cycle'}-matrix-{now:%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Reports in progress and reminder failures (addresses): not for a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def cycle_open_view(request, pk: int):
    cycle = _cycle_for_secretariat(request, pk)
    try:
        services.cycle_open(actor=request.user, cycle_id=cycle.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The cycle is open: reports are expected and reminders "
                                  "scheduled.")
    return redirect("reporting:cycle", pk=cycle.pk)


@login_required
@require_POST
def cycle_close_view(request, pk: int):
    cycle = _cycle_for_secretariat(request, pk)
    services.cycle_close(actor=request.user, cycle_id=cycle.pk)
    messages.success(request, "The cycle is closed; no more reminders will be sent.")
    return redirect("reporting:cycle", pk=cycle.pk)


@login_required
@require_POST
def remind_now_view(request, pk: int):
    _require_secretariat(request)
    report = selectors.reports_visible_to(request.user).filter(pk=pk).first()
    if report is None:
        raise Http404
    try:
        _dispatch, created = services.remind_now(actor=request.user, report_id=report.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        # "Queued" whether or not the broker answered: the outbox rows are saved and its
        # sweeper queues them if the immediate queueing failed.
        if created:
            window = report.cycle.window_for(report.administration)
            now = timezone.now()
            when = ("now" if window.contains(now) else
                    f"at {window.next_opening(now):%a %d %b %H:%M} "
                    f"{report.administration.country} time (working hours there)")
            messages.success(request, f"Reminder to {report.administration.country} queued; "
                                      f"it goes {when}.")
        else:
            messages.info(request, f"A reminder to {report.administration.country} was "
                                   "already queued this minute.")
    return redirect("reporting:cycle", pk=report.cycle_id)


@login_required
@require_safe
def my_reports(request):
    if not is_member_staff(request.user):
        raise PermissionDenied
    now = timezone.now()
    # Own administration only: a chair's read access to other reports is not "my reports".
    reports = list(selectors.reports_visible_to(request.user).filter(
        administration_id=administration_id_of(request.user)).order_by("-cycle__due_at"))
    for report in reports:
        report.label = report.state_label(now)
    return render(request, "reporting/my_reports.html", {"reports": reports, "now": now})


@login_required
@require_http_methods(["GET", "POST"])
def report_page(request, pk: int):
    report = selectors.report_with_entries(request.user, pk)
    if report is None:
        raise Http404
    entries = list(report.entries.all())
    editable = (services.can_report_for(request.user, report)
                and report.state != ReportState.SUBMITTED
                and report.cycle.status == ReportingCycle.Status.OPEN)
    data = request.POST if request.method == "POST" and editable else None
    forms = [EntryForm(data, entry=entry) for entry in entries]
    if data is not None:
        action = request.POST.get("action", "draft")
        if all(f.is_valid() for f in forms):
            values = {f.entry.pk: f.cleaned_data for f in forms}
            try:
                if action == "submit":
                    services.report_submit(actor=request.user, report_id=report.pk,
                                           entries=values)
                    messages.success(request, "Report submitted. Thank you.")
                else:
                    services.report_save_draft(actor=request.user, report_id=report.pk,
                                               entries=values)
                    messages.success(request, "Draft saved.")
                return redirect("reporting:report", pk=report.pk)
            except ValidationError as exc:
                _attach_errors(forms, exc)
            except Conflict:
                messages.error(request, "A milestone was changed by someone else while you "
                                        "were writing. Your text is kept: submit again.")
        messages.error(request, "The report has errors; see the fields marked below.")
    now = timezone.now()
    return render(request, "reporting/report.html", {
        "report": report, "rows": list(zip(entries, forms, strict=True)),
        "editable": editable, "label": report.state_label(now), "now": now,
        "admin_tz": report.administration.time_zone,
    }, status=400 if data is not None else 200)


def _attach_errors(forms, exc: ValidationError) -> None:
    by_prefix = {f.prefix: f for f in forms}
    if not hasattr(exc, "error_dict"):
        if forms:
            forms[0].add_error(None, exc.messages)
        return
    for key, errors in exc.message_dict.items():
        prefix, _, field = key.partition("-")
        form = by_prefix.get(prefix)
        if form is not None:
            form.add_error(field if field in form.fields else None, errors)
