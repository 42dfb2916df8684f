"""REST API of meetings and documents (``/api/v1/meetings/``, ``/api/v1/documents/``)."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from meetings import delivery, selectors, services
from meetings.authoring_api import MeetingAuthoringMixin, MeetingStateSerializer
from meetings.caching import DOCUMENTS, MEETINGS
from meetings.forms import checked_upload
from meetings.models import AccessLevel, AgendaItem, Document, DownloadLog, Meeting
from secretariat.access import role_of
from secretariat.api import BooleanFilter, IdFilter, YearFilter
from secretariat.openapi import ErrorDetailSerializer
from secretariat.pagination import CountWhenNeededPagination
from secretariat.security_log import client_ip
from secretariat.throttles import PortalScopedRateThrottle
from workgroups.access import ChairRights

# --- Meetings ---------------------------------------------------------------------------------


# Stateless, for the written-out rows (``self.fields`` of a ModelSerializer costs more to build
# than a page of rows).
_DATE = serializers.DateField()


class MeetingSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="display_title", read_only=True)
    body = serializers.CharField(source="body.code", read_only=True)
    host = serializers.CharField(source="host.code", read_only=True, allow_null=True)
    host_name = serializers.CharField(read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id", "title", "body", "ordinal", "host", "host_name", "host_is_inferred", "city",
            "venue", "start_date", "end_date", "time_zone", "chair_name", "chair_title",
        ]

    def to_representation(self, meeting):
        """The fields above, written out (DRF's generic per-field walk is most of a list's
        time); dates still go through DRF's field, an unbound one built once."""
        host = meeting.host
        return {
            "id": meeting.id, "title": meeting.display_title, "body": meeting.body.code,
            "ordinal": meeting.ordinal, "host": None if host is None else host.code,
            "host_name": meeting.host_name(), "host_is_inferred": meeting.host_is_inferred,
            "city": meeting.city, "venue": meeting.venue,
            "start_date": _DATE.to_representation(meeting.start_date),
            "end_date": _DATE.to_representation(meeting.end_date),
            "time_zone": meeting.time_zone, "chair_name": meeting.chair_name,
            "chair_title": meeting.chair_title,
        }


class MeetingFilter(django_filters.FilterSet):
    body = django_filters.CharFilter(field_name="body__code", lookup_expr="iexact")
    year = YearFilter(field_name="start_date", lookup_expr="year")
    upcoming = BooleanFilter(method="filter_upcoming")
    # Ids, not choices of existing rows: an id no row has is an empty list (so the API
    # accepts everything its schema allows), not "Select a valid choice".
    host = IdFilter(field_name="host_id")

    class Meta:
        model = Meeting
        fields = ["body", "year", "host"]

    def filter_upcoming(self, queryset, name, value):
        return queryset.upcoming() if value else queryset.past()


class MeetingViewSet(MeetingAuthoringMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                     viewsets.ReadOnlyModelViewSet):
    """Meetings of every body. Their papers are at ``/api/v1/documents/?meeting=<id>``.
    POST creates one (the secretariat, or the body's chair today), PATCH edits it with
    ``If-Match``, ``convene`` convenes it."""

    serializer_class = MeetingSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = MeetingFilter
    # Queries per page: count, meetings with body and host, host name history.
    queryset = Meeting.objects.with_related().order_by("-start_date")

    def list(self, request, *args, **kwargs):
        """The same for every caller (meetings are public): cached per version of the
        meetings' data (``meetings.caching``), keyed by the whole URI (the filters, and the
        host and scheme of the next/previous links)."""
        return Response(MEETINGS.cached(
            ("api-list", request.build_absolute_uri()),
            lambda: super(MeetingViewSet, self).list(request, *args, **kwargs).data))

    def retrieve(self, request, *args, **kwargs):
        meeting = self.get_object()
        response = Response(self.get_serializer(meeting).data)
        response["ETag"] = meeting.etag
        return response

    @extend_schema(request=None, responses={200: MeetingStateSerializer,
                                            400: ErrorDetailSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def convene(self, request, pk=None):
        """Convene a draft or postponed meeting: the notice and its invitation
        (METHOD:REQUEST) to every recipient, once each. Idempotent for a convened meeting;
        a held or cancelled one is a 400."""
        return MeetingAuthoringMixin.convene(self, request, pk)


# --- Documents --------------------------------------------------------------------------------


class DocumentSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="current_version.number", read_only=True)
    size = serializers.IntegerField(source="current_version.size", read_only=True)
    sha256 = serializers.CharField(source="current_version.sha256", read_only=True)
    filename = serializers.CharField(source="current_version.original_filename", read_only=True)
    content_type = serializers.CharField(source="current_version.content_type", read_only=True)
    uploaded_at = serializers.DateTimeField(source="current_version.uploaded_at", read_only=True)
    download_url = serializers.SerializerMethodField()
    effective_access_level = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id", "title", "kind", "language", "access_level", "effective_access_level",
            "embargo_until", "minutes_state", "meeting", "agenda_item", "version", "size",
            "sha256", "filename", "content_type", "download_url", "uploaded_at",
        ]
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        url = reverse("api:document-download", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_effective_access_level(self, obj) -> str:
        return obj.effective_level()


class DocumentUploadSerializer(serializers.Serializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all())
    title = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=Document.Kind.choices)
    access_level = serializers.ChoiceField(choices=AccessLevel.choices)
    # Empty files reach ``inspect_upload`` so every refusal is logged the same way.
    file = serializers.FileField(allow_empty_file=True)
    agenda_item = serializers.PrimaryKeyRelatedField(
        queryset=AgendaItem.objects.all(), required=False, allow_null=True
    )
    language = serializers.CharField(max_length=10, required=False, default="en")
    embargo_until = serializers.DateTimeField(required=False, allow_null=True)
    embargo_level = serializers.ChoiceField(
        choices=AccessLevel.choices, required=False, default=AccessLevel.MEMBERS
    )

    def validate_file(self, value):
        try:
            self.context["inspected"] = checked_upload(self.context["request"], value)
        except DjangoValidationError as exc:
            raise ValidationError(exc.messages) from exc
        return value


class VersionUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def validate_file(self, value):
        try:
            self.context["inspected"] = checked_upload(self.context["request"], value)
        except DjangoValidationError as exc:
            raise ValidationError(exc.messages) from exc
        return value


class DocumentFilter(django_filters.FilterSet):
    meeting = IdFilter(field_name="meeting_id")
    agenda_item = IdFilter(field_name="agenda_item_id")

    class Meta:
        model = Document
        fields = ["meeting", "agenda_item", "kind", "language", "access_level", "minutes_state"]


class CanUploadOrReadOnly(permissions.BasePermission):
    message = "Only the secretariat and the staff of a body's chair upload documents."

    def has_permission(self, request, view):
        # The body of the meeting is checked by the service (``_require_runner``); here only
        # whether the caller runs anything at all right now.
        return (
            request.method in permissions.SAFE_METHODS
            or ChairRights(request.user).runs_anything()
        )


class DocumentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Documents the caller may read now (access level, embargo, head of delegation)."""

    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    pagination_class = CountWhenNeededPagination
    permission_classes = [permissions.IsAuthenticated, CanUploadOrReadOnly]
    parser_classes = [MultiPartParser, FormParser]

    def get_throttles(self):
        # Uploads are inspected and stored: a per-person limit on creating files (issue 10).
        if self.action in {"create", "versions"}:
            self.throttle_scope = "uploads"
            return [PortalScopedRateThrottle()]
        return super().get_throttles()

    def get_queryset(self):
        # Queries per page: count, documents joined to their latest version (+ the
        # head-of-delegation subquery inside the same statement).
        return selectors.documents_visible_to(self.request.user).order_by("-created_at", "pk")

    def list(self, request, *args, **kwargs):
        """Cached per version of the papers' data (``meetings.caching.DOCUMENTS``) for one
        audience: the caller's clearance and the delegations they head
        (``DocumentQuerySet.audience``), the next embargo lifting (so a paper appears, and
        its effective level changes, at that instant without a write), the active time zone
        (instants) and the whole URI (filters, pages, the host of the links)."""
        if DOCUMENTS.current() is None:  # the shared cache is unreachable
            return super().list(request, *args, **kwargs)
        user, now = request.user, timezone.now()
        readers, lifting = DOCUMENTS.cached(
            ("audience", user.pk, role_of(user)),
            lambda: Document.objects.all().audience(user, now))
        next_lift = next((instant for instant in lifting if instant > now.timestamp()), None)
        parts = ("api-list", readers, next_lift, timezone.get_current_timezone_name(),
                 request.build_absolute_uri())
        return Response(DOCUMENTS.cached(parts, lambda: super(
            DocumentViewSet, self).list(request, *args, **kwargs).data))

    @extend_schema(request=DocumentUploadSerializer, responses={201: DocumentSerializer})
    def create(self, request, *args, **kwargs):
        upload = DocumentUploadSerializer(data=request.data, context={"request": request})
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        try:
            document = services.document_create(
                actor=request.user,
                meeting=data["meeting"],
                title=data["title"],
                kind=data["kind"],
                access_level=data["access_level"],
                language=data.get("language") or "en",
                agenda_item=data.get("agenda_item"),
                embargo_until=data.get("embargo_until"),
                embargo_level=data.get("embargo_level") or AccessLevel.MEMBERS,
                file=data["file"],
                inspected=upload.context["inspected"],
            )
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            raise ValidationError(detail) from exc
        document = selectors.documents_visible_to(request.user).get(pk=document.pk)
        body = DocumentSerializer(document, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=VersionUploadSerializer, responses={201: DocumentSerializer})
    @action(detail=True, methods=["post"])
    def versions(self, request, pk=None):
        """Upload a new version; adopted minutes need a ``reason`` (a correction)."""
        document = self.get_object()
        upload = VersionUploadSerializer(data=request.data, context={"request": request})
        upload.is_valid(raise_exception=True)
        try:
            services.document_version_add(
                actor=request.user, document=document, file=upload.validated_data["file"],
                reason=upload.validated_data["reason"], inspected=upload.context["inspected"],
            )
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            raise ValidationError(detail) from exc
        document = self.get_queryset().get(pk=document.pk)
        body = DocumentSerializer(document, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)

    # The paper's own type (PDF, DOCX, XLSX...) is the response's Content-Type.
    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        document = self.get_object()
        if document.current_version is None:
            raise ValidationError("This document has no file yet.")
        services.download_record(
            user=request.user, version=document.current_version, ip=client_ip(request),
            channel=DownloadLog.Channel.API,
        )
        return delivery.version_response(document, document.current_version)
