"""REST API of enforcement: ``/api/v1/operations/`` (read) and ``/api/v1/seizure-reports/``
(list, read, file).

Seizure reports answer 404 on every method to anyone without the enforcement clearance, as
the pages do: the endpoint does not admit to existing. Quantities are strings holding the
exact decimal (``"19.88445"``), never floats.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import (
    MethodNotAllowed,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from rest_framework.response import Response

from secretariat.access import administration_id_of, is_secretariat
from secretariat.models import Administration
from secretariat.openapi import ErrorDetailSerializer, PortalAutoSchema
from workgroups.enforcement import access, selectors, services
from workgroups.enforcement.models import (
    QUANTITY_DIGITS,
    QUANTITY_PLACES,
    Commodity,
    Mode,
    Operation,
    PlaceKind,
    SeizureReport,
    Unit,
    plain_decimal,
)


class ExactDecimalField(serializers.DecimalField):
    """A decimal as a string without padding zeros: 19.88445 stays "19.88445"."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES,
                         min_value=0, **kwargs)

    def to_representation(self, value):
        return plain_decimal(value)


class ReleasedCellSerializer(serializers.Serializer):
    commodity = serializers.ChoiceField(choices=Commodity.choices)
    mode = serializers.ChoiceField(choices=Mode.choices)
    unit = serializers.ChoiceField(choices=Unit.choices)
    cases = serializers.IntegerField(allow_null=True, help_text="Null: fewer than 3 cases.")
    quantity = serializers.CharField(allow_null=True, help_text="Null where suppressed.")


class OperationSerializer(serializers.ModelSerializer):
    lead = serializers.CharField(source="lead.code", read_only=True)
    participants = serializers.SerializerMethodField()
    body = serializers.CharField(source="body.code", read_only=True)
    focus = serializers.ListField(child=serializers.CharField(), read_only=True)
    released_statistics = serializers.SerializerMethodField()

    class Meta:
        model = Operation
        fields = ["slug", "name", "lead", "participants", "body", "starts_on", "ends_on",
                  "period_is_inferred", "focus", "summary", "released_statistics"]

    def get_participants(self, operation) -> list[str]:
        return sorted(a.code for a in operation.participants.all())

    def get_released_statistics(self, operation) -> list[dict] | None:
        releases = operation.ordered_releases
        if not releases:
            return None
        return ReleasedCellSerializer(releases[0].cells, many=True).data


class OperationViewSet(viewsets.ReadOnlyModelViewSet):
    """Joint enforcement operations with the statistics the secretariat released (small
    cells suppressed). Seizure reports are at ``/api/v1/seizure-reports/`` for those cleared."""

    serializer_class = OperationSerializer
    lookup_field = "slug"
    # Queries per page: count, operations (+lead, body), participants, phases, releases.
    queryset = selectors.operations_with_release().order_by("-starts_on", "name")


class SeizureLineSerializer(serializers.Serializer):
    commodity = serializers.ChoiceField(choices=Commodity.choices)
    quantity = ExactDecimalField()
    unit = serializers.ChoiceField(choices=Unit.choices)


class SeizureReportSerializer(serializers.ModelSerializer):
    operation = serializers.SlugRelatedField(
        slug_field="slug", queryset=Operation.objects.all(), allow_null=True, required=False
    )
    administration = serializers.SlugRelatedField(
        slug_field="code", queryset=Administration.objects.all(), required=False,
        help_text="The secretariat only; a contact files for their own administration.",
    )
    place_kind = serializers.ChoiceField(choices=PlaceKind.choices)
    mode = serializers.ChoiceField(choices=Mode.choices)
    lines = SeizureLineSerializer(many=True)

    class Meta:
        model = SeizureReport
        fields = ["id", "operation", "administration", "seized_on", "date_is_approximate",
                  "place", "place_kind", "mode", "origin", "transit", "destination",
                  "concealment", "persons_arrested", "agencies", "summary", "is_illustrative",
                  "version", "lines"]
        read_only_fields = ["id", "version", "is_illustrative"]

    def validate_lines(self, lines):
        if not lines:
            raise serializers.ValidationError("Give at least one commodity with its quantity.")
        if len(lines) > services.MAX_LINES:
            raise serializers.ValidationError(f"At most {services.MAX_LINES} commodities.")
        for line in lines:
            if line["quantity"] <= 0:
                raise serializers.ValidationError("Quantities are positive numbers.")
        return lines


class ClearanceSchema(PortalAutoSchema):
    """Every operation of the endpoint answers 404 to people without the clearance."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction == "response" and "404" not in responses:
            response = self._get_response_for_code(ErrorDetailSerializer, "404",
                                                   direction=direction)
            responses["404"] = {**response, "description": (
                "Without the enforcement clearance (or not found): the endpoint does not "
                "exist for you.")}
        return responses


class SeizureReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Seizure reports, for enforcement contacts and the secretariat only (404 otherwise)."""

    serializer_class = SeizureReportSerializer
    filterset_fields = ["mode"]
    schema = ClearanceSchema()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # A method the route does not offer is a 405 for everyone, as on every other route;
        # only then does the clearance hide the route itself (404).
        if request.method.lower() not in self.http_method_names or not hasattr(
                self, request.method.lower()):
            raise MethodNotAllowed(request.method)
        if not access.sees_seizures(request.user):
            raise NotFound

    def get_queryset(self):
        # Queries per page: count, reports (+operation, administration), lines, names.
        return selectors.reports_visible_to(self.request.user).order_by("-seized_on", "-pk")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        lines = [services.Line(**line) for line in data.pop("lines")]
        if not is_secretariat(request.user) or "administration" not in data:
            adm_id = administration_id_of(request.user)
            if adm_id is None:
                raise ValidationError({"administration": ["Say which administration filed it."]})
            if "administration" in data and data["administration"].pk != adm_id:
                raise PermissionDenied("You may file only for your own administration.")
            data["administration"] = Administration.objects.get(pk=adm_id)
        try:
            report = services.seizure_report_file(actor=request.user, data=data, lines=lines)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        report = selectors.reports_visible_to(request.user).get(pk=report.pk)
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)
