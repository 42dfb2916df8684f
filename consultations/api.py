"""The consultations API: partners and consultations, scoped like the pages (read-only).

Changes go through the admin (which calls the services), so SEQUENCE and notices never depend
on which client made the change.
"""

import django_filters
from django.urls import reverse
from rest_framework import serializers, viewsets

from consultations.models import Consultation, ConsultationSeries
from consultations.selectors import consultations_visible_to
from meetings.models import Document
from secretariat.api import IdFilter, YearFilter
from secretariat.models import Partner


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


class ConsultationViewSet(viewsets.ReadOnlyModelViewSet):
    """Consultations the caller may see; another partner's unpublished ones answer 404."""

    serializer_class = ConsultationSerializer
    filterset_class = ConsultationFilter

    def get_queryset(self):
        return consultations_visible_to(self.request.user, with_documents=True).order_by(
            "starts_at", "pk"
        )
