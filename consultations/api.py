"""The consultations API: partners and consultations, scoped like the pages (read-only).

Changes go through the admin (which calls the services), so SEQUENCE and notices never depend
on which client made the change.
"""

import django_filters
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from consultations.caching import CONSULTATIONS
from consultations.models import Consultation, ConsultationSeries
from consultations.selectors import consultations_visible_to
from meetings.caching import MEETINGS
from meetings.models import Document
from secretariat.access import role_of
from secretariat.api import IdFilter, YearFilter
from secretariat.models import Partner
from secretariat.pagination import CountWhenNeededPagination


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["id", "slug", "name", "short_name", "kind", "country", "website"]


class SeriesSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsultationSeries
        fields = ["id", "title", "level", "is_numbered"]


class ConsultationDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = ["id", "title", "kind", "access_level"]


class MeetingRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(source="display_title")


# Stateless field objects for the written-out list rows (``self.fields`` of a ModelSerializer
# costs more to build than a whole page of rows).
_UUID = serializers.UUIDField()
_DATE = serializers.DateField()
_INSTANT = serializers.DateTimeField()


class ConsultationSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    partner = serializers.SlugRelatedField(source="series.partner", slug_field="slug",
                                           read_only=True)
    series = SeriesSerializer(read_only=True)
    meeting = MeetingRefSerializer(read_only=True, allow_null=True)
    documents = ConsultationDocumentSerializer(source="visible_documents", many=True,
                                               read_only=True)
    url = serializers.SerializerMethodField()
    ics_url = serializers.SerializerMethodField()

    class Meta:
        model = Consultation
        fields = [
            "id", "uid", "title", "ordinal", "partner", "series", "meeting", "date", "starts_at",
            "ends_at", "time_zone", "venue", "mode", "mode_note", "status", "agenda",
            "published", "sequence", "documents", "url", "ics_url",
        ]

    def to_representation(self, consultation):
        """The fields above, written out: a list of 50 spends most of its time in DRF's generic
        per-field walk. Conversions with rules of their own (the UUID, instants in the
        viewer's zone) still go through DRF's fields, unbound ones built once."""
        series = consultation.series
        meeting = consultation.meeting
        return {
            "id": consultation.id,
            "uid": _UUID.to_representation(consultation.uid),
            "title": consultation.title,
            "ordinal": consultation.ordinal,
            "partner": series.partner.slug,
            "series": {"id": series.id, "title": series.title, "level": series.level,
                       "is_numbered": series.is_numbered},
            "meeting": None if meeting is None else {"id": meeting.id,
                                                     "title": meeting.display_title},
            "date": _DATE.to_representation(consultation.date),
            "starts_at": _INSTANT.to_representation(consultation.starts_at),
            "ends_at": _INSTANT.to_representation(consultation.ends_at),
            "time_zone": consultation.time_zone,
            "venue": consultation.venue,
            "mode": consultation.mode,
            "mode_note": consultation.mode_note,
            "status": consultation.status,
            "agenda": consultation.agenda,
            "published": consultation.published,
            "sequence": consultation.sequence,
            "documents": [
                {"id": doc.id, "title": doc.title, "kind": doc.kind,
                 "access_level": doc.access_level}
                for doc in consultation.visible_documents
            ],
            "url": self.get_url(consultation),
            "ics_url": self.get_ics_url(consultation),
        }

    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())

    def get_ics_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("consultations:event_ics", args=[obj.pk])
        )


class ConsultationFilter(django_filters.FilterSet):
    partner = django_filters.CharFilter(field_name="series__partner__slug",
                                        help_text="Partner slug, e.g. wco.")
    year = YearFilter(field_name="date", lookup_expr="year",
                      help_text="Year of the local date at the venue.")
    status = django_filters.ChoiceFilter(choices=Consultation.Status.choices)
    meeting = IdFilter(field_name="meeting_id",
                       help_text="Id of the meeting it is held alongside.")

    class Meta:
        model = Consultation
        fields = ["partner", "year", "status", "meeting"]


class PartnerViewSet(viewsets.ReadOnlyModelViewSet):
    """Dialogue partner organisations (public facts; listed for any logged-in user)."""

    queryset = Partner.objects.order_by("name")
    serializer_class = PartnerSerializer
    lookup_field = "slug"

    def list(self, request, *args, **kwargs):
        """The same for every caller: cached per consultations data version (partners are
        its data), keyed by the whole URI (pages, the host of the links)."""
        return Response(CONSULTATIONS.cached(
            ("partners-api", request.build_absolute_uri()),
            lambda: super(PartnerViewSet, self).list(request, *args, **kwargs).data))


class ConsultationViewSet(viewsets.ReadOnlyModelViewSet):
    """Consultations the caller may see; another partner's unpublished ones answer 404."""

    serializer_class = ConsultationSerializer
    filterset_class = ConsultationFilter
    pagination_class = CountWhenNeededPagination

    def get_queryset(self):
        return consultations_visible_to(self.request.user, with_documents=True).order_by(
            "starts_at", "pk"
        )

    def list(self, request, *args, **kwargs):
        """Cached per version of the consultations' and the meetings' data, for one audience:
        which consultations the caller may know of now (``audience``, the chair's rights of
        this instant), which papers they may read (clearance, delegations they head) and
        which embargo lifts next (so a paper appears at that instant, without any write);
        and the whole URI (filters, the host of the links) and the active time zone (the
        instants are written in it)."""
        user = request.user
        if CONSULTATIONS.current() is None:  # the shared cache is unreachable
            return super().list(request, *args, **kwargs)
        now = timezone.now()
        readers, lifting = CONSULTATIONS.cached(
            ("audience", user.pk, role_of(user)),
            lambda: Document.objects.filter(consultations__isnull=False).audience(user, now))
        next_lift = next((instant for instant in lifting if instant > now.timestamp()), None)
        parts = ("api-list", Consultation.objects.audience(user), readers, next_lift,
                 timezone.get_current_timezone_name(), request.build_absolute_uri())
        return Response(CONSULTATIONS.cached(
            parts, lambda: super(ConsultationViewSet, self).list(request, *args, **kwargs).data,
            also=[MEETINGS]))
