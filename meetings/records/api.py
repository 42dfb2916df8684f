"""REST API of the meeting record.

- ``GET/PUT /api/v1/meetings/{id}/sessions/{sid}/attendance/``: the session's participants
  and their marks; PUT sets marks for members and/or whole delegations in one request.
- ``GET/POST /api/v1/meetings/{id}/decisions/``, ``GET/PATCH .../decisions/{pk}/``
- ``GET/POST /api/v1/action-items/`` (filters: owner, status, due_before, due_after),
  ``GET/PATCH /api/v1/action-items/{pk}/``
- ``GET /api/v1/meetings/{id}/record.pdf``

PATCH needs ``If-Match`` with the ETag of the GET (``"<version>"``): missing -> 428,
stale or malformed -> 412 (with the row as it is now), as the milestone API does. Every read
is scoped to the caller (``records.access``): an object the caller may not see is a 404.
"""

import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from meetings.models import AgendaItem, Document, Meeting, Visibility
from meetings.records import pdf, selectors, services
from meetings.records.access import may_record
from meetings.records.models import (
    ActionItem,
    ActionStatus,
    AttendanceStatus,
    Decision,
    DecisionKind,
    OwnerKind,
)
from secretariat.access import Clearance, clearance_of
from secretariat.api import ChoicesFilter, IdFilter, if_match_version
from secretariat.models import Administration
from secretariat.openapi import ErrorDetailSerializer
from workgroups.access import ChairRights
from workgroups.models import Body, Milestone

IF_MATCH = OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True,
                            description='The ETag of the GET, e.g. "3".')


def _django_errors(exc: DjangoValidationError):
    return exc.message_dict if hasattr(exc, "error_dict") else exc.messages


def _if_match(request, row) -> int | Response:
    header = request.headers.get("If-Match")
    if not header:
        return Response({"detail": "Send If-Match with the ETag of the GET."},
                        status=status.HTTP_428_PRECONDITION_REQUIRED)
    expected = if_match_version(header, row.version)
    if expected is None:
        return Response({"detail": 'If-Match must be an ETag like "3".'},
                        status=status.HTTP_412_PRECONDITION_FAILED)
    return expected


def _meeting(pk) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("body"), pk=pk)


# --- Attendance -----------------------------------------------------------------------------


class ParticipantMarkSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    delegation = serializers.IntegerField()
    administration = serializers.CharField()
    status = serializers.CharField(allow_blank=True)


class AttendanceSheetSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    title = serializers.CharField()
    participants = ParticipantMarkSerializer(many=True)


class MarkSerializer(serializers.Serializer):
    member = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)


class DelegationMarkSerializer(serializers.Serializer):
    delegation = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)


class AttendancePutSerializer(serializers.Serializer):
    marks = MarkSerializer(many=True, required=False, max_length=2000)
    delegations = DelegationMarkSerializer(many=True, required=False, max_length=200)

    def validate(self, attrs):
        if not attrs.get("marks") and not attrs.get("delegations"):
            raise ValidationError({"marks": "Give marks, delegations, or both."})
        return attrs


def _sheet_data(sheet) -> dict:
    return {
        "session": sheet.session.pk, "title": sheet.session.title,
        "participants": [
            {"member": m.pk, "name": m.full_name, "role": m.role, "delegation": d.pk,
             "administration": d.administration.code, "status": mark}
            for d, people in sheet.delegations for m, mark in people
        ],
    }


class AttendanceView(APIView):
    """The attendance of one session. Reading is for member administrations; marking for
    the secretariat and the staff of the body's chair."""

    def _session(self, request, meeting_pk, sid):
        meeting = _meeting(meeting_pk)
        session = get_object_or_404(meeting.sessions.all(), pk=sid)
        return meeting, session

    @extend_schema(responses={200: AttendanceSheetSerializer})
    def get(self, request, meeting, sid):
        if clearance_of(request.user) < Clearance.MEMBERS:
            raise PermissionDenied("Attendance is for member administrations.")
        _meeting_obj, session = self._session(request, meeting, sid)
        return Response(_sheet_data(selectors.session_sheet(session)))

    @extend_schema(request=AttendancePutSerializer, responses={200: AttendanceSheetSerializer})
    def put(self, request, meeting, sid):
        meeting_obj, session = self._session(request, meeting, sid)
        if not may_record(request.user, meeting_obj):
            raise PermissionDenied("Only the secretariat and the body's chair mark attendance.")
        payload = AttendancePutSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        sheet = selectors.session_sheet(session)
        by_delegation = {d.pk: [m.pk for m, _ in people] for d, people in sheet.delegations}
        marks: dict[int, str] = {}
        unknown = []
        for row in payload.validated_data.get("delegations", []):
            if row["delegation"] not in by_delegation:
                unknown.append(row["delegation"])
            for member_id in by_delegation.get(row["delegation"], []):
                marks[member_id] = row["status"]
        if unknown:
            raise ValidationError(
                {"delegations": f"Not delegations at this session: {unknown}."})
        for row in payload.validated_data.get("marks", []):
            marks[row["member"]] = row["status"]
        try:
            services.attendance_mark(actor=request.user, session=session, marks=marks)
        except DjangoValidationError as exc:
            raise ValidationError(_django_errors(exc)) from exc
        return Response(_sheet_data(selectors.session_sheet(session)))


# --- Decisions ------------------------------------------------------------------------------


class DecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    meeting = serializers.IntegerField(source="meeting_id")
    agenda_item = serializers.IntegerField(source="agenda_item_id")
    kind = serializers.ChoiceField(choices=DecisionKind.choices)
    text = serializers.CharField()
    visibility = serializers.ChoiceField(choices=Visibility.choices)
    follow_up_body = serializers.CharField(allow_null=True)
    documents = serializers.ListField(child=serializers.IntegerField())
    version = serializers.IntegerField()

    def to_representation(self, d):
        return {
            "id": d.pk, "meeting": d.meeting_id, "agenda_item": d.agenda_item_id,
            "kind": d.kind, "text": d.text, "visibility": d.visibility,
            "follow_up_body": d.follow_up_body.code if d.follow_up_body else None,
            "documents": [doc.pk for doc in d.visible_documents], "version": d.version,
        }


class DecisionWriteSerializer(serializers.Serializer):
    agenda_item = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    kind = serializers.ChoiceField(choices=DecisionKind.choices)
    text = serializers.CharField(max_length=4000)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    follow_up_body = serializers.SlugRelatedField(
        slug_field="code", queryset=Body.objects.all(), required=False, allow_null=True)
    documents = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), required=False,
        max_length=50)


class DecisionPatchSerializer(DecisionWriteSerializer):
    agenda_item = None
    kind = serializers.ChoiceField(choices=DecisionKind.choices, required=False)
    text = serializers.CharField(max_length=4000, required=False)


class DecisionConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = DecisionSerializer(required=False)


def _documents(request, meeting, ids) -> list[Document]:
    found = list(Document.objects.visible_to(request.user).filter(meeting=meeting, pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"documents": "Every paper must be a paper of this meeting."})
    return found


class DecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Decisions of one meeting that the caller may see."""

    serializer_class = DecisionSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no meeting in kwargs
            return Decision.objects.none()
        meeting = _meeting(self.kwargs["meeting"])
        return selectors.decisions_for(selectors.audience_of(self.request.user), meeting)

    def retrieve(self, request, *args, **kwargs):
        decision = self.get_object()
        response = Response(self.get_serializer(decision).data)
        response["ETag"] = decision.etag
        return response

    @extend_schema(request=DecisionWriteSerializer, responses={201: DecisionSerializer})
    def create(self, request, *args, **kwargs):
        meeting = _meeting(self.kwargs["meeting"])
        if not may_record(request.user, meeting):
            raise PermissionDenied("Only the secretariat and the body's chair record decisions.")
        payload = DecisionWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        item = AgendaItem.objects.visible_to(request.user).filter(
            meeting=meeting, pk=data["agenda_item"]).first()
        if item is None:
            raise ValidationError({"agenda_item": "Not an agenda item of this meeting."})
        try:
            decision = services.decision_create(
                actor=request.user, agenda_item=item, kind=data["kind"], text=data["text"],
                visibility=data.get("visibility"), follow_up_body=data.get("follow_up_body"),
                documents=_documents(request, meeting, data.get("documents", [])),
            )
        except DjangoValidationError as exc:
            raise ValidationError(_django_errors(exc)) from exc
        decision = self.get_queryset().get(pk=decision.pk)
        response = Response(self.get_serializer(decision).data, status=status.HTTP_201_CREATED)
        response["ETag"] = decision.etag
        return response

    @extend_schema(request=DecisionPatchSerializer, parameters=[IF_MATCH],
                   responses={200: DecisionSerializer, 412: DecisionConflictSerializer,
                              428: ErrorDetailSerializer})
    def partial_update(self, request, *args, **kwargs):
        decision = self.get_object()
        if not may_record(request.user, decision.meeting):
            raise PermissionDenied("Only the secretariat and the body's chair edit decisions.")
        expected = _if_match(request, decision)
        if isinstance(expected, Response):
            return expected
        payload = DecisionPatchSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        changes = dict(payload.validated_data)
        if "documents" in changes:
            changes["documents"] = _documents(request, decision.meeting, changes["documents"])
        try:
            services.decision_update(actor=request.user, decision_id=decision.pk,
                                     expected_version=expected, changes=changes)
        except services.Conflict:
            current = self.get_queryset().get(pk=decision.pk)
            response = Response({"detail": "The decision changed since your ETag.",
                                 "current": self.get_serializer(current).data},
                                status=status.HTTP_412_PRECONDITION_FAILED)
            response["ETag"] = current.etag
            return response
        except DjangoValidationError as exc:
            raise ValidationError(_django_errors(exc)) from exc
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        fresh = self.get_queryset().get(pk=decision.pk)
        response = Response(self.get_serializer(fresh).data)
        response["ETag"] = fresh.etag
        return response


# --- Action items ---------------------------------------------------------------------------


class ActionItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    meeting = serializers.IntegerField()
    decision = serializers.IntegerField()
    text = serializers.CharField()
    owner_kind = serializers.ChoiceField(choices=OwnerKind.choices)
    owner = serializers.CharField(help_text="Body code, administration code or SECRETARIAT.")
    due_date = serializers.DateField()
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    milestone = serializers.CharField(allow_null=True)
    version = serializers.IntegerField()

    def to_representation(self, a):
        owner = (a.owner_body.code if a.owner_body_id else
                 a.owner_administration.code if a.owner_administration_id else "SECRETARIAT")
        return {
            "id": a.pk, "meeting": a.meeting_id, "decision": a.decision_id, "text": a.text,
            "owner_kind": a.owner_kind, "owner": owner, "due_date": a.due_date.isoformat(),
            "status": a.status, "milestone": a.milestone.code if a.milestone_id else None,
            "version": a.version,
        }


class ActionItemWriteSerializer(serializers.Serializer):
    decision = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    text = serializers.CharField(max_length=500)
    owner_kind = serializers.ChoiceField(choices=OwnerKind.choices)
    owner_body = serializers.SlugRelatedField(
        slug_field="code", queryset=Body.objects.all(), required=False, allow_null=True)
    owner_administration = serializers.SlugRelatedField(
        slug_field="code", queryset=Administration.objects.all(), required=False,
        allow_null=True)
    due_date = serializers.DateField()
    milestone = serializers.SlugRelatedField(
        slug_field="code", queryset=Milestone.objects.all(), required=False, allow_null=True)


class ActionItemPatchSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=500, required=False)
    owner_kind = serializers.ChoiceField(choices=OwnerKind.choices, required=False)
    owner_body = serializers.SlugRelatedField(
        slug_field="code", queryset=Body.objects.all(), required=False, allow_null=True)
    owner_administration = serializers.SlugRelatedField(
        slug_field="code", queryset=Administration.objects.all(), required=False,
        allow_null=True)
    due_date = serializers.DateField(required=False)
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)
    milestone = serializers.SlugRelatedField(
        slug_field="code", queryset=Milestone.objects.all(), required=False, allow_null=True)


class ActionConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = ActionItemSerializer(required=False)


class ActionItemFilter(django_filters.FilterSet):
    owner = django_filters.CharFilter(
        method="filter_owner",
        help_text="A body code (CPTFWG), an administration code (MY), SECRETARIAT, or me.")
    status = ChoicesFilter(choices=ActionStatus.choices)
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    # Any id: one that no meeting has is an empty list, not an error.
    meeting = IdFilter(field_name="meeting_id")

    class Meta:
        model = ActionItem
        fields = ["owner", "status", "due_before", "due_after", "meeting"]

    def filter_owner(self, queryset, name, value):
        value = value.strip()
        if value.lower() == "me":
            return queryset.filter(pk__in=ActionItem.objects.owned_by(self.request.user)
                                   .values("pk"))
        if value.upper() == "SECRETARIAT":
            return queryset.filter(owner_kind=OwnerKind.SECRETARIAT)
        return queryset.filter(owner_body__code=value) | queryset.filter(
            owner_administration__code=value)


class ActionItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Action items the caller may see (they follow their decision's visibility)."""

    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        # Queries per page: count, items joined to owner and milestone.
        return selectors.action_items_visible_to(self.request.user).order_by("due_date", "pk")

    def retrieve(self, request, *args, **kwargs):
        item = self.get_object()
        response = Response(self.get_serializer(item).data)
        response["ETag"] = item.etag
        return response

    @extend_schema(request=ActionItemWriteSerializer, responses={201: ActionItemSerializer})
    def create(self, request, *args, **kwargs):
        # Who may add one at all, before reading the body; the meeting's body is checked below.
        if not ChairRights(request.user).runs_anything():
            raise PermissionDenied("Only the secretariat and the staff of a body's chair "
                                   "add action items.")
        payload = ActionItemWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        decision = selectors.decisions_visible_to(request.user).filter(
            pk=data["decision"]).first()
        if decision is None:
            raise ValidationError({"decision": "No such decision."})
        if not may_record(request.user, decision.meeting):
            raise PermissionDenied("Only the secretariat and the body's chair add action items.")
        try:
            item = services.action_item_create(
                actor=request.user, decision=decision, text=data["text"],
                owner_kind=data["owner_kind"], owner_body=data.get("owner_body"),
                owner_administration=data.get("owner_administration"),
                due_date=data["due_date"], milestone=data.get("milestone"),
            )
        except DjangoValidationError as exc:
            raise ValidationError(_django_errors(exc)) from exc
        item = self.get_queryset().get(pk=item.pk)
        response = Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)
        response["ETag"] = item.etag
        return response

    @extend_schema(request=ActionItemPatchSerializer, parameters=[IF_MATCH],
                   responses={200: ActionItemSerializer, 412: ActionConflictSerializer,
                              428: ErrorDetailSerializer})
    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        if not may_record(request.user, item.meeting):
            raise PermissionDenied("Only the secretariat and the body's chair edit action items.")
        expected = _if_match(request, item)
        if isinstance(expected, Response):
            return expected
        payload = ActionItemPatchSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            services.action_item_update(actor=request.user, item_id=item.pk,
                                        expected_version=expected,
                                        changes=dict(payload.validated_data))
        except services.Conflict:
            current = self.get_queryset().get(pk=item.pk)
            response = Response({"detail": "The action item changed since your ETag.",
                                 "current": self.get_serializer(current).data},
                                status=status.HTTP_412_PRECONDITION_FAILED)
            response["ETag"] = current.etag
            return response
        except DjangoValidationError as exc:
            raise ValidationError(_django_errors(exc)) from exc
        fresh = self.get_queryset().get(pk=item.pk)
        response = Response(self.get_serializer(fresh).data)
        response["ETag"] = fresh.etag
        return response


# --- The record PDF -------------------------------------------------------------------------


class RecordPdfView(APIView):
    """The summary record as the caller may read it, as a PDF."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY,
                              404: OpenApiResponse(ErrorDetailSerializer)})
    def get(self, request, meeting):
        meeting_obj = _meeting(meeting)
        from django.http import HttpResponse

        response = HttpResponse(pdf.record_pdf_for(request.user, meeting_obj),
                                content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="{slugify(meeting_obj.display_title)}-record.pdf"')
        response["Cache-Control"] = "private, no-store"
        return response
