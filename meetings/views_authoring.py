"""Pages that prepare a meeting: create and edit it, its sessions, its agenda tree, its papers,
convening, and the delegations' nominations. Each view fetches through a scoped getter, asks
``workgroups.access.ChairRights`` at this instant, and calls a service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from meetings import authoring, convening, selectors
from meetings.agenda import allowed_visibilities, numbered_tree
from meetings.authoring_forms import (
    AgendaItemEditForm,
    AgendaItemForm,
    DocumentEditForm,
    MeetingForm,
    NominationFormSet,
    SessionForm,
    WithdrawForm,
)
from meetings.caching import MEETINGS
from meetings.models import AgendaItem, DelegationMember, Document, Meeting, Session
from secretariat import fragments
from secretariat.models import Administration
from workgroups.access import ChairRights
from workgroups.models import Body


def _runnable_meeting(request, pk: int) -> Meeting:
    """The meeting if the user runs its body right now; 403 otherwise (meetings are public,
    so their existence is no secret)."""
    meeting = selectors.meeting_get_for_authoring(pk)
    if not ChairRights(request.user).runs(meeting.body_id):
        raise PermissionDenied("Only the secretariat and the body's chair run this meeting.")
    return meeting


def _field_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    rights = ChairRights(request.user)
    bodies = [b for b in Body.objects.order_by("code") if rights.runs(b.pk)]
    if not bodies:
        raise PermissionDenied("You do not chair any body today.")
    code = request.POST.get("body") or request.GET.get("body") or bodies[0].code
    body = next((b for b in bodies if b.code == code), None)
    if body is None:
        raise PermissionDenied("You do not run this body's meetings today.")
    host = Administration.objects.filter(pk=request.POST.get("host") or 0).first()
    form = MeetingForm(request.POST or None, host=host,
                       initial={"ordinal": authoring.next_ordinal(body)})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = authoring.meeting_create(actor=request.user, body=body, **form.changes())
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, f"{meeting.display_title} created as a draft.")
            return redirect("meetings:sessions", pk=meeting.pk)
    return render(request, "meetings/meeting_form.html", {
        "form": form, "body": body, "bodies": bodies, "meeting": None,
        "fields": mark_safe(_meeting_fields(form)),  # noqa: S308 (rendered by Django)
    }, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int):
    meeting = _runnable_meeting(request, pk)
    host = meeting.host
    if request.method == "POST" and request.POST.get("host"):
        host = Administration.objects.filter(pk=request.POST["host"]).first()
    # A POST's form writes into its instance while validating: not the page's ``meeting``.
    form = MeetingForm(request.POST or None, host=host,
                       instance=Meeting.objects.get(pk=pk) if request.method == "POST"
                       else meeting)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                updated = authoring.meeting_update(
                    actor=request.user, meeting_id=meeting.pk,
                    expected_version=form.cleaned_data["version"] or 0,
                    changes=form.changes())
            except authoring.Conflict:
                form.add_error(None, "Someone saved this meeting while you were editing: "
                                     "reload the page to see their change.")
                status = 409
            except ValidationError as exc:
                _field_errors(form, exc)
            else:
                note = " An update went to every recipient." if (
                    updated.sequence > meeting.sequence) else ""
                messages.success(request, f"{updated.display_title} saved.{note}")
                return redirect("meetings:detail", pk=meeting.pk)
    if form.is_bound:
        fields = _meeting_fields(form)
    else:
        # The empty form shows the meeting (its version, for the concurrent-edit check) and
        # the hosts offered: kept under the meetings' data version, which every write to
        # either moves.
        fields = MEETINGS.cached(
            ("meeting-form", meeting.pk, meeting.version, timezone.localdate().isoformat(),
             timezone.get_current_timezone_name()), lambda: _meeting_fields(form))
    return render(request, "meetings/meeting_form.html", {
        "form": form, "body": meeting.body, "meeting": meeting,
        "fields": mark_safe(fields),  # noqa: S308 (rendered by Django)
    }, status=status)


def _meeting_fields(form) -> str:
    return render_to_string("meetings/_meeting_form_fields.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def sessions_page(request, pk: int):
    meeting = _runnable_meeting(request, pk)
    form = SessionForm(request.POST or None, meeting=meeting,
                       initial={"day": meeting.start_date})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                authoring.session_create(actor=request.user, meeting=meeting, **form.values())
            except ValidationError as exc:
                _field_errors(form, exc)
            else:
                messages.success(request, f"Session “{form.cleaned_data['title']}” added.")
                return redirect("meetings:sessions", pk=meeting.pk)
    sessions = list(meeting.sessions.order_by("starts_at"))
    rows = [(s, _session_fields(s, meeting)) for s in sessions]
    return render(request, "meetings/sessions.html", {
        "meeting": meeting, "form": form, "rows": rows,
        "add_form": _form_html(form, ("session-add", meeting.start_date)),
        # Not shown on this page (the rows are): computed only if a caller reads it.
        "timetable": SimpleLazyObject(lambda: selectors.timetable(
            meeting, selectors.viewer_time_zone(request.user))),
    }, status=status)


def _session_fields(session: Session, meeting: Meeting) -> SafeString:
    """A session's edit fields, rendered once per value of what they show: the row just
    read (its version too, so a stale version is never offered) in the venue's zone."""
    form = SessionForm.for_session(session, meeting)
    parts = ("session-fields", session.pk, meeting.time_zone, *sorted(form.initial.items()))
    return mark_safe(fragments.rendered(  # noqa: S308 (rendered by Django)
        parts, lambda: render_to_string("meetings/_session_fields.html", {"sform": form})))


def _agenda_item_fields(item: AgendaItem) -> SafeString:
    """An item's inline edit fields (the form tag and its CSRF token stay in the page),
    rendered once per value of what they show, its version included."""
    parts = ("agenda-item-fields", item.pk, item.display_number, item.title, item.visibility,
             item.version, tuple(item.visibility_choices), item.is_empty)
    return mark_safe(fragments.rendered(  # noqa: S308 (rendered by Django)
        parts, lambda: render_to_string("meetings/_agenda_item_fields.html", {"item": item})))


def _form_html(form, parts: tuple) -> SafeString:
    """An "add" form through crispy: rendered once per ``parts`` while it is empty (GET);
    a bound form (its values and errors) is rendered as it is."""
    def build() -> str:
        return render_to_string("meetings/_crispy_form.html", {"form": form})

    if form.is_bound:
        return mark_safe(build())  # noqa: S308 (rendered by Django)
    return mark_safe(fragments.rendered(parts, build))  # noqa: S308 (rendered by Django)


@login_required
@require_POST
def session_edit(request, pk: int, session_id: int):
    meeting = _runnable_meeting(request, pk)
    session = get_object_or_404(Session, pk=session_id, meeting=meeting)
    if request.POST.get("delete"):
        authoring.session_delete(actor=request.user, session_id=session.pk)
        messages.success(request, f"Session “{session.title}” deleted.")
        return redirect("meetings:sessions", pk=meeting.pk)
    form = SessionForm(request.POST, meeting=meeting, prefix=f"s{session.pk}")
    if form.is_valid():
        try:
            authoring.session_update(actor=request.user, session_id=session.pk,
                                     expected_version=form.cleaned_data["version"] or 0,
                                     changes=form.values())
        except authoring.Conflict:
            messages.error(request, "Someone changed this session meanwhile; here it is now.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Session “{form.cleaned_data['title']}” saved.")
    else:
        messages.error(request, "Not saved: " + "; ".join(
            f"{form.fields[f].label or f}: {' '.join(e)}" if f in form.fields else " ".join(e)
            for f, e in form.errors.items()))
    return redirect("meetings:sessions", pk=meeting.pk)


def _agenda_context(request, meeting, form, items):
    for item in items:
        item.visibility_choices = allowed_visibilities(item.parent)
        item.is_empty = not item.children_list
        item.fields_html = _agenda_item_fields(item)
    return {"meeting": meeting, "form": form, "items": items,
            # The "Under" choices are the items' numbers and titles: the key.
            "add_form": _form_html(form, ("agenda-add", *[(i.pk, i.number, i.title)
                                                          for i in items]))}


@login_required
@require_http_methods(["GET", "POST"])
def agenda_edit(request, pk: int):
    meeting = _runnable_meeting(request, pk)
    # One read of the tree for the page and the form's "Under" choices.
    items = numbered_tree(AgendaItem.objects.filter(meeting=meeting).select_related("parent"))
    form = AgendaItemForm(request.POST or None, items=items)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                authoring.agenda_item_create(
                    actor=request.user, meeting=meeting, title=form.cleaned_data["title"],
                    parent_id=form.cleaned_data["parent"],
                    visibility=form.cleaned_data["visibility"])
            except ValidationError as exc:
                _field_errors(form, exc)
            else:
                messages.success(request, "Item added.")
                return redirect("meetings:agenda_edit", pk=meeting.pk)
    return render(request, "meetings/agenda_edit.html",
                  _agenda_context(request, meeting, form, items), status=status)


@login_required
@require_POST
def agenda_item_edit(request, pk: int, item_id: int):
    meeting = _runnable_meeting(request, pk)
    item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
    form = AgendaItemEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what to do with the item.")
        return redirect("meetings:agenda_edit", pk=meeting.pk)
    action = form.cleaned_data["action"]
    try:
        if action == "save":
            changes = {"title": form.cleaned_data["title"]}
            if form.cleaned_data["visibility"]:
                changes["visibility"] = form.cleaned_data["visibility"]
            authoring.agenda_item_update(actor=request.user, item_id=item.pk,
                                         expected_version=form.cleaned_data["version"] or 0,
                                         changes=changes)
        elif action == "delete":
            authoring.agenda_item_delete(actor=request.user, item_id=item.pk)
        else:
            authoring.agenda_item_move(actor=request.user, item_id=item.pk, direction=action)
    except authoring.Conflict:
        messages.error(request, "Someone changed this item meanwhile; here it is now.")
    except ValidationError as exc:
        messages.error(request, "Not changed: " + " ".join(exc.messages))
    else:
        messages.success(request, "Agenda saved.")
    return redirect("meetings:agenda_edit", pk=meeting.pk)


@login_required
@require_POST
def meeting_convene(request, pk: int):
    meeting = _runnable_meeting(request, pk)
    try:
        convening.meeting_convene(actor=request.user, meeting=meeting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        count = len(convening.recipients(meeting))
        messages.success(request, f"Convened: the notice with its invitation goes to "
                                  f"{count} recipient(s).")
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_http_methods(["GET"])
def nominations_page(request, pk: int):
    meeting = _runnable_meeting(request, pk)
    return render(request, "meetings/nominations.html", {
        "meeting": meeting, "rows": convening.nomination_matrix(meeting),
        "open": meeting.nominations_open(),
    })


@login_required
@require_POST
def nomination_remind(request, pk: int, code: str):
    meeting = _runnable_meeting(request, pk)
    administration = Administration.objects.filter(code__iexact=code).first()
    if administration is None:
        raise Http404
    try:
        queued = convening.nomination_remind(actor=request.user, meeting=meeting,
                                             administration=administration)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Reminder to {administration.country}: {queued} email(s), "
                                  "sent in its working hours.")
    return redirect("meetings:nominations", pk=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def nomination_page(request, pk: int, code: str):
    meeting = selectors.meeting_get(pk)
    administration, delegation = convening.nomination_get(request.user, meeting, code)
    editable = convening.may_edit_nomination(request.user, meeting, administration)
    sessions = list(meeting.sessions.order_by("starts_at"))
    initial = [
        {"full_name": m.full_name, "position": m.position, "email": m.email, "role": m.role,
         "sessions": [s.pk for s in m.sessions.all()]}
        for m in (delegation.members.all() if delegation else [])
    ]
    formset = NominationFormSet(request.POST or None, initial=initial,
                                form_kwargs={"sessions": sessions})
    status = 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Nominations are closed: the deadline has passed.")
        status = 400
        if formset.is_valid():
            members = [f.cleaned_data for f in formset.forms
                       if f.cleaned_data.get("full_name", "").strip()]
            try:
                convening.nomination_save(actor=request.user, meeting=meeting,
                                          administration=administration, members=members,
                                          submit="submit" in request.POST)
            except ValidationError as exc:
                for message in exc.message_dict.get("members", exc.messages):
                    formset._non_form_errors = formset.error_class(
                        [*formset.non_form_errors(), message])
            else:
                messages.success(request, "Nomination submitted." if "submit" in request.POST
                                 else "Draft saved; submit it before the deadline.")
                return redirect("meetings:nomination", pk=meeting.pk, code=administration.code)
    return render(request, "meetings/nomination.html", {
        "meeting": meeting, "administration": administration, "delegation": delegation,
        "formset": formset, "editable": editable,
        "capacity": convening.capacity_for(meeting, administration),
        "roles": DelegationMember.Role,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request, pk: int):
    document = selectors.document_get(request.user, pk)
    if not ChairRights(request.user).runs(document.meeting.body_id if document.meeting else None):
        raise PermissionDenied
    agenda = numbered_tree(AgendaItem.objects.filter(meeting_id=document.meeting_id))
    form = DocumentEditForm(request.POST or None, instance=Document.objects.get(pk=pk),
                            agenda=agenda)
    if request.method == "POST" and form.is_valid():
        try:
            authoring.document_update(actor=request.user, document=document,
                                      changes=dict(form.cleaned_data))
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, "Paper saved.")
            return redirect("meetings:document", pk=document.pk)
    return render(request, "meetings/document_edit.html",
                  {"document": document, "form": form, "withdraw_form": WithdrawForm()},
                  status=400 if form.is_bound else 200)


@login_required
@require_POST
def document_withdraw(request, pk: int):
    document = selectors.document_get(request.user, pk)
    form = WithdrawForm(request.POST)
    form.is_valid()
    authoring.document_withdraw(actor=request.user, document=document,
                                reason=form.cleaned_data.get("reason", ""))
    messages.success(request, f"“{document.title}” is withdrawn: kept in the record, gone "
                              "from every list.")
    if document.meeting_id:
        return redirect("meetings:detail", pk=document.meeting_id)
    return redirect("meetings:list")
