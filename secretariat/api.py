import logging

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView, exception_handler

from secretariat.access import profile_of, role_of
from secretariat.security_log import log_event

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
        }
        for extra in ME_EXTRAS:
            data.update(extra(request))
        return Response(MeSerializer(data).data)


class TokenView(ObtainAuthToken):
    """Exchange username and password for an API token. Throttled, and locked out by axes
    after repeated failures like the login page."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    def get_serializer_context(self):
        # Axes tracks failures on Django's HttpRequest; DRF's wrapper hides the attributes
        # axes sets, so the failures would never add up to a lockout.
        return {**super().get_serializer_context(), "request": self.request._request}


def portal_exception_handler(exc, context):
    """DRF's handler, plus a security log line for refusals and throttling (T21)."""
    request = context.get("request")
    if isinstance(exc, exceptions.Throttled):
        log_event("throttled", request, level=logging.WARNING, path=request.path)
    elif isinstance(exc, exceptions.PermissionDenied | exceptions.NotAuthenticated):
        log_event("access_denied", request, level=logging.WARNING, path=request.path)
    return exception_handler(exc, context)
