"""What consultations adds to the core's pages: a home panel and the calendar URL in /me/."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from consultations import selectors, services
from consultations.caching import CONSULTATIONS
from consultations.models import Consultation
from secretariat.access import role_of


def upcoming_panel(request) -> dict:
    """Cached per audience (who sees every consultation, a partner its own unpublished
    ones too, everyone else the published ones) and day, for the consultations' data
    version. Times are shown in each consultation's own zone, not the viewer's."""
    user = request.user
    audience = Consultation.objects.audience(user)
    parts = ("upcoming-panel", audience, timezone.localdate().isoformat())
    return CONSULTATIONS.cached(parts, lambda: _upcoming_panel(user))


def _upcoming_panel(user) -> dict:
    items = []
    for c in selectors.upcoming_consultations(user, limit=5):
        start = c.local_start
        detail = f"{start:%-d %b %Y}, {start:%H:%M} ({c.time_zone}) · {c.get_status_display()}"
        items.append({"label": c.title, "url": c.get_absolute_url(), "detail": detail})
    return {
        "title": "Upcoming consultations",
        "items": items,
        "empty": "No consultations with dialogue partners are scheduled.",
    }


def me_calendar_url(request) -> dict:
    """``calendar_url`` for ``/api/v1/me/``: the caller's private feed, created on first ask."""
    if role_of(request.user) is None:
        return {"calendar_url": None}
    token = services.calendar_token_for(user=request.user)
    path = reverse("consultations:private_feed", args=[token.token])
    return {"calendar_url": request.build_absolute_uri(path)}


def meeting_section(request, meeting) -> str | None:
    """The consultations held alongside a meeting, for the meeting page (meetings.panels),
    cached per audience (``ConsultationQuerySet.audience``: the DG chair term is computed
    now). ``meeting`` may be lazy: only its ``pk`` is read unless the section is built."""
    from consultations.caching import CONSULTATIONS
    from consultations.models import Consultation
    from meetings.caching import MEETINGS

    audience = Consultation.objects.audience(request.user)

    def build() -> str:
        consultations = list(
            Consultation.objects.for_audience(audience).with_related()
            .filter(meeting_id=meeting.pk).order_by("starts_at"))
        if not consultations:
            return ""
        return render_to_string(
            "consultations/_meeting_consultations.html",
            {"meeting": meeting, "consultations": consultations},
        )

    parts = (MEETINGS.current(), "meeting-section", meeting.pk, audience,
             timezone.get_current_timezone_name())
    return mark_safe(CONSULTATIONS.cached(parts, build)) or None  # noqa: S308 (Django's)


def partner_busy(meeting, partner_ids, starts_at, ends_at):
    """For the bilateral scheduler: a partner is busy during its consultations at the
    meeting (cancelled ones excepted)."""
    from consultations.models import Consultation

    if not partner_ids:
        return []
    rows = (
        Consultation.objects.with_related()
        .filter(meeting=meeting, series__partner_id__in=partner_ids,
                starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(status=Consultation.Status.CANCELLED)
    )
    return [(c.series.partner_id, c.title, c.starts_at, c.ends_at) for c in rows]
