"""Reads of consultations, already scoped to the viewer. Pages, API and feeds use these."""

from django.db.models import Prefetch
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from consultations.models import CalendarFeedToken, Consultation, ConsultationSeries
from meetings.models import Document
from secretariat.access import partner_id_of, role_of
from secretariat.models import Partner, Role


def consultations_visible_to(user, *, with_documents: bool = False):
    """Consultations ``user`` may see, with partner and host meeting loaded (no N+1).

    ``with_documents`` prefetches only the papers the meetings app lets ``user`` read.
    """
    qs = Consultation.objects.visible_to(user).with_related()
    if with_documents:
        qs = qs.prefetch_related(
            Prefetch(
                "documents",
                queryset=Document.objects.visible_to(user).order_by("title"),
                to_attr="visible_documents",
            )
        )
    return qs


def consultation_get(user, pk: int) -> Consultation:
    """The consultation, or 404 when it does not exist *or* ``user`` may not know of it."""
    try:
        return consultations_visible_to(user, with_documents=True).get(pk=pk)
    except Consultation.DoesNotExist:
        raise Http404("No such consultation.") from None


def schedule(user, *, year: int | None = None, partner_slug: str | None = None):
    """(upcoming, past) lists for the schedule page, soonest upcoming first."""
    qs = consultations_visible_to(user)
    if year:
        qs = qs.in_year(year)
    if partner_slug:
        qs = qs.filter(series__partner__slug=partner_slug)
    today = timezone.localdate()
    upcoming = list(qs.filter(date__gte=today).order_by("starts_at"))
    past = list(qs.filter(date__lt=today).order_by("-starts_at"))
    return upcoming, past


def schedule_years(user) -> list[int]:
    dates = consultations_visible_to(user).dates("date", "year", order="DESC")
    return [d.year for d in dates]


def partners_with_consultations(user):
    """Partners that have at least one consultation ``user`` can see, for the filter."""
    visible = Consultation.objects.visible_to(user).values("series__partner_id")
    return Partner.objects.filter(pk__in=visible).order_by("name")


def schedule_filter_choices(user) -> tuple[list[int], list[tuple[str, str]]]:
    """(years, (partner slug, label)) that the schedule's filter offers ``user``: plain values,
    cached per audience by the page."""
    partners = [(p.slug, p.short_name or p.name) for p in partners_with_consultations(user)]
    return schedule_years(user), partners


def partner_page(user):
    """The partner's own view: their series and every consultation of theirs (published or not).

    Only partner accounts have one; anyone else gets 404 rather than someone else's page.
    """
    if role_of(user) != Role.PARTNER:
        raise Http404("Only dialogue partners have this page.")
    partner = Partner.objects.get(pk=partner_id_of(user))
    consultations = list(
        consultations_visible_to(user, with_documents=True)
        .filter(series__partner=partner)
        .order_by("-starts_at")
    )
    series = list(ConsultationSeries.objects.filter(partner=partner).order_by("level"))
    return partner, series, consultations


def consultations_for_meeting(meeting, user):
    """Consultations held alongside ``meeting`` that ``user`` may see, in timetable order.

    For the meetings app's timetable: each row has ``title``, ``local_start``/``local_end`` (in
    the venue's zone), ``partner`` and ``get_absolute_url()``.
    """
    return list(consultations_visible_to(user).filter(meeting=meeting).order_by("starts_at"))


def upcoming_consultations(user, *, limit: int = 5):
    today = timezone.localdate()
    return list(
        consultations_visible_to(user)
        .filter(date__gte=today)
        .exclude(status=Consultation.Status.CANCELLED)
        .order_by("starts_at")[:limit]
    )


def feed_user(token: str):
    """The active user a private feed token belongs to, or 404 (unknown, rotated, inactive)."""
    row = (
        CalendarFeedToken.objects.select_related("user__profile")
        .filter(token=token, user__is_active=True)
        .first()
    )
    if row is None:
        raise Http404("No such calendar.")
    return row.user


def document_url(document: Document) -> str | None:
    """The meetings app's page for a paper, once it has one."""
    try:
        return reverse("meetings:document", args=[document.pk])
    except NoReverseMatch:
        return None
