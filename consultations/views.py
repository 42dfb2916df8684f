"""Pages and calendar files of consultations. Every read goes through ``selectors``."""

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe

from consultations import ical, selectors, services
from consultations.caching import CONSULTATIONS
from consultations.models import Consultation
from meetings.caching import MEETINGS
from secretariat.access import role_of
from secretariat.caching import cache_public_page
from secretariat.ical import ics_etag, ics_response, throttled
from secretariat.security_log import log_event


class ScheduleFilterForm(forms.Form):
    year = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    partner = forms.ChoiceField(required=False)

    def __init__(self, *args, years, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "All years")] + [(y, str(y)) for y in years]
        self.fields["partner"].choices = [("", "All partners"), *partners]


@require_safe
@cache_public_page(seconds=60)
def schedule_page(request):
    """The public schedule: what the viewer may see, upcoming first, then the record.

    The filter's choices and the two lists are kept per audience (who sees the same
    consultations at this instant) until the next write to consultations or meetings
    (issue 14); the private feed address is the viewer's own and never cached."""
    user = request.user
    audience = Consultation.objects.audience(user)
    years, partners = CONSULTATIONS.cached(
        ("schedule-filter", audience), lambda: selectors.schedule_filter_choices(user))
    form = ScheduleFilterForm(request.GET or None, years=years, partners=partners)
    year = partner = None
    if form.is_bound and form.is_valid():
        year, partner = form.cleaned_data["year"], form.cleaned_data["partner"] or None

    def lists() -> str:
        upcoming, past = selectors.schedule(user, year=year, partner_slug=partner)
        return render_to_string("consultations/_schedule_lists.html", {
            "upcoming": upcoming, "past": past, "filtered": form.is_bound})

    today = timezone.localdate()
    schedule_lists = CONSULTATIONS.cached(
        ("schedule", audience, year, partner, form.is_bound, today.isoformat(),
         MEETINGS.current()), lists)
    feed_url = None
    if role_of(user):
        token = services.calendar_token_for(user=user)
        feed_url = request.build_absolute_uri(_private_feed_path(token.token))
    return render(request, "consultations/schedule.html", {
        "form": form, "schedule_lists": mark_safe(schedule_lists),  # noqa: S308 (rendered above)
        # (value, label, selected): the form's value read once, not once per option
        "year_options": _options(form, "year"), "partner_options": _options(form, "partner"),
        "private_feed_url": feed_url,
        "public_feed_url": request.build_absolute_uri(reverse("consultations:public_feed")),
    })


def _options(form, name: str) -> list[tuple]:
    chosen = str(form[name].value() or "")
    return [(value, label, str(value) == chosen) for value, label in form.fields[name].choices]


def _private_feed_path(token: str) -> str:
    return reverse("consultations:private_feed", args=[token])


@require_safe
def consultation_page(request, pk: int):
    consultation = selectors.consultation_get(request.user, pk)
    documents = [
        (doc, selectors.document_url(doc)) for doc in consultation.visible_documents
    ]
    return render(request, "consultations/detail.html", {
        "consultation": consultation, "documents": documents,
    })


@login_required
@require_safe
def my_consultations_page(request):
    partner, series, consultations = selectors.partner_page(request.user)
    token = services.calendar_token_for(user=request.user)
    return render(request, "consultations/mine.html", {
        "partner": partner, "series": series, "consultations": consultations,
        "private_feed_url": request.build_absolute_uri(_private_feed_path(token.token)),
        "public_feed_url": request.build_absolute_uri(reverse("consultations:public_feed")),
    })


@login_required
@require_POST
def calendar_rotate(request):
    services.calendar_token_rotate(actor=request.user)
    log_event("calendar_token_rotated", request)
    messages.success(request, "Your private calendar address was changed. The old one no "
                              "longer works: subscribe again with the new address.")
    next_url = request.POST.get("next", "")
    if next_url not in {"mine", "schedule"}:
        next_url = "schedule"
    return redirect(f"consultations:{'my_consultations' if next_url == 'mine' else 'schedule'}")


def _alarm(request) -> int | None:
    return ical.parse_alarm(request.GET.get("alarm"))


@require_safe
def event_ics(request, pk: int):
    """“Add to calendar”: one consultation as a .ics file."""
    if limited := throttled(request):
        return limited
    consultation = selectors.consultation_get(request.user, pk)
    try:
        alarm = _alarm(request)
    except ical.BadAlarm as exc:
        return HttpResponseBadRequest(str(exc))
    body = ical.calendar_for(
        [consultation], name=consultation.title, feed_id=f"consultation-{consultation.uid}",
        alarm_minutes=alarm,
    )
    return ics_response(
        request, body, filename=f"consultation-{consultation.pk}.ics",
        private=not consultation.published,
    )


@require_safe
def public_feed(request):
    """Published consultations for anyone, whatever the session: this URL gets shared."""
    if limited := throttled(request):
        return limited
    try:
        alarm = _alarm(request)
    except ical.BadAlarm as exc:
        return HttpResponseBadRequest(str(exc))
    from consultations.calendar import CALENDAR
    from meetings.caching import MEETINGS

    def build() -> tuple[bytes, str]:
        consultations = selectors.consultations_visible_to(AnonymousUser()).order_by(
            "starts_at")
        body = ical.calendar_for(
            consultations, name="ASEAN customs consultations", feed_id="public-feed",
            alarm_minutes=alarm,
        )
        return body, ics_etag(body)

    # One file for everyone (the anonymous view), rebuilt after any write to what it shows
    # (consultations, their series and partners; the meetings they are held beside).
    body, etag = CALENDAR.cached(("public-feed", alarm), build, also=[MEETINGS])
    return ics_response(request, body, private=False, etag=etag)


@require_safe
def private_feed(request, token: str):
    """The feed of the token's owner, seen with their rights; no session needed."""
    if limited := throttled(request):
        return limited
    try:
        owner = selectors.feed_user(token)
    except Http404:
        # A rotated or guessed secret: worth a line in the security log, never the token.
        log_event("calendar_feed_denied", request, level=logging.WARNING)
        raise
    try:
        alarm = _alarm(request)
    except ical.BadAlarm as exc:
        return HttpResponseBadRequest(str(exc))
    from consultations.calendar import feed_events
    from secretariat.ical import calendar_bytes

    # Meetings and their sessions (public) beside the consultations the owner may see.
    body = calendar_bytes(
        feed_events(owner, alarm=alarm), name="My ASEAN customs calendar",
        feed_id=f"user-{owner.pk}-feed",
    )
    return ics_response(request, body, private=True)

