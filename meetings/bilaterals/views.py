"""Pages of the bilateral scheduler: a delegation's (or partner's, or the secretariat's) grid
of the meeting days, the request form, the answers, and each delegation's calendar feed."""

import datetime as dt
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from meetings.bilaterals import ical, selectors, services
from meetings.bilaterals.forms import ProposeForm, RequestForm
from meetings.bilaterals.models import Bilateral, DelegationFeed, Room
from meetings.models import Delegation, Meeting
from secretariat.ical import throttled
from secretariat.models import Partner
from secretariat.security_log import log_event


def _meeting_and_viewer(request, pk: int):
    meeting = Meeting.objects.with_related().filter(pk=pk).first()
    if meeting is None:
        raise Http404
    raw = request.GET.get("delegation", "")
    delegation_id = int(raw) if raw.isdigit() and len(raw) < 10 else None
    viewer = selectors.viewer_for(request.user, meeting, delegation_id=delegation_id)
    if viewer is None:
        raise Http404
    return meeting, viewer


def _errors(exc: ValidationError) -> list[str]:  # for the answer buttons (a redirect)
    return [m for messages_ in exc.message_dict.values() for m in messages_]


def _request_form(meeting, viewer, data=None):
    delegations, partners = selectors.invitee_choices(meeting, viewer.delegation)
    requester_choices = None
    if viewer.is_secretariat:
        requester_choices = [(d.pk, d.administration.country) for d in delegations]
    return RequestForm(data, meeting=meeting, delegations=delegations, partners=partners,
                       requester_choices=requester_choices)


def _may_request(user, viewer) -> bool:
    return viewer.is_secretariat or (
        viewer.delegation is not None and services.acts_for_delegation(user, viewer.delegation))


def _grid(request, meeting, viewer, *, form=None, status=200):
    may_request = _may_request(request.user, viewer)
    feed_url = None
    if viewer.delegation is not None:
        feed_url = request.build_absolute_uri(reverse(
            "bilaterals:feed", args=[services.feed_token_for(viewer.delegation)]))
    pending = selectors.pending_for(viewer, meeting)
    for bilateral in pending:
        side = services.answering_side(bilateral)
        bilateral.my_turn = services.acts_for_side(request.user, bilateral, side)
        bilateral.open_proposals = services.open_proposals(bilateral)
    start = meeting.sessions.order_by("starts_at").values_list("starts_at", flat=True).first()
    # The zone labels carry the offset of the meeting's days (summer time elsewhere).
    reference = start or dt.datetime.combine(meeting.start_date, dt.time(9), meeting.zoneinfo)
    if may_request and form is None:
        form = _request_form(meeting, viewer)
    return render(request, "bilaterals/grid.html", {
        "meeting": meeting, "viewer": viewer, "days": selectors.grid(viewer, meeting),
        "pending": pending, "form": form if may_request else None,
        "propose_form": ProposeForm(), "feed_url": feed_url,
        "venue_zone": selectors.zone_label(meeting.city or "Venue", meeting.time_zone, reference),
        "own_zone": selectors.zone_label(viewer.zone_place, viewer.time_zone, reference),
        "rooms": selectors.rooms_with_bookings(meeting) if viewer.is_secretariat else None,
        "delegations": (Delegation.objects.filter(meeting=meeting).select_related("administration")
                        .order_by("administration__country") if viewer.is_secretariat else None),
    }, status=status)


@login_required
@require_safe
def grid_page(request, pk: int):
    meeting, viewer = _meeting_and_viewer(request, pk)
    return _grid(request, meeting, viewer)


@login_required
@require_POST
def request_view(request, pk: int):
    """A refused request comes back as the grid with the form as typed and the clash named
    (400), so nothing typed is lost."""
    meeting, viewer = _meeting_and_viewer(request, pk)
    if not _may_request(request.user, viewer):
        raise PermissionDenied
    form = _request_form(meeting, viewer, request.POST)
    if not form.is_valid():
        return _grid(request, meeting, viewer, form=form, status=400)
    if viewer.is_secretariat:
        requester = Delegation.objects.filter(
            meeting=meeting, pk=form.cleaned_data["requester"]).first()
    else:
        requester = viewer.delegation
    delegation_id, partner_id = form.invitee_ids()
    try:
        if requester is None:
            raise ValidationError({"requester": "Choose the requesting delegation."})
        bilateral = services.bilateral_request(
            actor=request.user, meeting=meeting, requester=requester,
            invitee_delegation=Delegation.objects.filter(meeting=meeting, pk=delegation_id).first()
            if delegation_id else None,
            invitee_partner=Partner.objects.filter(pk=partner_id).first() if partner_id else None,
            topic=form.cleaned_data["topic"], party_size=form.cleaned_data["party_size"],
            slots=form.slots(),
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            target = "slot_1" if field == "slot" else field if field in form.fields else None
            form.add_error(target, errors)
        return _grid(request, meeting, viewer, form=form, status=400)
    messages.success(request, f"{bilateral.title} requested; the other side is told by email.")
    return redirect("bilaterals:grid", pk=meeting.pk)


@login_required
@require_POST
def answer_view(request, pk: int):
    bilateral = Bilateral.objects.with_related().filter(pk=pk).first()
    if bilateral is None:
        raise Http404
    viewer = selectors.viewer_for(request.user, bilateral.meeting)
    if viewer is None or not selectors.bilaterals_for(viewer, bilateral.meeting).filter(
        pk=bilateral.pk).exists():
        raise Http404
    action = request.POST.get("action", "")
    try:
        if action == "accept":
            raw_room = request.POST.get("room", "")
            room = (Room.objects.filter(meeting=bilateral.meeting, pk=int(raw_room)).first()
                    if raw_room.isdigit() and len(raw_room) < 10 else None)
            raw = request.POST.get("proposal", "")
            if not raw.isdigit() or len(raw) >= 10:
                raise ValidationError({"slot": "Choose one of the proposed slots."})
            bilateral = services.bilateral_accept(
                actor=request.user, bilateral_id=bilateral.pk, proposal_id=int(raw), room=room)
            messages.success(request, f"{bilateral.title} scheduled in {bilateral.room.name}.")
        elif action == "decline":
            services.bilateral_decline(actor=request.user, bilateral_id=bilateral.pk)
            messages.success(request, f"{bilateral.title} declined.")
        elif action == "cancel":
            services.bilateral_cancel(actor=request.user, bilateral_id=bilateral.pk)
            messages.success(request, f"{bilateral.title} cancelled.")
        elif action == "propose":
            form = ProposeForm(request.POST)
            if not form.is_valid():
                raise ValidationError({"slot": "Give a start and a duration."})
            starts_at, ends_at = form.slot(bilateral.meeting)
            services.bilateral_propose(actor=request.user, bilateral_id=bilateral.pk,
                                       starts_at=starts_at, ends_at=ends_at)
            messages.success(request, "Other slot proposed; the other side is told by email.")
        else:
            return HttpResponse("Unknown action.", status=400)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, f"Refused: {message}")
    return redirect("bilaterals:grid", pk=bilateral.meeting_id)


@require_safe
def feed(request, token: str):
    """A delegation's bilaterals as iCalendar: scheduled ones, and cancelled ones that were
    scheduled (so calendar apps remove them). Nothing of other delegations."""
    # Like every calendar file: a per-client limit, counted before the token is looked up,
    # so guessing tokens is as slow as reading feeds (issue 10).
    if limited := throttled(request):
        return limited
    found = (DelegationFeed.objects.select_related("delegation__administration",
                                                    "delegation__meeting__body")
             .filter(token=token[:64]).first())
    if found is None:
        log_event("bilateral_feed_denied", request, level=logging.WARNING)
        raise Http404
    body = ical.delegation_calendar(found.delegation)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="bilaterals.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
