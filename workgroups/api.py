"""REST API of the working groups: bodies and milestones, with optimistic concurrency.

``GET /milestones/{id}/`` returns ``ETag: "<version>"``; ``PATCH`` must send it back in
``If-Match``: missing -> 428, stale -> 412, invalid values -> 400 (field-keyed, e.g. ``progress``
for "completed" below 100 %), success -> 200 with the new ETag. The version check itself is
the conditional UPDATE in ``milestone_update``.
"""

import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from secretariat.api import BooleanFilter, ChoicesFilter, IdFilter, if_match_version
from secretariat.models import Administration
from secretariat.openapi import ErrorDetailSerializer
from secretariat.pagination import CountWhenNeededPagination
from workgroups import caching, selectors
from workgroups.access import EditRights, sees_unpublished
from workgroups.models import Body, BodyChairTerm, Milestone, MilestoneStatus
from workgroups.services import (
    Conflict,
    chair_term_create,
    chair_term_end,
    milestone_history,
    milestone_update,
)

_PLAN_PARAMETER = OpenApiParameter(
    "plan", int, OpenApiParameter.QUERY, required=False,
    description="The plan of the roll-up figures (a plan id); by default the plan running "
    "today. A plan id no plan has gives every figure 0 and \"plan\": null.")


class RollupSerializer(serializers.Serializer):
    """A body's figures in one plan (``workgroups.selectors.body_figures``, the same as every
    page and export): with the bodies reporting to it, and its own milestones alone."""

    plan = serializers.IntegerField(allow_null=True, help_text="The plan's id.")
    milestones = serializers.IntegerField(help_text="Counted milestones (not cancelled).")
    progress = serializers.FloatField(allow_null=True, help_text="Mean progress, per cent.")
    sub_bodies = serializers.IntegerField(help_text="Bodies below it with counted milestones.")
    milestones_alone = serializers.IntegerField()
    progress_alone = serializers.FloatField(allow_null=True)


def _rounded(value):
    return None if value is None else round(value, 1)


class BodySerializer(serializers.ModelSerializer):
    # The DG meeting reports to no one.
    reports_to = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    rollup = serializers.SerializerMethodField()

    class Meta:
        model = Body
        fields = ["id", "code", "name", "kind", "reports_to", "established_on", "mandate",
                  "rollup"]

    @extend_schema_field(RollupSerializer)
    def get_rollup(self, obj) -> dict:
        plan = self.context.get("plan")
        figure = self.context.get("figures", {}).get(obj.pk)
        empty = selectors.Figure(0, None)
        overall, alone = (figure.overall, figure.alone) if figure else (empty, empty)
        return {
            "plan": plan.pk if plan else None,
            "milestones": overall.count, "progress": _rounded(overall.progress),
            "sub_bodies": figure.sub_bodies if figure else 0,
            "milestones_alone": alone.count, "progress_alone": _rounded(alone.progress),
        }


@extend_schema_view(
    list=extend_schema(parameters=[_PLAN_PARAMETER]),
    retrieve=extend_schema(parameters=[_PLAN_PARAMETER]),
)
class BodyViewSet(viewsets.ReadOnlyModelViewSet):
    """The DG meeting, the CCC, its working groups and sub-working groups, and the ASW, each
    with its roll-up in one plan (``?plan=<id>``; by default the plan running today)."""

    serializer_class = BodySerializer
    queryset = Body.objects.select_related("reports_to").order_by("code")
    lookup_field = "code"
    filterset_fields = ["kind"]

    def list(self, request, *args, **kwargs):
        """The same for everyone of one audience (members see unpublished milestones in the
        figures): cached per plan data version, the day (the plan running today) and the
        whole URI (``?plan=``, the host of the links)."""
        parts = (sees_unpublished(request.user), timezone.localdate().isoformat(),
                 request.build_absolute_uri())
        data, _hit = caching.cached("bodies-api", parts, lambda: super(
            BodyViewSet, self).list(request, *args, **kwargs).data)
        return Response(data)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False) or self.request is None:
            return context  # the schema generator: no user, no plan
        raw = self.request.query_params.get("plan", "")
        try:
            plan_id = int(raw) if raw else None
        except ValueError:
            raise ValidationError({"plan": ["A plan id is a whole number."]}) from None
        try:
            if plan_id is not None and not 0 < plan_id < 2**63:
                raise Http404  # no row has it, and PostgreSQL would refuse to compare it
            plan = selectors.current_plan(self.request.user, plan_id)
        except Http404:
            # As every id filter of the API: an id no plan has (or one the viewer may not see)
            # is not an error but a plan without milestones: every figure 0, "plan": null.
            return {**context, "plan": None, "figures": {}}
        return {**context, "plan": plan,
                "figures": selectors.plan_body_figures(self.request.user, plan)}


class MilestoneSerializer(serializers.ModelSerializer):
    body = serializers.SlugRelatedField(slug_field="code", read_only=True)
    lead_administrations = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    plan = serializers.CharField(source="action_line.goal.plan.title", read_only=True)
    goal = serializers.CharField(source="action_line.goal.code", read_only=True)
    action_line = serializers.CharField(source="action_line.code", read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "id", "code", "title", "description", "body", "plan", "goal", "action_line",
            "status", "progress", "start_date", "due_date", "lead_administrations",
            "implemented_nationally", "published", "version",
        ]
        read_only_fields = fields


class MilestonePatchSerializer(serializers.Serializer):
    """The editable fields; validation of the combination is the service's job."""

    status = serializers.ChoiceField(choices=MilestoneStatus.choices, required=False)
    progress = serializers.IntegerField(min_value=0, max_value=100, required=False)
    start_date = serializers.DateField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=500)


class PreconditionFailedSerializer(serializers.Serializer):
    """412: a malformed If-Match, or a stale one (then with the milestone as it is now)."""

    detail = serializers.CharField()
    current = MilestoneSerializer(required=False)


class HistorySerializer(serializers.Serializer):
    history_id = serializers.IntegerField()
    version = serializers.IntegerField()
    username = serializers.CharField()
    user = serializers.CharField(help_text="The person's name (their username if no name is set).")
    date = serializers.DateTimeField()
    comment = serializers.CharField()
    changes = serializers.SerializerMethodField()

    def get_changes(self, obj) -> list[dict]:
        return [{"field": f, "old": str(o), "new": str(n)} for f, o, n in obj.changes]


class MilestoneFilter(django_filters.FilterSet):
    body = django_filters.CharFilter(field_name="body__code")
    lead_administration = django_filters.CharFilter(field_name="lead_administrations__code")
    plan = IdFilter(field_name="action_line__goal__plan")
    status = ChoicesFilter(choices=MilestoneStatus.choices)
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    overdue = BooleanFilter(method="filter_overdue")

    class Meta:
        model = Milestone
        fields = ["body", "status", "lead_administration", "plan", "due_before", "due_after"]

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.overdue(today) if value else queryset.exclude(
            pk__in=queryset.overdue(today).values("pk"))


# The columns of a list row, as ``.values()`` names them (joined codes included).
_LIST_VALUES = (
    "id", "code", "title", "description", "body__code", "action_line__goal__plan__title",
    "action_line__goal__code", "action_line__code", "status", "progress", "start_date",
    "due_date", "implemented_nationally", "published", "version",
)


def milestone_list_rows(rows: list[dict]) -> list[dict]:
    """``MilestoneSerializer`` output for ``.values(*_LIST_VALUES)`` rows, built by hand:
    same keys in the same order, dates as ISO strings, leads as codes in the
    administrations' own order (country)."""
    leads: dict[int, list[str]] = {row["id"]: [] for row in rows}
    if leads:
        through = Milestone.lead_administrations.through
        for milestone_id, code in (
            through.objects.filter(milestone_id__in=leads)
            .order_by("administration__country", "administration_id")
            .values_list("milestone_id", "administration__code")
        ):
            leads[milestone_id].append(code)
    return [
        {
            "id": row["id"], "code": row["code"], "title": row["title"],
            "description": row["description"], "body": row["body__code"],
            "plan": row["action_line__goal__plan__title"],
            "goal": row["action_line__goal__code"], "action_line": row["action_line__code"],
            "status": row["status"], "progress": row["progress"],
            "start_date": _iso(row["start_date"]), "due_date": _iso(row["due_date"]),
            "lead_administrations": leads[row["id"]],
            "implemented_nationally": row["implemented_nationally"],
            "published": row["published"], "version": row["version"],
        }
        for row in rows
    ]


def _iso(day):
    return day.isoformat() if day is not None else None


def _etag(milestone: Milestone) -> str:
    return f'"{milestone.version}"'


class MilestoneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    """Milestones of the Strategic Plan. Partners see the published ones only."""

    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilter
    pagination_class = CountWhenNeededPagination
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return (
            selectors.milestones_visible_to(self.request.user)
            .select_related("body", "action_line__goal__plan")
            .prefetch_related("lead_administrations")
            .order_by("due_date", "code")
            .distinct()
        )

    def list(self, request, *args, **kwargs):
        """The list is the hot path. It is cached per plan data version (``workgroups.caching``)
        and, on a miss, built from plain values (no model instances, no serializer fields),
        leads in one extra query; the shape is ``MilestoneSerializer``'s."""
        key_parts = (
            sees_unpublished(request.user), timezone.localdate().isoformat(),
            # The whole URI: the query, and the host and scheme of the next/previous links.
            request.build_absolute_uri(),
        )

        def page_data() -> dict:
            queryset = self.filter_queryset(self.get_queryset()).prefetch_related(None)
            page = self.paginate_queryset(queryset.values(*_LIST_VALUES))
            return self.get_paginated_response(milestone_list_rows(page)).data

        data, _hit = caching.cached("milestones-api", key_parts, page_data)
        return Response(data)

    def retrieve(self, request, *args, **kwargs):
        milestone = self.get_object()
        response = Response(self.get_serializer(milestone).data)
        response["ETag"] = _etag(milestone)
        return response

    @extend_schema(
        request=MilestonePatchSerializer,
        responses={200: MilestoneSerializer, 412: PreconditionFailedSerializer,
                   428: ErrorDetailSerializer},
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True,
                                     description='The ETag of the GET, e.g. "3".')],
    )
    def partial_update(self, request, *args, **kwargs):
        milestone = self.get_object()  # 404 for what the caller cannot see
        rights = EditRights(request.user)
        if not rights.milestone(milestone):
            raise PermissionDenied("You cannot edit this milestone.")
        if_match = request.headers.get("If-Match")
        if not if_match:
            return Response(
                {"detail": "Send If-Match with the milestone's ETag."},
                status=status.HTTP_428_PRECONDITION_REQUIRED,
            )
        expected = if_match_version(if_match, milestone.version)
        if expected is None:
            return Response({"detail": "If-Match must be an ETag like \"3\"."},
                            status=status.HTTP_412_PRECONDITION_FAILED)
        payload = MilestonePatchSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        comment = data.pop("comment", "")
        try:
            updated = milestone_update(
                actor=request.user, milestone_id=milestone.pk, expected_version=expected,
                changes=data, comment=comment, rights=rights,
            )
        except Conflict as conflict:
            response = Response(
                {"detail": "The milestone changed since your ETag.",
                 "current": MilestoneSerializer(conflict.current).data},
                status=status.HTTP_412_PRECONDITION_FAILED,
            )
            response["ETag"] = _etag(conflict.current)
            return response
        except DjangoValidationError as error:
            raise ValidationError(
                error.message_dict if hasattr(error, "error_dict") else error.messages
            ) from error
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        fresh = self.get_queryset().get(pk=updated.pk)
        response = Response(self.get_serializer(fresh).data)
        response["ETag"] = _etag(fresh)
        return response

    @extend_schema(responses=HistorySerializer(many=True))
    # The whole history as a plain list: no list filters, no pagination.
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def history(self, request, pk=None):
        """The recorded changes, newest first, unpaginated (a milestone has tens of them).
        Read-only: history has no edit or delete endpoint."""
        milestone = self.get_object()
        if not sees_unpublished(request.user):
            raise PermissionDenied("The change history is for member administrations.")
        return Response(HistorySerializer(milestone_history(milestone.pk), many=True).data)


# --- Chair terms (issue 11) -------------------------------------------------------------------


class ChairTermSerializer(serializers.ModelSerializer):
    body = serializers.SlugRelatedField(slug_field="code", queryset=Body.objects.all())
    administration = serializers.SlugRelatedField(
        slug_field="code", queryset=Administration.objects.all())
    current = serializers.SerializerMethodField()

    class Meta:
        model = BodyChairTerm
        fields = ["id", "body", "administration", "role", "start_on", "end_on", "note",
                  "is_inferred", "current"]
        read_only_fields = ["id", "current"]

    def get_current(self, obj) -> bool:
        today = self.context["today"]
        return obj.start_on <= today and (obj.end_on is None or obj.end_on >= today)


class ChairTermFilter(django_filters.FilterSet):
    body = django_filters.CharFilter(field_name="body__code")
    administration = django_filters.CharFilter(field_name="administration__code")

    class Meta:
        model = BodyChairTerm
        fields = ["body", "administration", "role"]


class ChairTermViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.CreateModelMixin, mixins.DestroyModelMixin,
                       viewsets.GenericViewSet):
    """Which administration chairs which body, from when to when (both days included).
    Rights to run a body's business follow these rows at every instant. The secretariat adds
    terms (POST; an overlap with another term of the same body and role is a 400) and ends
    them (DELETE: the term ends yesterday, so the rights stop now; a term that had not
    started is removed)."""

    serializer_class = ChairTermSerializer
    filterset_class = ChairTermFilter
    queryset = BodyChairTerm.objects.select_related("body", "administration").order_by(
        "body__code", "-start_on", "role", "pk")

    def get_serializer_context(self):
        from workgroups.access import term_day

        return {**super().get_serializer_context(), "today": term_day()}

    def list(self, request, *args, **kwargs):
        """Public facts for any caller: cached per plan data version (terms, bodies and
        administrations are its data), the day the terms are judged on (``current``) and
        the whole URI."""
        from workgroups.access import term_day

        parts = (term_day().isoformat(), request.build_absolute_uri())
        data, _hit = caching.cached("chair-terms-api", parts, lambda: super(
            ChairTermViewSet, self).list(request, *args, **kwargs).data)
        return Response(data)

    def _secretariat_only(self):
        from secretariat.access import is_secretariat

        if not is_secretariat(self.request.user):
            raise PermissionDenied("Only the secretariat manages chair terms.")

    def create(self, request, *args, **kwargs):
        self._secretariat_only()
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            term = chair_term_create(actor=request.user, **payload.validated_data)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error
        return Response(self.get_serializer(term).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request, *args, **kwargs):
        term = self.get_object()
        self._secretariat_only()
        chair_term_end(actor=request.user, term=term)
        return Response(status=status.HTTP_204_NO_CONTENT)
