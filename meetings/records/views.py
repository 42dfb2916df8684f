"""Pages of the meeting record. Each view fetches through a selector scoped to the viewer and
checks the right to record at the moment of the act (``records.access.may_record``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meetings import selectors as meeting_selectors
from meetings.models import AgendaItem, Document, Visibility
from meetings.records import exports, pdf, selectors, services
from meetings.records.access import may_record
from meetings.records.forms import (
    ActionItemForm,
    ActionStatusForm,
    DecisionForm,
    NoticePreferenceForm,
)
from meetings.records.models import AttendanceStatus, NoticePreference
from secretariat.access import Clearance, clearance_of, is_secretariat
from workgroups.models import Milestone


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _require_members(user) -> None:
    if clearance_of(user) < Clearance.MEMBERS:
        raise PermissionDenied("The participants of a meeting are for member administrations.")


def _require_recorder(user, meeting) -> None:
    if not may_record(user, meeting):
        raise PermissionDenied(
            "Only the secretariat and the staff of the body's chair keep the meeting record.")


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(f"{m}" for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(exc.messages)


# --- The record -----------------------------------------------------------------------------


def _record_forms(request, meeting, record, *, decision_form=None, action_form=None):
    items = list(record.items)
    documents = meeting_selectors.documents_visible_to(request.user, meeting=meeting)
    decisions = [d for i in record.items for d in i.record_decisions]
    for item in record.items:
        for d in item.record_decisions:
            d.agenda_item_number = item.number
    milestones = Milestone.objects.order_by("code")
    return {
        "decision_form": decision_form or DecisionForm(
            items=items, documents=documents, auto_id="decision-%s"),
        "action_form": action_form or ActionItemForm(
            decisions=decisions, milestones=milestones, auto_id="action-%s"),
    }


@require_GET
def record_page(request, pk: int):
    meeting = meeting_selectors.meeting_get(pk)
    record = selectors.record_for(request.user, meeting)
    can_record = may_record(request.user, meeting)
    context = {"meeting": meeting, "record": record, "can_record": can_record,
               "visibility_labels": dict(Visibility.choices)}
    if can_record:
        context.update(_record_forms(request, meeting, record))
    return render(request, "records/record.html", context)


@require_GET
def record_pdf(request, pk: int):
    meeting = meeting_selectors.meeting_get(pk)
    return _pdf_response(pdf.record_pdf_for(request.user, meeting),
                         f"{slugify(meeting.display_title)}-record.pdf")


@require_GET
def agenda_pdf(request, pk: int):
    meeting = meeting_selectors.meeting_get(pk)
    return _pdf_response(pdf.agenda_pdf_for(request.user, meeting),
                         f"{slugify(meeting.display_title)}-agenda.pdf")


@login_required
@require_POST
def record_issue(request, pk: int):
    meeting = meeting_selectors.meeting_get(pk)
    _require_recorder(request.user, meeting)
    try:
        document = services.record_issue(actor=request.user, meeting=meeting,
                                         reason=request.POST.get("reason", "")[:300])
    except ValidationError as exc:
        messages.error(request, "Not issued: " + _error_text(exc))
        return redirect("records:record", pk=meeting.pk)
    messages.success(request, "The summary record is issued as a paper of the meeting.")
    return redirect("meetings:document", pk=document.pk)


@login_required
@require_POST
def decision_add(request, pk: int):
    meeting = meeting_selectors.meeting_get(pk)
    _require_recorder(request.user, meeting)
    record = selectors.record_for(request.user, meeting)
    documents = meeting_selectors.documents_visible_to(request.user, meeting=meeting)
    form = DecisionForm(request.POST, items=record.items, documents=documents,
                        auto_id="decision-%s")
    if form.is_valid():
        data = form.cleaned_data
        item = get_object_or_404(AgendaItem, pk=data["agenda_item"], meeting=meeting)
        try:
            services.decision_create(
                actor=request.user, agenda_item=item, kind=data["kind"], text=data["text"],
                visibility=data["visibility"] or None, follow_up_body=data["follow_up_body"],
                documents=list(data["documents"]),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Decision recorded.")
            return redirect(reverse("records:record", args=[meeting.pk]) + "#decisions")
    context = {"meeting": meeting, "record": record, "can_record": True,
               **_record_forms(request, meeting, record, decision_form=form)}
    return render(request, "records/record.html", context, status=400)


@login_required
@require_POST
def action_add(request, pk: int):
    meeting = meeting_selectors.meeting_get(pk)
    _require_recorder(request.user, meeting)
    record = selectors.record_for(request.user, meeting)
    decisions = {d.pk: d for i in record.items for d in i.record_decisions}
    for item in record.items:
        for d in item.record_decisions:
            d.agenda_item_number = item.number
    form = ActionItemForm(request.POST, decisions=list(decisions.values()),
                          milestones=Milestone.objects.order_by("code"), auto_id="action-%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.action_item_create(
                actor=request.user, decision=decisions[data["decision"]], text=data["text"],
                owner_kind=data["owner_kind"], owner_body=data["owner_body"],
                owner_administration=data["owner_administration"],
                due_date=data["due_date"], milestone=data["milestone"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Action item added.")
            return redirect(reverse("records:record", args=[meeting.pk]) + "#actions")
    context = {"meeting": meeting, "record": record, "can_record": True,
               **_record_forms(request, meeting, record, action_form=form)}
    return render(request, "records/record.html", context, status=400)


@login_required
@require_POST
def action_status(request, pk: int):
    action = get_object_or_404(selectors.action_items_visible_to(request.user), pk=pk)
    _require_recorder(request.user, action.meeting)
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose open, done or dropped.")
        return redirect(reverse("records:record", args=[action.meeting_id]) + "#actions")
    try:
        services.action_item_update(
            actor=request.user, item_id=action.pk,
            expected_version=form.cleaned_data["version"],
            changes={"status": form.cleaned_data["status"]},
        )
    except services.Conflict:
        messages.error(request, "Somebody changed this action item meanwhile; check it again.")
    else:
        messages.success(request, "Action item updated.")
    return redirect(reverse("records:record", args=[action.meeting_id]) + "#actions")


# --- Attendance -----------------------------------------------------------------------------


def _session_of(meeting, sid: int):
    return get_object_or_404(meeting.sessions.all(), pk=sid)


@login_required
@require_http_methods(["GET", "POST"])
def session_attendance(request, pk: int, sid: int):
    """One screen per session. A button marks a whole delegation in one request; the
    per-person choices are saved together with "Save"."""
    meeting = meeting_selectors.meeting_get(pk)
    session = _session_of(meeting, sid)
    _require_recorder(request.user, meeting)
    if request.method == "POST":
        sheet = selectors.session_sheet(session)
        marks: dict[int, str] = {}
        whole = request.POST.get("delegation", "")
        if whole:
            delegation_id, _, status = whole.partition(":")
            for delegation, people in sheet.delegations:
                if str(delegation.pk) == delegation_id:
                    marks = {member.pk: status for member, _ in people}
            if not marks:
                messages.error(request, "No such delegation at this session.")
        else:
            for _, people in sheet.delegations:
                for member, _ in people:
                    value = request.POST.get(f"m-{member.pk}", "")
                    if value:
                        marks[member.pk] = value
        if marks:
            try:
                changed = services.attendance_mark(actor=request.user, session=session,
                                                   marks=marks)
            except ValidationError as exc:
                messages.error(request, "Not saved: " + _error_text(exc))
                return render(request, "records/session_attendance.html", {
                    "meeting": meeting, "sheet": sheet, "statuses": AttendanceStatus.choices,
                }, status=400)
            messages.success(request, f"Attendance saved ({changed} change(s)).")
        return redirect("records:session_attendance", pk=meeting.pk, sid=session.pk)
    return render(request, "records/session_attendance.html", {
        "meeting": meeting, "sheet": selectors.session_sheet(session),
        "statuses": AttendanceStatus.choices,
    })


@require_GET
def participants(request, pk: int):
    """The list of participants with the sessions each attended. Member administrations."""
    _require_members(request.user)
    meeting = meeting_selectors.meeting_get(pk)
    sessions, rows = selectors.attendance_grid(meeting)
    return render(request, "records/participants.html", {
        "meeting": meeting, "sessions": sessions, "rows": rows,
        "can_record": may_record(request.user, meeting),
    })


# --- Exports --------------------------------------------------------------------------------


@require_GET
def participants_xlsx(request, pk: int):
    _require_members(request.user)
    meeting = meeting_selectors.meeting_get(pk)
    record = selectors.record_for(request.user, meeting)
    return _xlsx_response(exports.participants_xlsx(record),
                          f"{slugify(meeting.display_title)}-participants.xlsx")


@require_GET
def attendance_xlsx(request, pk: int):
    _require_members(request.user)
    meeting = meeting_selectors.meeting_get(pk)
    record = selectors.record_for(request.user, meeting)
    return _xlsx_response(exports.attendance_xlsx(record),
                          f"{slugify(meeting.display_title)}-attendance.xlsx")


@require_GET
def action_items_xlsx(request, pk: int):
    meeting = meeting_selectors.meeting_get(pk)
    record = selectors.record_for(request.user, meeting)
    return _xlsx_response(exports.action_items_xlsx(record.actions),
                          f"{slugify(meeting.display_title)}-action-items.xlsx")


@require_GET
def downloads_csv(request, pk: int):
    """The download log of a paper: the secretariat's record of access, withdrawn papers
    included (a withdrawal keeps the record). Others: 404 for a paper they may not read,
    403 for one they may."""
    if is_secretariat(request.user):
        document = get_object_or_404(Document.objects.all(), pk=pk)
    else:
        meeting_selectors.document_get(request.user, pk)
        raise PermissionDenied("The download log is the secretariat's.")
    response = HttpResponse(
        exports.downloads_csv(document, selectors.downloads_of(document)[:10000]),
        content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="downloads-{document.pk}.csv"')
    response["Cache-Control"] = "private, no-store"
    return response


# --- Notice preferences ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def notice_preferences(request):
    preference = NoticePreference.objects.filter(user=request.user).first()
    initial = {"mode": preference.mode if preference else "daily",
               "bodies": list(preference.bodies.all()) if preference else []}
    form = NoticePreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            services.notice_preference_set(actor=request.user, mode=form.cleaned_data["mode"],
                                           bodies=list(form.cleaned_data["bodies"]))
            messages.success(request, "Your paper notices are saved.")
            return redirect("records:notices")
        return render(request, "records/notices.html", {"form": form}, status=400)
    return render(request, "records/notices.html", {"form": form})
