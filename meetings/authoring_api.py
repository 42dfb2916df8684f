"""The API of meeting authoring, mirroring the pages: meetings (POST/PATCH, convene), their
sessions, agenda items and delegations (nominations).

Every PATCH needs ``If-Match`` with the row's ETag (``"<version>"``): missing → 428, malformed
or stale → 412 (with the row as it is now), invalid values → 400 with field errors. Rights are
``workgroups.access.ChairRights`` at the instant of the request, through the services.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from meetings import authoring, convening, selectors
from meetings.models import (
    AgendaItem,
    DelegationMember,
    Meeting,
    MeetingStatus,
    Session,
    Visibility,
)
from secretariat.api import if_match_version
from secretariat.models import Administration
from secretariat.openapi import ErrorDetailSerializer
from workgroups.models import Body

IF_MATCH = OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True,
                            description='The ETag of the GET, e.g. "3".')


def _django_errors(exc: DjangoValidationError):
    return exc.message_dict if hasattr(exc, "error_dict") else exc.messages


def run(call):
    """Call a service, turning Django's errors into DRF's (400 with fields, 403)."""
    try:
        return call()
    except DjangoValidationError as exc:
        raise ValidationError(_django_errors(exc)) from exc
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc


def precondition(request, row) -> tuple[int | None, Response | None]:
    """The version ``If-Match`` expects of ``row`` (``*``: whatever it is now), or the 428/412
    refusal."""
    header = request.headers.get("If-Match")
    if not header:
        return None, Response({"detail": "Send If-Match with the ETag of your GET."},
                              status=status.HTTP_428_PRECONDITION_REQUIRED)
    expected = if_match_version(header, row.version)
    if expected is None:
        return None, Response({"detail": 'If-Match must be an ETag like "3".'},
                              status=status.HTTP_412_PRECONDITION_FAILED)
    return expected, None


def with_etag(response: Response, row) -> Response:
    response["ETag"] = f'"{row.version}"'
    return response


# --- Meetings ---------------------------------------------------------------------------------


class MeetingWriteSerializer(serializers.Serializer):
    """Fields of a meeting as the API takes them; ``host`` is an ISO code."""

    body = serializers.SlugRelatedField(slug_field="code", queryset=Body.objects.all())
    ordinal = serializers.IntegerField(min_value=1, max_value=32767, required=False)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    host = serializers.SlugRelatedField(slug_field="code", queryset=Administration.objects.all(),
                                        required=False, allow_null=True)
    host_is_inferred = serializers.BooleanField(required=False)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    venue = serializers.CharField(max_length=200, required=False, allow_blank=True)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    time_zone = serializers.CharField(max_length=64, required=False)
    chair_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    chair_title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=MeetingStatus.choices, required=False)
    nomination_deadline = serializers.DateTimeField(required=False, allow_null=True)


class MeetingPatchSerializer(MeetingWriteSerializer):
    body = None
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False)


class MeetingStateSerializer(serializers.Serializer):
    """What a PATCH answers with (and a 412 carries): the editable state and its version."""

    id = serializers.IntegerField()
    title = serializers.CharField(source="display_title")
    body = serializers.CharField(source="body.code")
    ordinal = serializers.IntegerField()
    host = serializers.CharField(source="host.code", allow_null=True)
    host_is_inferred = serializers.BooleanField()
    city = serializers.CharField()
    venue = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    time_zone = serializers.CharField()
    status = serializers.CharField()
    nomination_deadline = serializers.DateTimeField(allow_null=True)
    sequence = serializers.IntegerField()
    version = serializers.IntegerField()
    convened_at = serializers.DateTimeField(allow_null=True)


class MeetingConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = MeetingStateSerializer(required=False)


def meeting_state(meeting: Meeting) -> dict:
    meeting = Meeting.objects.with_related().get(pk=meeting.pk)
    return MeetingStateSerializer(meeting).data


class MeetingAuthoringMixin:
    """Create, PATCH and convene on ``/api/v1/meetings/`` (mixed into ``MeetingViewSet``)."""

    @extend_schema(request=MeetingWriteSerializer, responses={201: MeetingStateSerializer})
    def create(self, request, *args, **kwargs):
        if not authoring.ChairRights(request.user).runs_anything():
            raise PermissionDenied("Only the secretariat and a body's chair create meetings.")
        payload = MeetingWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        body = data.pop("body")
        meeting = run(lambda: authoring.meeting_create(actor=request.user, body=body, **data))
        return with_etag(Response(meeting_state(meeting), status=status.HTTP_201_CREATED),
                         meeting)

    @extend_schema(request=MeetingPatchSerializer, parameters=[IF_MATCH],
                   responses={200: MeetingStateSerializer, 412: MeetingConflictSerializer,
                              428: ErrorDetailSerializer})
    def partial_update(self, request, *args, **kwargs):
        meeting = self.get_object()
        if not authoring.ChairRights(request.user).runs(meeting.body_id):
            raise PermissionDenied("Only the secretariat and the body's chair run its meetings.")
        expected, refusal = precondition(request, meeting)
        if refusal:
            return refusal
        payload = MeetingPatchSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        try:
            updated = run(lambda: authoring.meeting_update(
                actor=request.user, meeting_id=meeting.pk, expected_version=expected,
                changes=dict(payload.validated_data)))
        except authoring.Conflict as conflict:
            return with_etag(Response({"detail": "The meeting changed since your ETag.",
                                       "current": meeting_state(conflict.current)},
                                      status=status.HTTP_412_PRECONDITION_FAILED),
                             conflict.current)
        return with_etag(Response(meeting_state(updated)), updated)

    def convene(self, request, pk=None):
        meeting = self.get_object()
        run(lambda: convening.meeting_convene(actor=request.user, meeting=meeting))
        meeting.refresh_from_db()
        return with_etag(Response(meeting_state(meeting)), meeting)


# --- Sessions and agenda items ---------------------------------------------------------------


class SessionSerializer(serializers.ModelSerializer):
    """``starts_at``/``ends_at`` are instants (any offset); ``venue_start`` shows them in the
    venue's zone."""

    venue_start = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = ["id", "title", "starts_at", "ends_at", "mode", "location", "version",
                  "venue_start"]
        read_only_fields = ["id", "version", "venue_start"]

    def get_venue_start(self, obj) -> str:
        return obj.starts_at.astimezone(obj.meeting.zoneinfo).isoformat()


class SessionConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = SessionSerializer(required=False)


class NestedMixin:
    """Rows under ``/meetings/{meeting_pk}/``: the meeting is public; writes need its body's
    chair (or the secretariat) at this instant."""

    def meeting(self) -> Meeting:
        if not hasattr(self, "_meeting"):
            self._meeting = get_object_or_404(Meeting.objects.with_related(),
                                              pk=self.kwargs["meeting_pk"])
        return self._meeting

    def check_runner(self):
        if not authoring.ChairRights(self.request.user).runs(self.meeting().body_id):
            raise PermissionDenied("Only the secretariat and the body's chair run this meeting.")


class SessionViewSet(NestedMixin, viewsets.ModelViewSet):
    """Sessions of a meeting, in time order."""

    serializer_class = SessionSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return Session.objects.filter(meeting=self.meeting()).select_related(
            "meeting").order_by("starts_at", "pk")

    def retrieve(self, request, *args, **kwargs):
        session = self.get_object()
        return with_etag(Response(self.get_serializer(session).data), session)

    def create(self, request, *args, **kwargs):
        self.check_runner()
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        session = run(lambda: authoring.session_create(
            actor=request.user, meeting=self.meeting(), **payload.validated_data))
        return with_etag(Response(self.get_serializer(session).data,
                                  status=status.HTTP_201_CREATED), session)

    @extend_schema(parameters=[IF_MATCH],
                   responses={200: SessionSerializer, 412: SessionConflictSerializer,
                              428: ErrorDetailSerializer})
    def partial_update(self, request, *args, **kwargs):
        session = self.get_object()
        self.check_runner()
        expected, refusal = precondition(request, session)
        if refusal:
            return refusal
        payload = self.get_serializer(session, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        try:
            updated = run(lambda: authoring.session_update(
                actor=request.user, session_id=session.pk, expected_version=expected,
                changes=dict(payload.validated_data)))
        except authoring.Conflict as conflict:
            return with_etag(Response(
                {"detail": "The session changed since your ETag.",
                 "current": self.get_serializer(conflict.current).data},
                status=status.HTTP_412_PRECONDITION_FAILED), conflict.current)
        return with_etag(Response(self.get_serializer(updated).data), updated)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        session = self.get_object()
        self.check_runner()
        run(lambda: authoring.session_delete(actor=request.user, session_id=session.pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AgendaItemSerializer(serializers.ModelSerializer):
    """``number`` is the caller's view of the agenda (no gap for items hidden from them);
    ``parent`` is the id of the item it is under (null at the top level)."""

    number = serializers.SerializerMethodField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True, required=False,
                                      min_value=1, max_value=2**31 - 1)

    class Meta:
        model = AgendaItem
        fields = ["id", "number", "parent", "title", "description", "visibility", "version"]
        read_only_fields = ["id", "number", "version"]

    def get_number(self, obj) -> str:
        return self.context.get("numbers", {}).get(obj.pk, "")


class AgendaConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = AgendaItemSerializer(required=False)


class AgendaItemViewSet(NestedMixin, viewsets.ModelViewSet):
    """The agenda items of a meeting the caller may see, in agenda order. A child is never
    more visible than its parent: a wider ``visibility`` is a 400 on that field."""

    serializer_class = AgendaItemSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return AgendaItem.objects.visible_to(self.request.user).filter(meeting=self.meeting())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "meeting_pk" in self.kwargs:
            items = selectors.numbered_tree(self.get_queryset().only(
                "pk", "parent_id", "position", "visibility"))
            context["numbers"] = {i.pk: i.display_number for i in items}
        return context

    def list(self, request, *args, **kwargs):
        items = selectors.numbered_tree(self.get_queryset())
        context = self.get_serializer_context()
        return Response(AgendaItemSerializer(items, many=True, context=context).data)

    def retrieve(self, request, *args, **kwargs):
        item = self.get_object()
        return with_etag(Response(self.get_serializer(item).data), item)

    def create(self, request, *args, **kwargs):
        self.check_runner()
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        item = run(lambda: authoring.agenda_item_create(
            actor=request.user, meeting=self.meeting(), title=data["title"],
            parent_id=data.get("parent_id"),
            visibility=data.get("visibility", Visibility.MEMBERS),
            description=data.get("description", "")))
        return with_etag(Response(self.get_serializer(item).data,
                                  status=status.HTTP_201_CREATED), item)

    @extend_schema(parameters=[IF_MATCH],
                   responses={200: AgendaItemSerializer, 412: AgendaConflictSerializer,
                              428: ErrorDetailSerializer})
    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        self.check_runner()
        expected, refusal = precondition(request, item)
        if refusal:
            return refusal
        payload = self.get_serializer(item, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        changes = dict(payload.validated_data)
        if "parent_id" in changes:
            changes["parent"] = changes.pop("parent_id")
        try:
            updated = run(lambda: authoring.agenda_item_update(
                actor=request.user, item_id=item.pk, expected_version=expected,
                changes=changes))
        except authoring.Conflict as conflict:
            return with_etag(Response(
                {"detail": "The item changed since your ETag.",
                 "current": self.get_serializer(conflict.current).data},
                status=status.HTTP_412_PRECONDITION_FAILED), conflict.current)
        return with_etag(Response(self.get_serializer(updated).data), updated)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        item = self.get_object()
        self.check_runner()
        run(lambda: authoring.agenda_item_delete(actor=request.user, item_id=item.pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Delegations (nominations) ---------------------------------------------------------------


class NominatedPersonSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    position = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=DelegationMember.Role.choices)
    sessions = serializers.ListField(child=serializers.IntegerField(min_value=1,
                                                                    max_value=2**31 - 1),
                                     required=False, max_length=50)


class DelegationSerializer(serializers.Serializer):
    administration = serializers.CharField()
    capacity = serializers.CharField()
    state = serializers.ChoiceField(choices=["not_started", "draft", "submitted"])
    editable = serializers.BooleanField()
    members = NominatedPersonSerializer(many=True)


class DelegationPutSerializer(serializers.Serializer):
    members = NominatedPersonSerializer(many=True, max_length=60)
    submit = serializers.BooleanField(default=False)


class DelegationView(NestedMixin, viewsets.ViewSet):
    """An administration's delegation to a meeting, by ISO code: its own staff and the
    secretariat (others get 404). PUT replaces the list; ``submit`` submits it. Until the
    deadline for the administration's staff, any time for the secretariat."""

    serializer_class = DelegationSerializer

    def _state(self, meeting, administration, delegation) -> dict:
        members = delegation.members.all() if delegation else []
        return {
            "administration": administration.code,
            "capacity": convening.capacity_for(meeting, administration),
            "state": delegation.state if delegation else "not_started",
            "editable": convening.may_edit_nomination(self.request.user, meeting,
                                                      administration),
            "members": [{"full_name": m.full_name, "position": m.position, "email": m.email,
                         "role": m.role, "sessions": [s.pk for s in m.sessions.all()]}
                        for m in members],
        }

    @extend_schema(responses=DelegationSerializer)
    def retrieve(self, request, meeting_pk=None, code=None):
        meeting = self.meeting()
        administration, delegation = convening.nomination_get(request.user, meeting, code)
        return Response(self._state(meeting, administration, delegation))

    @extend_schema(request=DelegationPutSerializer, responses=DelegationSerializer)
    def update(self, request, meeting_pk=None, code=None):
        meeting = self.meeting()
        administration, _ = convening.nomination_get(request.user, meeting, code)
        payload = DelegationPutSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            run(lambda: convening.nomination_save(
                actor=request.user, meeting=meeting, administration=administration,
                members=[dict(m) for m in data["members"]], submit=data["submit"]))
        except Http404:
            raise
        _, delegation = convening.nomination_get(request.user, meeting, code)
        return Response(self._state(meeting, administration, delegation))
