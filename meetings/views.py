"""Pages of meetings and documents. Each view fetches through a selector scoped to the viewer."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from meetings import delivery, page, selectors, services
from meetings.bilaterals.selectors import bilaterals_link
from meetings.caching import MEETINGS, body_codes
from meetings.forms import (
    DocumentUploadForm,
    DocumentVersionForm,
    EvidenceAttachForm,
    EvidenceTargetForm,
    MeetingFilterForm,
)
from meetings.models import Document, DownloadLog
from meetings.panels import meeting_sections_for
from secretariat import throttles
from secretariat.access import Clearance, clearance_of, is_secretariat
from secretariat.caching import cache_public_page
from secretariat.security_log import client_ip
from workgroups.access import ChairRights, EditRights, may_run_body

# What a cacheable filter looks like: a body's code, a year. Anything else is rendered (and
# refused by the form) without filling the cache with one entry per made-up value.
_PLAIN_FILTER = re.compile(r"[A-Za-z0-9_-]{0,20}")


@require_safe
@cache_public_page(seconds=60)
def meeting_list(request):
    today = timezone.localdate()

    def filters() -> tuple[MeetingFilterForm, str | None, int | None]:
        form = MeetingFilterForm(request.GET or None, bodies=body_codes())
        if form.is_valid():
            return form, form.cleaned_data["body"] or None, form.cleaned_data["year"]
        return form, None, None

    def content() -> str:
        form, body_code, year = filters()
        meetings = selectors.meeting_list(body_code=body_code, year=year)
        upcoming, past = (
            render_to_string("meetings/_meeting_table.html",
                             {"meetings": rows, "caption": caption}) if rows else ""
            for rows, caption in ((list(meetings.upcoming(today)), "Upcoming meetings"),
                                  (list(meetings.past(today)), "Past meetings")))
        return render_to_string("meetings/_meeting_list_content.html", {
            "form": form,
            "upcoming_table": mark_safe(upcoming),  # noqa: S308 (rendered by Django)
            "past_table": mark_safe(past),  # noqa: S308 (rendered by Django)
        })

    # The same for every viewer: rendered once per version of the meetings' data and per
    # filter as sent (the form shows what was typed), for logged-in viewers too (anonymous
    # ones get the whole page from cache_public_page). A string: unpickling the meetings
    # themselves cost more than the queries.
    body, year = request.GET.get("body", ""), request.GET.get("year", "")
    if _PLAIN_FILTER.fullmatch(body) and _PLAIN_FILTER.fullmatch(year):
        html = MEETINGS.cached(("list", bool(request.GET), body, year, today.isoformat(),
                                timezone.get_current_timezone_name()), content)
    else:
        html = content()

    def rows(which: str):
        _, body_code, year = filters()
        meetings = selectors.meeting_list(body_code=body_code, year=year)
        return list(getattr(meetings, which)(today))

    return render(request, "meetings/meeting_list.html", {
        "content": mark_safe(html),  # noqa: S308 (rendered by Django)
        # The rows, computed only if read: the page shows the cached HTML, a caller of the
        # view (a test) may still ask for the meetings themselves.
        "upcoming": SimpleLazyObject(lambda: rows("upcoming")),
        "past": SimpleLazyObject(lambda: rows("past")),
    })


@require_safe
def meeting_detail(request, pk: int):
    # The cached parts are decided by the audience (``meetings.page``); what follows is
    # decided for this request: the chair term at this instant, the nomination deadline.
    found, meeting = page.load(pk)
    seen = page.audience(request.user, found)
    parts = page.fragments(request.user, meeting, seen)
    can_upload = may_run_body(request.user, found["body_id"])
    # The context's model values are lazy: no template here reads them; a test may.
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "m": found,
            "page": parts,
            "meeting": meeting,
            "can_upload": can_upload,
            "own_nomination": _own_nomination(request.user, found),
            "bilaterals_link": bilaterals_link(request.user, meeting),
            "sections": meeting_sections_for(request, meeting),
            "agenda": SimpleLazyObject(lambda: selectors.agenda_for(request.user, meeting)),
            "documents": SimpleLazyObject(lambda: list(
                selectors.documents_visible_to(request.user, meeting=meeting)
                .order_by("kind", "title"))),
            "timetable": SimpleLazyObject(lambda: selectors.timetable(
                meeting, selectors.viewer_time_zone(request.user))),
        },
    )


@require_safe
def agenda_print(request, pk: int):
    found, meeting = page.load(pk)
    return render(
        request,
        "meetings/agenda_print.html",
        {"m": found, "agenda_list": page.agenda_fragment(
            request.user, meeting, page.audience(request.user, found)),
         "agenda": SimpleLazyObject(lambda: selectors.agenda_for(request.user, meeting))},
    )


@require_safe
def attendance_list(request, pk: int):
    """The list of participants by delegation, for the minutes. Members and above only."""
    if clearance_of(request.user) < Clearance.MEMBERS:
        raise PermissionDenied
    found, meeting = page.load(pk)
    return render(request, "meetings/attendance.html",
                  {"m": found, "attendance": page.attendance_fragment(meeting)})


@require_safe
def meeting_pack(request, pk: int):
    """A ZIP of the latest version of every paper of the meeting the viewer may read."""
    # Each pack streams every file of a meeting: a per-person limit (issue 10).
    if limited := throttles.limit(request, "pack", ident=throttles.user_ident(request)):
        return limited
    meeting = selectors.meeting_get(pk)
    documents = selectors.documents_visible_to(request.user, meeting=meeting).order_by(
        "agenda_item__parent__position", "agenda_item__position", "title"
    )
    entries = delivery.pack_entries(documents)
    services.downloads_record(
        user=request.user, versions=[v for _, v in entries], ip=client_ip(request)
    )
    filename = f"{slugify(meeting.display_title)}-papers.zip"
    return delivery.pack_response(filename, entries)


@require_safe
def document_detail(request, pk: int):
    document = selectors.document_get(request.user, pk)
    downloads = []
    if is_secretariat(request.user):
        downloads = list(
            DownloadLog.objects.filter(version__document=document)
            .select_related("user", "version")[:50]
        )
    rights = EditRights(request.user)
    can_edit = rights.chair.runs(document.meeting.body_id if document.meeting else None)
    evidence_links = selectors.evidence_links_of_document(request.user, document)
    for link in evidence_links:
        link.can_detach = rights.milestone(link.milestone)
    attach_form = None
    if rights.any_milestone():
        attach_form = EvidenceAttachForm(
            milestones=selectors.milestones_for_evidence(
                request.user, rights, exclude_ids=[link.milestone_id for link in evidence_links]
            ),
            auto_id="evidence-%s",
        )
    return render(
        request,
        "meetings/document_detail.html",
        {
            "document": document,
            "versions": list(selectors.document_versions(document)),
            "downloads": downloads,
            "can_edit": can_edit,
            "version_form": DocumentVersionForm(request=request) if can_edit else None,
            "evidence_links": evidence_links,
            "attach_form": attach_form,
            "agenda_number": selectors.agenda_number_for(request.user, document),
        },
    )


@login_required
@require_POST
def evidence_attach(request, pk: int):
    """Cite the document as evidence of a milestone the user may edit."""
    document = selectors.document_get(request.user, pk)
    return _evidence_change(request, document, attach=True)


@login_required
@require_POST
def evidence_detach(request, pk: int):
    document = selectors.document_get(request.user, pk)
    return _evidence_change(request, document, attach=False)


def _evidence_change(request, document: Document, *, attach: bool):
    if not EditRights(request.user).any_milestone():
        raise PermissionDenied("You cannot change the evidence of any milestone.")
    form = EvidenceTargetForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a milestone.")
        return redirect("meetings:document", pk=document.pk)
    milestone_id = form.cleaned_data["milestone"]
    # A milestone the user cannot edit raises PermissionDenied (403) from the service.
    try:
        if attach:
            link, created = services.evidence_document_attach(
                actor=request.user, milestone_id=milestone_id, document_id=document.pk
            )
            messages.success(
                request,
                f"Attached as evidence to {link.milestone.code}." if created
                else f"Already evidence for {link.milestone.code}.",
            )
        else:
            services.evidence_document_detach(
                actor=request.user, milestone_id=milestone_id, document_id=document.pk
            )
            messages.success(request, f"“{document.title}” is no longer cited as evidence.")
    except ValidationError as exc:
        messages.error(request, "Not changed: " + " ".join(exc.messages))
        return redirect("meetings:document", pk=document.pk)
    if form.cleaned_data["back"] == "milestone":
        return redirect("workgroups:milestone", pk=milestone_id)
    return redirect("meetings:document", pk=document.pk)


@require_safe
def document_download(request, pk: int, number: int | None = None):
    document = selectors.document_get(request.user, pk)
    if number is None:
        version = document.current_version
        if version is None:
            raise PermissionDenied("This document has no file yet.")
    else:
        version = selectors.version_get(document, number)
    if request.method == "GET":  # HEAD asks about the file; only a GET is a download
        services.download_record(user=request.user, version=version, ip=client_ip(request))
    return delivery.version_response(document, version)


@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request, pk: int):
    meeting = selectors.meeting_get(pk)
    if not may_run_body(request.user, meeting.body_id):
        raise PermissionDenied
    if request.method == "POST" and (
        limited := throttles.limit(request, "uploads", ident=throttles.user_ident(request))
    ):
        return limited
    form = DocumentUploadForm(
        request.POST or None, request.FILES or None, meeting=meeting, request=request
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created, failed = [], None
        try:
            # All or nothing (``DocumentUploadForm``): one refused file rolls the batch back.
            with transaction.atomic():
                for upload, inspected in form.inspected:
                    failed = upload.name
                    created.append(services.document_create(
                        actor=request.user,
                        meeting=meeting,
                        title=data["title"] or _title_from(inspected.filename),
                        kind=data["kind"],
                        access_level=data["access_level"],
                        language=data["language"],
                        agenda_item=data["agenda_item"],
                        embargo_until=data["embargo_until"],
                        embargo_level=data["embargo_level"],
                        file=upload,
                        inspected=inspected,
                    ))
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and set(exc.message_dict) - {"file", "files"}:
                _add_errors(form, exc)  # a choice of the form (agenda item...), not a file
            else:
                form.refuse_file(failed or "A file", exc.messages)
        else:
            messages.success(request, f"{len(created)} document(s) uploaded.")
            return redirect("meetings:detail", pk=meeting.pk)
    # A refused upload (a file, a level above the uploader's clearance) is a 400 with the
    # form and its field errors, as the API answers; nothing was stored.
    return render(request, "meetings/document_upload.html", {"meeting": meeting, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def document_version_upload(request, pk: int):
    document = selectors.document_get(request.user, pk)
    _require_runner(request.user, document)
    if limited := throttles.limit(request, "uploads", ident=throttles.user_ident(request)):
        return limited
    form = DocumentVersionForm(request.POST, request.FILES, request=request)
    if form.is_valid():
        try:
            services.document_version_add(
                actor=request.user,
                document=document,
                file=form.cleaned_data["file"],
                reason=form.cleaned_data["reason"],
                inspected=form.inspected,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "New version uploaded.")
            return redirect("meetings:document", pk=document.pk)
    return render(
        request,
        "meetings/document_detail.html",
        {
            "document": document,
            "versions": list(selectors.document_versions(document)),
            "downloads": [],
            "can_edit": True,
            "version_form": form,
        },
        status=400,
    )


@login_required
@require_POST
def minutes_adopt(request, pk: int):
    document = selectors.document_get(request.user, pk)
    _require_runner(request.user, document)
    try:
        services.minutes_adopt(actor=request.user, document=document)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Minutes adopted; they are now locked.")
    return redirect("meetings:document", pk=document.pk)


@require_safe
def search(request):
    # Full-text search is the most expensive read a visitor can ask for (issue 10).
    if request.GET.get("q") and (
        limited := throttles.limit(request, "search", ident=throttles.user_ident(request))
    ):
        return limited
    query = request.GET.get("q", "")[:200]
    results = selectors.search(request.user, query)
    return render(request, "meetings/search.html", {"query": query, "results": results})


def _own_nomination(user, found: dict) -> str | None:
    """The ISO code of the viewer's administration while it may nominate, else None."""
    from secretariat.access import is_member_staff

    if not is_member_staff(user) or not page.nominations_open(found):
        return None
    administration_id = user.profile.administration_id
    return page.administration_code(administration_id) if administration_id else None


def _require_runner(user, document: Document) -> None:
    if not ChairRights(user).runs(document.meeting.body_id if document.meeting else None):
        raise PermissionDenied


def _title_from(filename: str) -> str:
    stem = filename.rsplit(".", 1)[0]
    return stem.replace("_", " ").strip() or filename


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)

