import logging

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, permissions, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from secretariat.access import profile_of, role_of
from secretariat.security_log import log_event
from secretariat.throttles import PortalScopedRateThrottle

# Filled in by apps above the core (consultations adds the calendar feed URL).
ME_EXTRAS: list = []


class AffiliationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["administration", "partner"])
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=["secretariat", "chair", "delegate", "partner"])
    affiliation = AffiliationSerializer(allow_null=True)
    time_zone = serializers.CharField()
    calendar_url = serializers.URLField(allow_null=True)
    # Issue 11: the chair terms the caller's administration holds now (computed, not a role).
    chairs = serializers.ListField(child=serializers.DictField(), required=False)


def _affiliation(profile) -> dict | None:
    if profile is None:
        return None
    if profile.administration_id:
        adm = profile.administration
        return {"kind": "administration", "id": adm.pk, "code": adm.code, "name": adm.name}
    if profile.partner_id:
        partner = profile.partner
        return {"kind": "partner", "id": partner.pk, "code": partner.slug, "name": partner.name}
    return None


class MeView(APIView):
    """Who the caller is: role, affiliation and personal links."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        profile = profile_of(user)
        data = {
            "username": user.get_username(),
            "full_name": user.get_full_name(),
            "email": user.email,
            "role": role_of(user),
            "affiliation": _affiliation(profile),
            "time_zone": profile.effective_time_zone if profile else "UTC",
            "calendar_url": None,
            "chairs": [],
        }
        for extra in ME_EXTRAS:
            data.update(extra(request))
        return Response(MeSerializer(data).data)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenView(ObtainAuthToken):
    """Exchange username and password for an API token. Throttled, and locked out by axes
    after repeated failures like the login page."""

    # The credentials are in the body: a stale token or session must not turn the exchange
    # into a 401, and the schema must not claim that the endpoint needs one.
    authentication_classes = ()
    permission_classes = (permissions.AllowAny,)
    throttle_classes = [PortalScopedRateThrottle]
    throttle_scope = "token"

    def get_serializer_context(self):
        # Axes tracks failures on Django's HttpRequest; DRF's wrapper hides the attributes
        # axes sets, so the failures would never add up to a lockout.
        return {**super().get_serializer_context(), "request": self.request._request}

    @extend_schema(request=AuthTokenSerializer, responses=TokenSerializer)
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


def portal_exception_handler(exc, context):
    """DRF's handler, plus a security log line for refusals and throttling (T21)."""
    request = context.get("request")
    if isinstance(exc, exceptions.Throttled):
        log_event("throttled", request, level=logging.WARNING, path=request.path)
    elif isinstance(exc, exceptions.PermissionDenied | exceptions.NotAuthenticated):
        log_event("access_denied", request, level=logging.WARNING, path=request.path)
    return exception_handler(exc, context)


# --- Filters shared by the apps' APIs ---------------------------------------------------------


# Filters take whole numbers within what the database column holds: ``year=0.5`` or
# ``meeting=99999999999`` is a 400, not a query the database refuses with a 500.
DB_INT_MAX = 2**31 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 9999})
class YearFilter(django_filters.NumberFilter):
    """A calendar year (``lookup_expr="year"`` on a date field)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=9999, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": DB_INT_MAX})
class IdFilter(django_filters.NumberFilter):
    """The id of a related row."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=DB_INT_MAX, **kwargs)


class _TrueFalseField(forms.NullBooleanField):
    """``true``/``false`` (or ``1``/``0``); anything else is an error, not "no filter"."""

    ACCEPTED = {"true", "false", "1", "0"}
    # NullBooleanSelect would turn an unknown value into None before the field sees it.
    widget = forms.TextInput

    def to_python(self, value):
        if value not in (None, "") and str(value).lower() not in self.ACCEPTED:
            raise forms.ValidationError("Send true or false.", code="invalid")
        return super().to_python(value)


class BooleanFilter(django_filters.BooleanFilter):
    """django-filter's ``BooleanFilter`` reads ``upcoming=maybe`` as "no filter" and answers
    with everything; this one answers 400."""

    field_class = _TrueFalseField
